"""The sandbox websocket (docs/websocket-protocol.md): a snapshot, ordered changes, and commands."""

from __future__ import annotations

import importlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from cluster import runtime
from cluster.models import Sandbox
from cluster.sim.apimachinery import errors
from cluster.sim.cluster import Cluster
from cluster.sim.kubectl.completion import complete
from cluster.ticker import Ticker, speed_number

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 256 * 1024
MAX_LINE = 4096
SNAPSHOT_KINDS = ("Node", "Pod", "Service", "Endpoints", "EndpointSlice", "Deployment", "ReplicaSet", "ConfigMap",
                  "Secret")
SNAPSHOT_EVENTS = 50
SPEEDS = (0, 1, 4)
TRAFFIC_LIMIT = (20, 10.0)  # traffic commands per socket, per seconds
COMMAND_LIMIT = (120, 10.0)  # any command per socket, per seconds
REFUSED = 4403  # close code when the handshake is refused: not this learner's sandbox


class CommandError(Exception):
    """A command refused with a message for the learner; the socket stays open."""


# ---- the work, done in a thread (database_sync_to_async) ------------------------------------------------


def owner_of(name: str, session_key: str | None, user: Any) -> bool:
    """Only the sandbox's owner may watch it: the browser session that created it, or the logged-in user."""
    row = Sandbox.objects.filter(name=name).only("owner_session", "owner_user_id").first()
    if row is None:
        return False
    if row.owner_user_id is not None and getattr(user, "is_authenticated", False) and row.owner_user_id == user.pk:
        return True
    return bool(row.owner_session) and session_key == row.owner_session


def snapshot(name: str) -> dict[str, Any]:
    """The saved cluster as a `snapshot` frame (with `version`, the sandbox version it shows)."""
    row = Sandbox.objects.filter(name=name).first()
    if row is None:
        raise runtime.SandboxNotFound(name)
    # The saved snapshot, not one advanced to now: its objects are exactly those at `seq`; the ticker
    # brings what happened since as ordinary change frames.
    cluster = saved_cluster(row)
    objects = [obj for kind in SNAPSHOT_KINDS for obj in cluster.store.list(kind)]
    events = sorted(cluster.store.list("Event"), key=lambda e: int(e["metadata"].get("resourceVersion", "0")))
    return {
        "type": "snapshot",
        "seq": row.seq,
        "sandbox": name,
        "time": row.cluster_now(runtime.wall_clock()),
        "speed": speed_number(row.speed),
        "objects": objects,
        "events": events[-SNAPSHOT_EVENTS:],
        "checks": evaluate_checks(name, cluster) or [],
        "version": row.version,
    }


def saved_cluster(row: Sandbox) -> Cluster:
    """The cluster exactly as the row saved it; read it, never change it (it may be the runtime's cached copy)."""
    cached = runtime._cache.get(row.name)
    if cached is not None and cached[0] == row.version and cached[1].store.rv == row.seq \
            and cached[1].now == row.cluster_time:
        return cached[1]
    return runtime.decode(row.snapshot)


def frames_after(name: str, seq: int) -> list[dict[str, Any]] | None:
    """Change frames after `seq`; None when the client must start over (too far behind, or from before a reset)."""
    current = Sandbox.objects.filter(name=name).values_list("seq", flat=True).first()
    if current is None:
        raise runtime.SandboxNotFound(name)
    if seq > current:
        return None
    return runtime.changes_since(name, seq)


def checks_hook() -> Callable[[str, Cluster], list[dict[str, Any]] | None] | None:
    """tutorial.checks.evaluate_for_sandbox, when the tutorial app provides it."""
    try:
        module = importlib.import_module("tutorial.checks")
    except ModuleNotFoundError as err:
        if err.name not in ("tutorial", "tutorial.checks"):
            raise
        return None
    return getattr(module, "evaluate_for_sandbox", None)


