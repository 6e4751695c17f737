"""`manage.py bench_live`: how long from pressing Apply until the diagram gets its first update."""

from __future__ import annotations

import asyncio
import secrets
import statistics
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from cluster.sim.teaching.seed import httpd_deployment


class Command(BaseCommand):
    help = "Measure Apply → first diagram update through the sandbox websocket (the whole ASGI stack)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args: Any, runs: int, **options: Any) -> None:
        from django.contrib.sessions.backends.db import SessionStore

        from cluster import runtime
        from cluster.models import Sandbox

        call_command("migrate", interactive=False, verbosity=0)
        name = f"bench-live-{secrets.token_hex(4)}"
        session = SessionStore()
        session.create()
        runtime.create_sandbox(name, owner_session=str(session.session_key))
        try:
            first, replies = asyncio.run(measure(name, str(session.session_key), runs))
        finally:
            Sandbox.objects.filter(name=name).delete()
            session.delete()
        self.stdout.write(f"Apply → first diagram update: {statistics.median(first):.1f} ms "
                          f"(median of {runs}; p90 {quantile(first, 0.9):.1f} ms)")
        self.stdout.write(f"Apply → apply_result: {statistics.median(replies):.1f} ms (median of {runs})")


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(name: str, session_key: str, runs: int) -> tuple[list[float], list[float]]:
    """Milliseconds to the first `change` frame and to the `apply_result`, per apply."""
    from channels.testing import WebsocketCommunicator

    from tutorial.asgi import application

    comm = WebsocketCommunicator(application, f"/ws/sandbox/{name}/",
                                 headers=[(b"origin", b"http://localhost"), (b"cookie", f"sessionid={session_key}".encode())])
    connected, _ = await comm.connect()
    if not connected:
        raise RuntimeError("the sandbox websocket refused the benchmark's connection")
    await comm.receive_json_from(timeout=10)  # the snapshot
    first: list[float] = []
    replies: list[float] = []
    for i in range(runs):
        started = time.perf_counter()
        await comm.send_json_to({"type": "apply", "id": i, "yaml": httpd_deployment(name=f"bench-{i}")})
        seen_change = False
        while True:
            frame = await comm.receive_json_from(timeout=10)
            if frame["type"] == "change" and not seen_change:
                seen_change = True
                first.append((time.perf_counter() - started) * 1000)
            if frame.get("id") == i:
                replies.append((time.perf_counter() - started) * 1000)
                break
        if not seen_change:
            raise RuntimeError(f"apply {i} brought no change: {frame}")
    await comm.disconnect()
    return first, replies
