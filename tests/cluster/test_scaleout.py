"""Two server processes serve one sandbox: PostgreSQL holds it, Redis carries the change notices between them.

Needs PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379). With CI=true a missing service fails the test;
elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.scale

ROOT = Path(__file__).resolve().parents[2]
PG_USERS = ("postgres", "root")
PG_HOST = "127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/11"
SANDBOX = "scale-out"
WRITES_PER_PROCESS = 8


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI needs this service: {reason}")
    pytest.skip(reason)


def admin_connection() -> Any:
    psycopg = pytest.importorskip("psycopg")
    errors = []
    for user in PG_USERS:
        try:
            conn = psycopg.connect(f"postgresql://{user}@{PG_HOST}/test", autocommit=True, connect_timeout=3)
            return user, conn
        except psycopg.Error as err:
            errors.append(f"{user}: {err}")
    unavailable(f"PostgreSQL is not reachable at {PG_HOST} ({'; '.join(errors)})")
    raise AssertionError("unreachable")


def check_redis() -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as err:
        unavailable(f"Redis is not reachable at {REDIS_URL} ({err})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne on port {port} exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"daphne on port {port} did not start within {timeout:g} s")


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, Any]]:
    """A fresh PostgreSQL database, a sandbox owned by a session, and two daphne processes serving it."""
    check_redis()
    user, admin = admin_connection()
    database = f"podium_scale_{os.getpid()}"
    admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
    admin.execute(f'CREATE DATABASE "{database}"')
    env = dict(os.environ, DATABASE_URL=f"postgres://{user}@{PG_HOST}/{database}", REDIS_URL=REDIS_URL,
               ALLOWED_HOSTS="127.0.0.1,localhost", DJANGO_SETTINGS_MODULE="tutorial.settings")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        ports = [free_port(), free_port()]
        # The servers start while the database is prepared: they touch it only when a client connects.
        for port in ports:
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "tutorial.asgi:application"],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        setup = (
            "from django.core.management import call_command\n"
            "from django.contrib.sessions.backends.db import SessionStore\n"
            "from cluster import runtime\n"
            "call_command('migrate', verbosity=0)\n"
            "s = SessionStore(); s.create()\n"
            f"runtime.create_sandbox({SANDBOX!r}, owner_session=s.session_key)\n"
            "print(s.session_key)\n"
        )
        session = subprocess.run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", setup], env=env, cwd=ROOT,
                                 check=True, timeout=120, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        for port, process in zip(ports, processes, strict=True):
            wait_for_port(port, process)
        yield {"ports": ports, "session": session}
    finally:
        for process in processes:
            process.kill()
            process.wait(timeout=10)
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()


class Client:
    """A browser tab on one server process: keeps every frame it receives and answers replies by id."""

    def __init__(self, port: int, session: str) -> None:
        self.port, self.session = port, session
        self.frames: list[dict[str, Any]] = []
        self.next_id = 0

    async def __aenter__(self) -> Client:
        from websockets.asyncio.client import connect

        self.ws = await connect(f"ws://127.0.0.1:{self.port}/ws/sandbox/{SANDBOX}/",
                                origin=f"http://127.0.0.1:{self.port}",  # type: ignore[arg-type]
                                additional_headers={"Cookie": f"sessionid={self.session}"},
                                max_size=2**24)
        self.snapshot = await self.until(lambda f: f["type"] == "snapshot")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def until(self, done: Any, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), max(0.01, deadline - time.monotonic())))
            self.frames.append(frame)
            if done(frame):
                return frame

    async def request(self, frame: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        frame_id = f"{self.port}-{self.next_id}"
        await self.ws.send(json.dumps(dict(frame, id=frame_id)))
        return await self.until(lambda f: f.get("id") == frame_id)

    async def caught_up_to(self, seq: int) -> None:
        if not any(f["type"] == "change" and f["seq"] >= seq for f in self.frames):
            await self.until(lambda f: f["type"] == "change" and f["seq"] >= seq)

    def changes(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["type"] == "change"]


def configmaps(frames: list[dict[str, Any]]) -> list[str]:
    return [f["change"]["object"]["metadata"]["name"] for f in frames
            if f["change"]["object"]["kind"] == "ConfigMap" and f["change"]["type"] == "ADDED"]


def manifest(name: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  by: {name}\n"


async def test_a_change_made_through_one_process_reaches_a_tab_on_the_other(servers: dict[str, Any]) -> None:
    a_port, b_port = servers["ports"]
    async with Client(a_port, servers["session"]) as a, Client(b_port, servers["session"]) as b:
        result = await b.request({"type": "apply", "yaml": manifest("from-b")})
        assert result["type"] == "apply_result" and result["output"] == "configmap/from-b created\n"

        await a.until(lambda f: f["type"] == "change" and f["change"]["object"]["metadata"]["name"] == "from-b")

        seqs = [f["seq"] for f in a.changes()]
        assert seqs == list(range(a.snapshot["seq"] + 1, seqs[-1] + 1)), "in order, no gap, no duplicate"


async def test_concurrent_commands_through_both_processes_keep_every_write(servers: dict[str, Any]) -> None:
    a_port, b_port = servers["ports"]
    async with Client(a_port, servers["session"]) as a, Client(b_port, servers["session"]) as b:

        async def write(client: Client, prefix: str) -> list[dict[str, Any]]:
            return [await client.request({"type": "apply", "yaml": manifest(f"{prefix}-{i}")})
                    for i in range(WRITES_PER_PROCESS)]

        results = await asyncio.gather(write(a, "a"), write(b, "b"))
        assert {r["ok"] for batch in results for r in batch} == {True}
        listing = await a.request({"type": "kubectl", "line": "get configmaps -o name"})
        expected = {f"{p}-{i}" for p in "ab" for i in range(WRITES_PER_PROCESS)}
        last = max(a.snapshot["seq"], *(f["seq"] for f in a.changes()))
        await b.caught_up_to(last)

        stored = {line.removeprefix("configmap/") for line in listing["stdout"].split()}
        assert expected <= stored, "every write kept"
        for client in (a, b):
            seqs = [f["seq"] for f in client.changes()]
            assert seqs == list(range(client.snapshot["seq"] + 1, seqs[-1] + 1)), "in order, no gap, no duplicate"
            assert expected <= set(configmaps(client.changes())), "each tab saw every write"


IDLE_SECONDS = 30  # six times channels-redis' 5 s blocking read for group messages


async def test_idle_pages_on_both_processes_keep_their_sockets(servers: dict[str, Any]) -> None:
    from websockets.exceptions import ConnectionClosed

    tabs = [Client(port, servers["session"]) for port in servers["ports"] for _ in range(3)]
    for tab in tabs:
        await tab.__aenter__()
    try:
        await asyncio.sleep(IDLE_SECONDS)  # nobody sends anything, and nothing changes in the sandbox

        closed = []
        for tab in tabs:
            try:
                await tab.ws.send(json.dumps({"type": "ping"}))
                await tab.until(lambda f: f["type"] == "pong", timeout=10)
            except ConnectionClosed as err:
                closed.append((tab.port, err.rcvd.code if err.rcvd else None))
        assert closed == [], "every idle page's socket is still open and answers"
    finally:
        for tab in tabs:
            await tab.__aexit__()
