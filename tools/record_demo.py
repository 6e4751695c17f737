"""Record static/src/demo-frames.json: the frames the demo page replays, sent by the real server.

The demo page (static/src/demo.html) runs the lesson workspace without a server. It no longer simulates a
cluster: it replays what this script records from the real one. The script opens lesson 1's sandbox through
Podium's own ASGI application and websocket consumer (channels' WebsocketCommunicator), so every frame is
encoded exactly as a browser receives it, and plays a learner through the seed scenario:

  the tape     apply the seed Deployment, pods get IPs, a typo'd pod fails to pull, apply the seed Service,
               requests from a node through the Service, kill an httpd pod, its replacement, requests again;
  the answers  at the tape's end, the replies to what a visitor of the demo page may ask (why, kubectl lines,
               traffic, applies, killing either httpd pod); killing a pod leads to a state with answers of its
               own, recorded on a fresh run of the same tape (the engine is deterministic).

The sandbox's clock is paused (as the Pause button does) and moved on by this script one timed happening at a
time, as the ticker moves a watched sandbox, so the recording does not depend on the wall clock.

    .venv/bin/python tools/record_demo.py           # write static/src/demo-frames.json
    .venv/bin/python tools/record_demo.py --check   # exit 1 when the file is not what the engine records now

After writing, rebuild the bundles: `cd static/src && npm ci && node build.mjs` (static/dist/demo.js embeds it).
tests/cluster/test_demo_recording.py fails while the committed file is stale.
"""

from __future__ import annotations

import calendar
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "static" / "src" / "demo-frames.json"

SANDBOX = "demo"
LESSON = "how-services-reach-pods"
START = float(calendar.timegm((2026, 11, 24, 10, 0, 0)))  # wall and cluster time when the sandbox is made
ORIGIN = b"http://localhost"
KILL_SETTLE = 6.0  # seconds after a kill: the pod is gone and its replacement is ready
TRAFFIC_COUNTS = (1, 10)

Frame = dict[str, Any]


def _nothing(cluster: Any) -> None:
    """Acting with nothing to do moves the sandbox to the time asked for and publishes what happened."""


class Learner:
    """One browser on the sandbox's websocket: sends what the page sends and keeps every frame it gets."""

    def __init__(self, comm: Any) -> None:
        self.comm = comm
        self.seq = -1
        self.next_id = 0

    async def receive(self) -> Frame:
        frame: Frame = await self.comm.receive_json_from(timeout=20)
        if frame["type"] == "change":
            self.seq = frame["seq"]
        return frame

    async def until(self, done: Callable[[Frame], bool]) -> list[Frame]:
        frames = []
        while True:
            frame = await self.receive()
            frames.append(frame)
            if done(frame):
                return frames

    async def until_change(self, seq: int) -> list[Frame]:
        return await self.until(lambda f: f["type"] == "change" and f["seq"] == seq)

    async def flush(self) -> list[Frame]:
        """The frames the consumer is still sending: a ping is answered only after them."""
        await self.comm.send_json_to({"type": "ping"})
        return (await self.until(lambda f: f["type"] == "pong"))[:-1]

    async def ask(self, frame: Frame) -> list[Frame]:
        """Send a command as the page does; every frame up to its reply, and the broadcasts it causes."""
        self.next_id += 1
        sent = {**frame, "id": self.next_id}
        await self.comm.send_json_to(sent)
        frames = await self.until(lambda f: f.get("id") == sent["id"] and f["type"] != "change")
        if frame["type"] == "traffic" and frames[-1]["type"] == "done":
            # the requests' events reach every page of the sandbox through the group, after the reply
            frames += await self.until(lambda f: f["type"] == "traffic")
        return frames + await self.flush()

    async def wait(self, seconds: float) -> list[Frame]:
        """Let `seconds` of cluster time pass, stopping at every timed happening as the ticker does."""
        from channels.db import database_sync_to_async

        from cluster import runtime
        from cluster.models import Sandbox

        def clock() -> tuple[float, float | None]:
            row = Sandbox.objects.only("cluster_time", "next_due").get(name=SANDBOX)
            return row.cluster_time, row.next_due

        now, due = await database_sync_to_async(clock)()
        until = now + seconds
        frames: list[Frame] = []
        while now < until:
            step = (min(due, until) if due is not None else until) - now
            outcome = await database_sync_to_async(runtime.act)(SANDBOX, _nothing, advance_by=max(step, 0.0))
            if outcome.seq > self.seq:
                frames += await self.until_change(outcome.seq)
                frames += await self.flush()
            now, due = await database_sync_to_async(clock)()
        return frames


