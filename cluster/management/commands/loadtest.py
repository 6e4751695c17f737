"""`manage.py loadtest`: a class of simulated learners over real websockets against running Podium servers.

Each learner opens the seed lesson as a browser would (the lesson page over HTTP, then its sandbox's
websocket) and every 3–6 s applies the lesson's Deployment and Service, runs a kubectl line, sends 10 requests
or kills a pod. It measures the time from each command to the first frame that answers it, checks that every
change frame arrives once and in order, and afterwards runs a bare websocket echo with the same sockets and
message rate for comparison. Only servers on this machine (loopback) are driven, for a bounded time.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import ipaddress
import json
import os
import random
import re
import socket
import statistics
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cluster.sim.teaching.seed import SEED_SERVICE, httpd_deployment

MAX_LEARNERS = 1000
MAX_DURATION = 3600
PAUSE = (3.0, 6.0)  # seconds between one learner's commands
REPLY_TIMEOUT = 15.0
OPEN_CONCURRENCY = 8  # lesson pages fetched at once while the class arrives
SETTLE_SECONDS = 30.0  # after the window, for the last frames to arrive
SEED_LESSON = "how-services-reach-pods"



# ---- the servers ---------------------------------------------------------------------------------------


def loopback_url(url: str) -> tuple[str, str, int]:
    """(http base, ws base, port) of a loopback URL; anything else is refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CommandError(f"--url {url!r}: give an http:// URL such as http://127.0.0.1:8000")
    host = parts.hostname
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise CommandError(f"--url {url!r}: the load test drives servers on this machine only "
                           "(127.0.0.0/8, localhost or [::1])")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    ws = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{netloc}", f"{ws}://{netloc}", port


def listening_pids(port: int) -> list[int]:
    """The processes listening on a local TCP port (Linux /proc), to read their CPU time and memory."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    pids.append(int(pid))
                    break
    return sorted(pids)


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Servers:
    pids: list[int]
    cpu_start: float = 0.0
    wall_start: float = 0.0
    rss_start: float = 0.0
    rss_peak: float = 0.0
    window: float = 0.0

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def rss(self) -> float:
        return sum(rss_mb(pid) for pid in self.pids)

    def start(self) -> None:
        if self.pids:
            self.cpu_start, self.wall_start = self.cpu(), time.monotonic()
            self.rss_start = self.rss_peak = self.rss()

    def sample(self) -> None:
        if self.pids:
            self.rss_peak = max(self.rss_peak, self.rss())

    def elapsed(self) -> float:
        return time.monotonic() - self.wall_start

    def cpu_percent(self) -> float:
        elapsed = time.monotonic() - self.wall_start
        return 100 * (self.cpu() - self.cpu_start) / elapsed if self.pids and elapsed > 0 else 0.0


# ---- one learner -----------------------------------------------------------------------------------------


@dataclass
class Pending:
    """A command sent and not yet replied to."""

    kind: str
    id: str
    sent: float
    answers: Any  # frame -> bool: the frames that answer this command
    answered: float | None = None


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    commands: int = 0
    replies: int = 0
    changes: int = 0
    duplicates: int = 0
    gaps: int = 0
    missing: int = 0
    unanswered: int = 0
    errors: list[str] = field(default_factory=list)

    def all_latencies(self) -> list[float]:
        return [ms for values in self.latencies.values() for ms in values]


def open_lesson(base: str, lesson: str) -> tuple[str, str]:
    """(session cookie, websocket path) of a fresh browser opening the lesson page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/lessons/{lesson}/", timeout=60) as response:
        page = response.read().decode()
    found = re.search(r'data-ws-url="([^"]+)"', page)
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if found is None or session is None:
        raise RuntimeError(f"the lesson page at {base}/lessons/{lesson}/ gave no sandbox websocket")
    return session, found.group(1)


def first_lesson(base: str) -> str:
    """The seed lesson when the server has it, else the first lesson it lists."""
    with urllib.request.urlopen(f"{base}/", timeout=30) as response:
        page = response.read().decode()
    if f'href="/lessons/{SEED_LESSON}/"' in page:
        return SEED_LESSON
    found = re.search(r'href="/lessons/([^/"]+)/"', page)
    if found is None:
        raise CommandError(f"{base}/ lists no lesson: load the lessons (manage.py load_lessons) or give --lesson")
    return found.group(1)