def evaluate_checks(name: str, cluster: Cluster | None = None) -> list[dict[str, Any]] | None:
    """The lesson's checks for this sandbox, or None when there are none to evaluate."""
    hook = checks_hook()
    if hook is None:
        return None
    if cluster is None:
        row = Sandbox.objects.filter(name=name).first()
        if row is None:
            return None
        cluster = saved_cluster(row)
    try:
        return hook(name, cluster)
    except Exception:  # a broken check must not break the socket
        log.exception("evaluating checks for sandbox %s failed", name)
        return None


def reset(name: str) -> runtime.Outcome:
    """Start the sandbox over; the tutorial app may rebuild the lesson's starting state instead."""
    try:
        services = importlib.import_module("tutorial.services")
    except ModuleNotFoundError:
        services = None
    hook = getattr(services, "reset_for_sandbox", None)
    if hook is not None:
        outcome: runtime.Outcome = hook(name)
        return outcome
    return runtime.reset_sandbox(name)


def kubectl_module() -> Any:
    try:
        return importlib.import_module("cluster.sim.kubectl.cmd")
    except ModuleNotFoundError as err:
        raise CommandError("the built-in kubectl is not available on this server") from err


def read_only(name: str, fn: Callable[[Cluster], Any]) -> Any:
    """Run `fn` on the sandbox as of now, without saving anything."""
    return runtime.read(name, fn)


# ---- frame fields -----------------------------------------------------------------------------------------


def text_field(frame: dict[str, Any], key: str, *, limit: int = MAX_LINE, default: str | None = None,
               allow_empty: bool = False) -> str:
    value = frame.get(key, default)
    if not isinstance(value, str):
        raise CommandError(f'"{key}" must be a string')
    if len(value) > limit:
        raise CommandError(f'"{key}" is too long: at most {limit} characters')
    if not value and not allow_empty:
        raise CommandError(f'"{key}" must not be empty')
    return value


def int_field(frame: dict[str, Any], key: str, low: int, high: int) -> int:
    value = frame.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CommandError(f'"{key}" must be a whole number from {low} to {high}')
    if not low <= value <= high:
        raise CommandError(f'"{key}" must be from {low} to {high}, not {value}')
    return value


class RateLimit:
    """At most `count` uses in any `seconds`-long window."""

    def __init__(self, count: int, seconds: float) -> None:
        self.count, self.seconds = count, seconds
        self.used: deque[float] = deque()

    def allow(self, now: float) -> bool:
        while self.used and self.used[0] <= now - self.seconds:
            self.used.popleft()
        if len(self.used) >= self.count:
            return False
        self.used.append(now)
        return True


# ---- the consumer ----------------------------------------------------------------------------------------


class SandboxConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    """One open lesson page watching its sandbox: `ws/sandbox/<name>/?since=<seq>`."""

    async def connect(self) -> None:
        self.sandbox = self.scope["url_route"]["kwargs"]["name"]
        self.group = runtime.group_name(self.sandbox)
        self.seq = -1
        self.version = 0
        self.last_checks: list[dict[str, Any]] | None = None
        self.ticker: Ticker | None = None
        self.traffic_limit = RateLimit(*TRAFFIC_LIMIT)
        self.command_limit = RateLimit(*COMMAND_LIMIT)
        session = self.scope.get("session")
        session_key = session.session_key if session is not None else None
        if not await database_sync_to_async(owner_of)(self.sandbox, session_key, self.scope.get("user")):
            await self.close(code=REFUSED)  # before accept: the handshake is refused (HTTP 403)
            return
        # Join the group before reading the feed: whatever is published from now on is caught up in order.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        since = self._since()
        if since is None:
            await self.send_snapshot()
        else:
            self.seq = since
            await self.catch_up()
        self.ticker = Ticker(self.sandbox, self.send_clock)
        self.ticker.start()

    def _since(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        values = query.get("since") or [""]
        return int(values[0]) if values[0].isdigit() else None

    async def disconnect(self, code: int) -> None:
        ticker = getattr(self, "ticker", None)
        if ticker is not None:
            await ticker.stop()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    # ---- server → browser ------------------------------------------------------------------------

    async def send_json(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, separators=(",", ":")))

    async def send_snapshot(self) -> None:
        frame = await database_sync_to_async(snapshot)(self.sandbox)
        self.seq, self.version = frame["seq"], frame.pop("version")
        self.last_checks = frame["checks"]
        await self.send_json(frame)

    async def catch_up(self) -> None:
        """Send every change after the last one sent, in order, once; a fresh snapshot if that is impossible."""
        frames = await database_sync_to_async(frames_after)(self.sandbox, self.seq)
        if frames is None:
            await self.send_snapshot()
            return
        sent = False
        for frame in frames:
            if frame["seq"] <= self.seq:
                continue
            await self.send_json(frame)
            self.seq = frame["seq"]
            sent = True
        if sent:
            await self.send_checks()

    async def send_checks(self) -> None:
        checks = await database_sync_to_async(evaluate_checks)(self.sandbox)
        if checks is not None and checks != self.last_checks:
            self.last_checks = checks
            await self.send_json({"type": "checks", "checks": checks})

    async def send_clock(self, now: float, speed: float | int) -> None:
        await self.send_json({"type": "clock", "time": now, "speed": speed})

    async def error(self, message: str, frame_id: Any = None) -> None:
        frame: dict[str, Any] = {"type": "error", "message": message}
        if frame_id is not None:
            frame["id"] = frame_id
        await self.send_json(frame)

    # ---- group messages --------------------------------------------------------------------------

    async def sandbox_updated(self, message: dict[str, Any]) -> None:
        """The sandbox changed (in this process or another): send what this socket has not seen yet."""
        if message.get("reset"):
            if message.get("version", 0) > self.version:
                await self.send_snapshot()
        else:
            await self.catch_up()
        for frame in message.get("traffic") or ():
            await self.send_json(frame)

    async def sandbox_clock(self, message: dict[str, Any]) -> None:
        await self.send_clock(message["time"], message["speed"])

    # ---- browser → server ------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self.error("frames must be JSON text, not binary")
            return
        if len(text_data) > MAX_FRAME_BYTES:
            await self.error(f"frame too large: at most {MAX_FRAME_BYTES // 1024} KB")
            return
        try:
            frame = json.loads(text_data)
        except ValueError as err:
            await self.error(f"frame is not valid JSON: {err}")
            return
        if not isinstance(frame, dict):
            await self.error("a frame must be a JSON object with a \"type\"")
            return
        frame_id = frame.get("id")
        if frame_id is not None and (isinstance(frame_id, bool) or not isinstance(frame_id, int | str)):
            await self.error('"id" must be a number or a string')
            return
        kind = frame.get("type")
        handler = getattr(self, f"on_{kind}", None) if isinstance(kind, str) and kind in COMMANDS else None
        if handler is None:
            await self.error(f"unknown frame type {kind!r}: supported types are {', '.join(COMMANDS)}", frame_id)
            return
        if kind != "ping" and not self.command_limit.allow(time.monotonic()):
            await self.error(f"too many commands: at most {COMMAND_LIMIT[0]} every {COMMAND_LIMIT[1]:g} seconds; "
                             "wait a moment", frame_id)
            return
        try:
            await handler(frame)
        except CommandError as err:
            await self.error(str(err), frame_id)
        except errors.ApiError as err:
            await self.error(err.message, frame_id)
        except runtime.SandboxNotFound:
            await self.error("this sandbox no longer exists; reload the page", frame_id)
        except runtime.SandboxBusy:
            await self.error("the sandbox is busy; try again", frame_id)
        except Exception:  # a bug must cost one command, never the socket
            log.exception("command %s on sandbox %s failed", kind, self.sandbox)
            await self.error(f"internal error while running {kind}; the sandbox is unchanged", frame_id)

    async def act(self, fn: Callable[[Cluster], Any], **kwargs: Any) -> Any:
        """Run `fn` on the sandbox and save it, then send the changes before any reply."""
        outcome = await database_sync_to_async(runtime.act)(self.sandbox, fn, **kwargs)
        await self.catch_up()
        return outcome.result

    async def read(self, fn: Callable[[Cluster], Any]) -> Any:
        return await database_sync_to_async(read_only)(self.sandbox, fn)

    async def done(self, frame: dict[str, Any], output: str) -> None:
        if frame.get("id") is not None:
            await self.send_json({"type": "done", "id": frame["id"], "output": output})

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})

    async def on_apply(self, frame: dict[str, Any]) -> None:
        text = text_field(frame, "yaml", limit=MAX_FRAME_BYTES, allow_empty=True)
        kubectl = kubectl_module()
        result = await self.act(lambda c: kubectl.run(c, ["apply", "-f", "-"], stdin=text))
        await self.send_json({"type": "apply_result", "id": frame.get("id"), "ok": result.exit_code == 0,
                              "output": result.stdout, "error": result.stderr, "errors": list(result.errors),
                              "hint": result.hint})

    async def on_kubectl(self, frame: dict[str, Any]) -> None:
        line = text_field(frame, "line")
        kubectl = kubectl_module()
        result = await self.act(lambda c: kubectl.run_line(c, line))
        await self.send_json({"type": "kubectl_result", "id": frame.get("id"), "stdout": result.stdout,
                              "stderr": result.stderr, "exit_code": result.exit_code})

    async def on_delete_pod(self, frame: dict[str, Any]) -> None:
        namespace = text_field(frame, "namespace", limit=253, default="default")
        name = text_field(frame, "name", limit=253)
        await self.act(lambda c: c.api.delete("Pod", namespace, name))
        await self.done(frame, f'pod "{name}" deleted\n')

    async def on_scale(self, frame: dict[str, Any]) -> None:
        namespace = text_field(frame, "namespace", limit=253, default="default")
        name = text_field(frame, "name", limit=253)
        replicas = int_field(frame, "replicas", 0, 1000)
        await self.act(lambda c: c.api.scale("Deployment", namespace, name, replicas))
        await self.done(frame, f"deployment.apps/{name} scaled\n")

    async def on_traffic(self, frame: dict[str, Any]) -> None:
        from cluster.sim.teaching import traffic

        source = text_field(frame, "from", limit=300)
        url = text_field(frame, "url", limit=2048)
        count = int_field(frame, "count", 1, 100)
        if not self.traffic_limit.allow(time.monotonic()):
            raise CommandError(f"too much traffic: at most {TRAFFIC_LIMIT[0]} batches every "
                               f"{TRAFFIC_LIMIT[1]:g} seconds; wait a moment")

        def send(cluster: Cluster) -> Any:
            try:
                return traffic.send(cluster, source, url, count)
            except traffic.TrafficError as err:
                raise CommandError(str(err)) from err

        report = await self.act(send)
        await self.done(frame, report.lines()[-1] + "\n")

    async def on_speed(self, frame: dict[str, Any]) -> None:
        speed = frame.get("speed")
        if isinstance(speed, bool) or speed not in SPEEDS:
            raise CommandError('"speed" must be 0 (paused), 1 or 4')
        now = await self.act(lambda c: c.now, speed=float(speed))
        await self.channel_layer.group_send(self.group, {"type": "sandbox.clock", "time": now, "speed": int(speed)})
        await self.done(frame, f"speed {int(speed)}×\n" if speed else "paused\n")

    async def on_reset(self, frame: dict[str, Any]) -> None:
        await database_sync_to_async(reset)(self.sandbox)
        # The group message carries the reset: every socket, this one included, takes a fresh snapshot.
        await self.done(frame, "sandbox reset\n")

    async def on_why(self, frame: dict[str, Any]) -> None:
        from cluster.sim.teaching.why import why

        namespace = text_field(frame, "namespace", limit=253, default="default")
        name = text_field(frame, "name", limit=253)
        answer = await self.read(lambda c: why(c, namespace, name))
        await self.send_json({"type": "why", "id": frame.get("id"), **answer})

    async def on_complete(self, frame: dict[str, Any]) -> None:
        line = text_field(frame, "line", allow_empty=True)
        items = await self.read(lambda c: complete(c, line))
        await self.send_json({"type": "completions", "id": frame.get("id"), "items": items})


COMMANDS = ("apply", "kubectl", "delete_pod", "scale", "traffic", "speed", "reset", "why", "complete", "ping")