def reply_text(frames: list[Frame]) -> str:
    """What the command printed, as the page would show it."""
    reply = next((f for f in frames if "id" in f), {})
    if reply.get("type") == "error":
        return f"error: {reply['message']}\n"
    return "".join(str(reply.get(k) or "") for k in ("output", "stdout", "error", "stderr"))


# ---- one run: a fresh sandbox, the tape, and the answers at its end ----------------------------------------


def new_sandbox() -> str:
    """Lesson 1's sandbox, made at START with its clock paused; returns the session key that owns it."""
    from django.contrib.sessions.backends.db import SessionStore

    from cluster import runtime
    from cluster.models import Sandbox
    from tutorial.lessons import cluster_settings
    from tutorial.models import Lesson, Progress
    from tutorial.services import rebuild

    Progress.objects.filter(sandbox__name=SANDBOX).delete()
    Sandbox.objects.filter(name=SANDBOX).delete()
    runtime._cache.pop(SANDBOX)
    session = SessionStore()
    session.create()
    key = str(session.session_key)
    lesson = Lesson.objects.get(slug=LESSON)
    row = runtime.create_sandbox(SANDBOX, settings=cluster_settings(lesson), owner_session=key, wall=START)
    runtime.act(SANDBOX, _nothing, wall=START, speed=0.0)
    Progress.objects.create(lesson=lesson, session_key=key, sandbox=row)
    rebuild(SANDBOX, lesson)
    return key


def cluster_time() -> float:
    from cluster.models import Sandbox

    return float(Sandbox.objects.values_list("cluster_time", flat=True).get(name=SANDBOX))


def httpd_pods() -> list[str]:
    """The httpd pods the visitor may kill, as the sandbox has them now."""
    from cluster import runtime

    def names(cluster: Any) -> list[str]:
        return sorted(p["metadata"]["name"] for p in cluster.store.list("Pod", "default", {"run": "httpd"})
                      if not p["metadata"].get("deletionTimestamp"))

    return list(runtime.read(SANDBOX, names))


def service_urls() -> list[str]:
    """httpd-svc by name and by ClusterIP, as the traffic panel offers them."""
    from cluster import runtime

    def look(cluster: Any) -> list[str]:
        svc = cluster.store.get("Service", "default", "httpd-svc")
        port = svc["spec"]["ports"][0]["port"]
        return [f"http://httpd-svc:{port}/", f"http://{svc['spec']['clusterIP']}:{port}/"]

    return list(runtime.read(SANDBOX, look))


def questions() -> list[Frame]:
    """What a visitor may ask at a moment the tape is over: read-only commands, answered where they stand."""
    from cluster import runtime
    from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_DEPLOYMENT_V1BETA1, SEED_SERVICE

    def look(cluster: Any) -> tuple[list[str], list[str]]:
        return ([s["metadata"]["name"] for s in cluster.store.list("Service", "default")],
                [n["metadata"]["name"] for n in cluster.store.list("Node")])

    services, nodes = runtime.read(SANDBOX, look)
    urls = service_urls()
    asks: list[Frame] = [{"type": "why", "namespace": "default", "name": name} for name in services]
    for line in ("get pods", "get pods -o wide", "get pods --show-labels", "get pods -l run=httpd -o wide",
                 "get deployments", "get replicasets", "get services", "get svc", "get service -o wide",
                 "get endpoints", "get endpointslices", "get events", "describe service httpd-svc",
                 "describe deployment httpd", "describe pod web", "get nodes"):
        asks.append({"type": "kubectl", "line": line})
    for line in ("kubectl ", "kubectl get ", "kubectl get pods ", "kubectl describe svc "):
        asks.append({"type": "complete", "line": line})
    for source in ["outside", *(f"node/{n}" for n in nodes)]:
        for url in urls:
            for count in TRAFFIC_COUNTS:
                asks.append({"type": "traffic", "from": source, "url": url, "count": count})
    for manifest in (SEED_DEPLOYMENT_V1BETA1, SEED_DEPLOYMENT, SEED_SERVICE):
        asks.append({"type": "apply", "yaml": manifest})
    return asks


async def answers(learner: Learner) -> list[Frame]:
    from channels.db import database_sync_to_async

    recorded = []
    for ask in await database_sync_to_async(questions)():
        recorded.append({"ask": ask, "frames": await learner.ask(ask)})
    return recorded