class Learner:
    """One browser tab on one lesson: keeps the objects it was shown and the last change it applied."""

    def __init__(self, number: int, base: str, ws_base: str, tally: Tally, rng: random.Random) -> None:
        self.number, self.base, self.ws_base, self.tally, self.rng = number, base, ws_base, tally, rng
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.seq = -1
        self.first_seq = -1
        self.pending: Pending | None = None
        self.reply = asyncio.Event()
        self.next_id = 0
        self.replicas = 2
        self.closed_by_server = False
        self.ws: Any = None

    async def open(self, lesson: str, gate: asyncio.Semaphore) -> None:
        from websockets.asyncio.client import connect

        async with gate:
            self.session, path = await asyncio.to_thread(open_lesson, self.base, lesson)
        self.ws = await connect(self.ws_base + path, origin=self.base,  # type: ignore[arg-type]
                                additional_headers={"Cookie": f"sessionid={self.session}"}, max_size=2**24,
                                open_timeout=30, ping_interval=None)
        self.path = path
        self.on_frame(json.loads(await asyncio.wait_for(self.ws.recv(), 30)))
        self.first_seq = self.seq
        self.reader = asyncio.ensure_future(self.read())

    async def read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for text in self.ws:
                self.on_frame(json.loads(text))
        except ConnectionClosed:
            pass
        self.closed_by_server = not getattr(self, "closing", False)

    def on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "snapshot":
            self.seq = frame["seq"]
            self.objects = {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o
                            for o in frame["objects"]}
        elif kind == "change":
            if frame["seq"] <= self.seq:
                self.tally.duplicates += 1
            else:
                self.tally.gaps += frame["seq"] - self.seq - 1
                self.tally.changes += 1
                self.seq = frame["seq"]
            change = frame["change"]
            obj = change["object"]
            key = (obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
            if change["type"] == "DELETED":
                self.objects.pop(key, None)
            else:
                self.objects[key] = obj
        elif kind == "error":
            self.tally.errors.append(f"learner {self.number}: {frame.get('message')}")
        command = self.pending
        if command is None:
            return
        if command.answered is None and (frame.get("id") == command.id or command.answers(frame)):
            command.answered = time.monotonic()
        if frame.get("id") == command.id and kind not in ("change", "traffic"):
            self.tally.replies += 1
            self.reply.set()

    async def command(self, kind: str, frame: dict[str, Any], answers: Any) -> None:
        self.next_id += 1
        command = Pending(kind, f"c{self.next_id}", time.monotonic(), answers)
        self.pending, self.reply = command, asyncio.Event()
        self.tally.commands += 1
        await self.ws.send(json.dumps(dict(frame, id=command.id)))
        try:
            await asyncio.wait_for(self.reply.wait(), REPLY_TIMEOUT)
        except TimeoutError:
            self.tally.unanswered += 1
        if command.answered is not None:
            self.tally.latencies.setdefault(kind, []).append((command.answered - command.sent) * 1000)
        self.pending = None

    def _pods(self) -> list[dict[str, Any]]:
        return [o for (kind, ns, _), o in self.objects.items() if kind == "Pod" and ns == "default"
                and (o.get("status") or {}).get("phase") == "Running" and not o["metadata"].get("deletionTimestamp")]

    async def act_once(self) -> None:
        """One of the four things a learner does, chosen at random."""
        choice = self.rng.choice(("apply", "kubectl", "traffic", "kill"))
        pods = self._pods()
        service = self.objects.get(("Service", "default", "httpd-svc"))
        node = next((o["metadata"]["name"] for (kind, _, _), o in self.objects.items() if kind == "Node"), None)
        if choice == "kill" and pods:
            pod = self.rng.choice(pods)["metadata"]["name"]
            await self.command("kill", {"type": "delete_pod", "namespace": "default", "name": pod},
                               lambda f: f.get("type") == "change" and f["change"]["object"]["metadata"]["name"] == pod)
        elif choice == "traffic" and service and node:
            url = f"http://{service['spec']['clusterIP']}:8080/"
            await self.command("traffic", {"type": "traffic", "from": f"node/{node}", "url": url, "count": 10},
                               lambda f: f.get("type") == "traffic")
        elif choice == "kubectl":
            await self.command("kubectl", {"type": "kubectl", "line": "get pods -o wide"}, lambda f: False)
        else:
            self.replicas = 5 - self.replicas  # 2, 3, 2, …: every apply changes something
            await self.command("apply", {"type": "apply", "yaml": httpd_deployment(replicas=self.replicas) + "---\n" + SEED_SERVICE},
                               lambda f: f.get("type") == "change"
                               and f["change"]["object"]["metadata"]["name"].startswith("httpd"))

    async def run(self, until: float) -> None:
        await asyncio.sleep(self.rng.uniform(0, PAUSE[0]))
        while time.monotonic() < until and not self.closed_by_server:
            await self.act_once()
            await asyncio.sleep(self.rng.uniform(*PAUSE))

    async def ping(self) -> float | None:
        """Milliseconds to a pong, or None when the socket no longer answers."""
        started = time.monotonic()
        command = Pending("ping", "", started, lambda f: f.get("type") == "pong")
        self.pending, self.reply = command, asyncio.Event()
        try:
            await self.ws.send(json.dumps({"type": "ping"}))
            while command.answered is None and time.monotonic() - started < REPLY_TIMEOUT:
                await asyncio.sleep(0.01)
        except Exception:
            return None
        finally:
            self.pending = None
        return None if command.answered is None else (command.answered - started) * 1000

    async def finish(self) -> None:
        """Count the change frames that never came: a second tab's snapshot says how far the sandbox got."""
        from websockets.asyncio.client import connect

        if self.closed_by_server:
            self.tally.errors.append(f"learner {self.number}: the server closed the socket")
        else:
            async with connect(self.ws_base + self.path, origin=self.base,  # type: ignore[arg-type]
                               additional_headers={"Cookie": f"sessionid={self.session}"}, max_size=2**24,
                               open_timeout=30) as second:
                target = json.loads(await asyncio.wait_for(second.recv(), 30))["seq"]
            deadline = time.monotonic() + SETTLE_SECONDS
            while self.seq < target and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            self.tally.missing += max(0, target - self.seq)
        self.closing = True
        await self.ws.close()


# ---- the echo ------------------------------------------------------------------------------------------


async def echo(ws_base: str, origin: str, seconds: float, rng: random.Random, latencies: list[float],
               errors: list[str]) -> None:
    from websockets.asyncio.client import connect

    try:
        async with connect(f"{ws_base}/ws/echo/", origin=origin, open_timeout=30,  # type: ignore[arg-type]
                           ping_interval=None) as ws:
            until = time.monotonic() + seconds
            await asyncio.sleep(rng.uniform(0, PAUSE[0]))
            while time.monotonic() < until:
                started = time.monotonic()
                await ws.send(json.dumps({"type": "echo", "at": started}))
                await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT)
                latencies.append((time.monotonic() - started) * 1000)
                await asyncio.sleep(rng.uniform(*PAUSE))
    except Exception as err:
        errors.append(f"echo: {type(err).__name__}: {err}")


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Command(BaseCommand):
    help = "Drive simulated learners over real websockets against running Podium servers on this machine."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", action="append", required=True,
                            help="a server, e.g. http://127.0.0.1:8000 (repeat for several processes)")
        parser.add_argument("--learners", type=int, required=True)
        parser.add_argument("--duration", type=float, required=True, help="seconds of the measured window")
        parser.add_argument("--lesson", default="", help=f"lesson slug (default: {SEED_LESSON}, else the first on the lesson list)")
        parser.add_argument("--idle", action="store_true",
                            help="learners open the lesson and then send nothing; the server's CPU is the figure")
        parser.add_argument("--echo-seconds", type=float, default=None,
                            help="length of the echo comparison (default: the duration, at most 30 s; 0 skips it)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, url: list[str], learners: int, duration: float, lesson: str, idle: bool,
               echo_seconds: float | None, seed: int, **options: Any) -> None:
        if not 1 <= learners <= MAX_LEARNERS:
            raise CommandError(f"--learners must be from 1 to {MAX_LEARNERS}")
        if not 0 < duration <= MAX_DURATION:
            raise CommandError(f"--duration must be more than 0 and at most {MAX_DURATION} seconds")
        try:
            import websockets  # noqa: F401
        except ImportError as err:
            raise CommandError("the load test needs the websockets package: pip install -e '.[scale]'") from err
        targets = [loopback_url(u) for u in url]
        for _, _, port in targets:
            with socket.socket() as probe:
                probe.settimeout(2)
                if probe.connect_ex(("127.0.0.1", port)) != 0 and probe.connect_ex(("localhost", port)) != 0:
                    raise CommandError(f"nothing listens on port {port}: start the server first")
        echo_for = min(duration, 30.0) if echo_seconds is None else max(0.0, min(echo_seconds, MAX_DURATION))
        asyncio.run(self.run(targets, learners, duration, lesson, idle, echo_for, seed))

    async def run(self, targets: list[tuple[str, str, int]], count: int, duration: float, lesson: str,
                  idle: bool, echo_for: float, seed: int) -> None:
        rng = random.Random(seed)
        servers = Servers(sorted({pid for _, _, port in targets for pid in listening_pids(port)}))
        lesson = lesson or await asyncio.to_thread(first_lesson, targets[0][0])
        tally = Tally()
        class_ = [Learner(i, *targets[i % len(targets)][:2], tally, random.Random(rng.random()))
                  for i in range(count)]
        self.stdout.write(f"loadtest: {count} learners on {len(targets)} server process(es) "
                          f"(pids {', '.join(map(str, servers.pids)) or 'unknown'}), lesson {lesson}, "
                          f"{'idle ' if idle else ''}{duration:g} s")
        gate = asyncio.Semaphore(OPEN_CONCURRENCY)
        opened_at = time.monotonic()
        results = await asyncio.gather(*(learner.open(lesson, gate) for learner in class_), return_exceptions=True)
        present = []
        for learner, result in zip(class_, results, strict=True):
            if isinstance(result, BaseException):
                tally.errors.append(f"learner {learner.number} could not open the lesson: "
                                    f"{type(result).__name__}: {result}")
            else:
                present.append(learner)
        self.stdout.write(f"  {len(present)} of {count} opened the lesson in {time.monotonic() - opened_at:.1f} s")

        servers.start()
        until = time.monotonic() + duration
        sampler = asyncio.ensure_future(self.sample(servers, until))
        if idle:
            await asyncio.sleep(duration)
            pings = await asyncio.gather(*(learner.ping() for learner in present))
            for learner, ms in zip(present, pings, strict=True):
                if ms is None:
                    tally.errors.append(f"learner {learner.number}: the socket no longer answers after idling")
                else:
                    tally.latencies.setdefault("ping", []).append(ms)
        else:
            await asyncio.gather(*(learner.run(until) for learner in present))
        cpu = servers.cpu_percent()
        servers.window = servers.elapsed()
        sampler.cancel()
        await asyncio.gather(*(learner.finish() for learner in present), return_exceptions=True)
        rss_end = servers.rss() if servers.pids else 0.0

        echo_latencies: list[float] = []
        if echo_for > 0:
            echo_errors: list[str] = []
            await asyncio.gather(*(echo(targets[i % len(targets)][1], targets[i % len(targets)][0], echo_for,
                                        random.Random(rng.random()), echo_latencies, echo_errors)
                                   for i in range(len(present))))
            tally.errors.extend(echo_errors)
        self.report(tally, count, present, servers, cpu, rss_end, echo_latencies)

    async def sample(self, servers: Servers, until: float) -> None:
        while time.monotonic() < until:
            servers.sample()
            await asyncio.sleep(1.0)

    def report(self, tally: Tally, count: int, present: list[Learner], servers: Servers, cpu: float,
               rss_end: float, echo_latencies: list[float]) -> None:
        latencies = tally.all_latencies()
        for kind, values in sorted(tally.latencies.items()):
            self.stdout.write(f"  {kind:<8} n={len(values):<6} p50={quantile(values, 0.5):.1f} ms "
                              f"p95={quantile(values, 0.95):.1f} ms p99={quantile(values, 0.99):.1f} ms "
                              f"max={max(values):.1f} ms")
        expected_changes = tally.changes + tally.gaps + tally.missing
        self.stdout.write(f"  delivered: {tally.replies} of {tally.commands} replies, {tally.changes} of "
                          f"{expected_changes} change frames ({tally.gaps} gaps, {tally.duplicates} duplicates, "
                          f"{tally.missing} missing at the end); {tally.unanswered} commands unanswered "
                          f"after {REPLY_TIMEOUT:g} s")
        if servers.pids:
            per_command = f", {10 * cpu * servers.window / tally.commands:.1f} ms CPU per command" \
                if tally.commands else ""
            self.stdout.write(f"  server: CPU {cpu:.1f} % of one core over the window{per_command}; memory "
                              f"{servers.rss_start:.0f} MB at the start, {servers.rss_peak:.0f} MB peak, "
                              f"{rss_end:.0f} MB at the end")
        for line in tally.errors[:10]:
            self.stdout.write(f"  error: {line}")
        if len(tally.errors) > 10:
            self.stdout.write(f"  … and {len(tally.errors) - 10} more errors")
        ratio = quantile(latencies, 0.95) / quantile(echo_latencies, 0.95) if echo_latencies and latencies \
            else float("nan")
        if echo_latencies:
            self.stdout.write(f"  echo     n={len(echo_latencies):<6} p50={quantile(echo_latencies, 0.5):.1f} ms "
                              f"p95={quantile(echo_latencies, 0.95):.1f} ms "
                              f"(mean {statistics.mean(echo_latencies):.1f} ms)")
        lost = tally.gaps + tally.missing + tally.duplicates + tally.unanswered
        self.stdout.write(f"learners={count} p50={quantile(latencies, 0.5):.0f}ms p95={quantile(latencies, 0.95):.0f}ms "
                          f"p99={quantile(latencies, 0.99):.0f}ms errors={len(tally.errors)} lost={lost} "
                          f"echo_ratio={ratio:.1f}")