async def tape(learner: Learner) -> tuple[list[Frame], float]:
    """The seed scenario, one step per thing the learner does: what they did, what it printed, what followed;
    and the cluster time it ends at."""
    from channels.db import database_sync_to_async

    from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_SERVICE

    steps: list[Frame] = []

    async def step(says: str, ask: Frame | None, wait: float) -> None:
        time = await database_sync_to_async(cluster_time)()
        frames = await learner.ask(ask) if ask else []
        output = reply_text(frames)
        # replies answer the recorder's ids; the page sees only what every page of the sandbox sees
        frames = [f for f in frames if "id" not in f] + await learner.wait(wait)
        steps.append({"time": time, "says": says, "output": output, "frames": frames})

    await step("Lesson 1 begins: three nginx pods already run in the cluster.", None, 1)
    await step("$ kubectl apply -f httpd-deployment.yaml", {"type": "apply", "yaml": SEED_DEPLOYMENT}, 10)
    await step("$ kubectl run web --image=ngnix:1.27   (a typo: the image does not exist)",
               {"type": "kubectl", "line": "run web --image=ngnix:1.27"}, 5)
    await step("$ kubectl apply -f httpd-service.yaml", {"type": "apply", "yaml": SEED_SERVICE}, 3)
    # a node resolves names without the cluster's DNS: from there, the Service is reached by its ClusterIP
    url = (await database_sync_to_async(service_urls)())[1]
    traffic = {"type": "traffic", "from": "node/podium-worker", "url": url, "count": 10}
    await step(f"10 requests from node podium-worker to {url}", traffic, 2)
    victim = (await database_sync_to_async(httpd_pods)())[0]
    await step(f"Kill pod {victim}: its ReplicaSet creates a replacement",
               {"type": "delete_pod", "namespace": "default", "name": victim}, KILL_SETTLE)
    await step(f"10 more requests from node podium-worker to {url}", traffic, 2)
    return steps, await database_sync_to_async(cluster_time)()


async def run(then: Callable[[Learner], Any]) -> Any:
    """A fresh sandbox, the page's socket on it, the tape; then `then(learner)` at the tape's end."""
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from tutorial.asgi import application

    key = await database_sync_to_async(new_sandbox)()
    comm = WebsocketCommunicator(application, f"/ws/sandbox/{SANDBOX}/",
                                 headers=[(b"origin", ORIGIN), (b"host", b"localhost"), (b"cookie", f"sessionid={key}".encode())])
    connected, _ = await comm.connect()
    if not connected:
        raise RuntimeError("the consumer refused the recorder's socket")
    try:
        learner = Learner(comm)
        snapshot = await learner.receive()
        learner.seq = snapshot["seq"]
        steps = await tape(learner)
        return snapshot, steps, await then(learner)
    finally:
        await comm.disconnect()


async def record() -> dict[str, Any]:
    """The whole recording; needs a migrated database with the lesson pack loaded."""
    from channels.db import database_sync_to_async

    async def at_the_end(learner: Learner) -> tuple[list[Frame], list[str]]:
        return await answers(learner), await database_sync_to_async(httpd_pods)()

    snapshot, (steps, ends), (end, victims) = await run(at_the_end)
    states: dict[str, list[Frame]] = {"end": end}
    for victim in victims:
        state = f"after killing {victim}"

        async def kill(learner: Learner, victim: str = victim, state: str = state) -> Frame:
            frames = await learner.ask({"type": "delete_pod", "namespace": "default", "name": victim})
            frames += await learner.wait(KILL_SETTLE)
            ends = await database_sync_to_async(cluster_time)()
            states[state] = await answers(learner)
            return {"ask": {"type": "delete_pod", "namespace": "default", "name": victim}, "frames": frames,
                    "then": state, "ends": ends}

        _, again, answer = await run(kill)
        if again != (steps, ends):
            raise RuntimeError("the same tape recorded twice differs: the engine is not deterministic")
        end.append(answer)
    return {
        "about": "Recorded by tools/record_demo.py from the real server; do not edit. static/src/demo.js replays it.",
        "lesson": LESSON,
        "snapshot": snapshot,
        "tape": steps,
        "tape_ends": ends,
        "answers": states,
    }


def dumps(recording: dict[str, Any]) -> str:
    return json.dumps(recording, indent=1, ensure_ascii=False) + "\n"


# ---- the command line ------------------------------------------------------------------------------------


def setup_django(directory: str) -> None:
    """Podium's settings on a throwaway SQLite database, migrated, with the built-in lessons loaded."""
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/demo.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tutorial.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from tutorial.packs import import_pack as load_pack

    load_pack()


def main(argv: list[str]) -> int:
    import asyncio

    check = "--check" in argv
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the project root: cluster, tutorial
    with tempfile.TemporaryDirectory() as directory:
        setup_django(directory)
        text = dumps(asyncio.run(record()))
    if check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run .venv/bin/python tools/record_demo.py", file=sys.stderr)
            return 1
        print(f"{OUT.relative_to(ROOT)} is what the engine records")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(text) // 1024} KB); now: cd static/src && npm ci && node build.mjs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
