"""The sandbox websocket (docs/websocket-protocol.md): a snapshot, ordered changes, and commands.

The consumer parses frames, calls the runtime (on cluster.workers' threads) and replies; what a page is sent
when it opens and when the sandbox changes comes from cluster.feed.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from cluster import feed, limits, runtime, ticker, workers
from cluster.sim import kubectl
from cluster.sim.apimachinery import errors
from cluster.sim.cluster import Cluster
from cluster.sim.kubectl.cmd import printable
from cluster.sim.kubectl.completion import complete
from cluster.sim.manifests.gojson import well_formed_value
from cluster.sim.teaching import scenario, traffic
from cluster.sim.teaching.why import why

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 256 * 1024
MAX_LINE = 4096
SPEEDS = (0, 1, 4)
TRAFFIC_LIMIT = (20, 10.0)  # traffic commands per socket, per seconds
COMMAND_LIMIT = (120, 10.0)  # any command per socket, per seconds
REFUSED = 4403  # close code when the handshake is refused: not this learner's sandbox


class CommandError(Exception):
    """A command refused with a message for the learner; the socket stays open."""


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


class SandboxConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """One open lesson page watching its sandbox: `ws/sandbox/<name>/?since=<seq>`."""

    opened = False

    async def connect(self) -> None:
        self.sandbox = self.scope["url_route"]["kwargs"]["name"]
        self.group = runtime.group_name(self.sandbox)
        self.seq = -1
        self.version = 0
        self.last_checks: list[dict[str, Any]] | None = None
        self.watching: tuple[Any, Any] | None = None  # (frame id, kubectl.watch.Watcher) of a running `get -w`
        self.traffic_limit = RateLimit(*TRAFFIC_LIMIT)
        self.command_limit = RateLimit(*COMMAND_LIMIT)
        session = self.scope.get("session")
        session_key = session.session_key if session is not None else None
        self.session_key = session_key or ""
        self.address = str((self.scope.get("client") or ("",))[0] or "")
        # Join the group before reading: whatever is published from now on is caught up in order.
        await self.channel_layer.group_add(self.group, self.channel_name)
        try:
            opening = await workers.run(feed.open_sandbox, self.sandbox, session_key, self.scope.get("user"),
                                        self._since())
        except runtime.SandboxBroken as broken:  # the owner's sandbox (checked first) does not load
            await self.accept()
            self.opened = True
            await self.error(str(broken))  # the page stays open: Reset starts the sandbox over
            ticker.watch(self.sandbox, runtime.Timing.of(broken.row), self.send_clock)
            return
        if opening is None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.close(code=REFUSED)  # before accept: the handshake is refused (HTTP 403)
            return
        await self.accept()
        self.opened = True
        await self.open_with(opening)
        ticker.watch(self.sandbox, opening.timing, self.send_clock)

    def _since(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        values = query.get("since") or [""]
        return int(values[0]) if values[0].isdigit() else None

    async def disconnect(self, code: int) -> None:
        if self.opened:
            ticker.unwatch(self.sandbox, self.send_clock)
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    # ---- server → browser ------------------------------------------------------------------------

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        return json.dumps(content, separators=(",", ":"))

    async def open_with(self, opening: feed.Opening) -> None:
        if opening.snapshot is not None:
            await self.stop_watch(0)  # the changes in between are not known one by one: the watch ends
            self.seq, self.version = opening.seq, opening.version
            self.last_checks = opening.checks
            await self.send(text_data=opening.snapshot)
            return
        self.seq = opening.since
        self.version = opening.version
        if not await self.deliver(opening.frames):
            await self.send_snapshot()
        elif opening.frames:
            await self.send_checks(opening.checks)

    async def send_snapshot(self) -> None:
        try:
            opening = await workers.run(feed.snapshot, self.sandbox)
        except runtime.SandboxBroken as broken:  # e.g. broken by another process meanwhile: say why, stay open
            await self.error(str(broken))
            return
        await self.open_with(opening)

    async def deliver(self, frames: list[tuple[int, str]] | list[list[Any]]) -> bool:
        """Send each change frame this page has not seen, in order, once; False if some are missing."""
        for seq, text in frames:
            if seq <= self.seq:
                continue
            if seq != self.seq + 1:
                return False
            await self.send(text_data=text)
            self.seq = seq
            if self.watching is not None:
                await self.watch_output(self.watching[1].change_frame(json.loads(text)))
        return True

    async def catch_up(self, until: int, frames: list[Any] | None = None) -> None:
        """Bring the page to `until` from the frames given, or from the feed; a fresh snapshot if impossible."""
        if until <= self.seq:
            return
        if frames is not None and await self.deliver(frames) and self.seq >= until:
            return
        missed = await workers.run(feed.frames_after, self.sandbox, self.seq, until)
        if missed is None or not await self.deliver(missed):
            await self.send_snapshot()

    async def send_checks(self, checks: list[dict[str, Any]] | None) -> None:
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
        """The sandbox changed (in this process or another): send what this page has not seen yet."""
        if not self.opened:
            return
        if message.get("timing"):
            ticker.update(self.sandbox, runtime.Timing.from_dict(message["timing"]))
        if message.get("reset"):
            if message.get("version", 0) > self.version:
                await self.send_snapshot()
        else:
            await self.catch_up(message["seq"], message.get("feed"))
            await self.send_checks(message.get("checks"))
        for frame in message.get("traffic") or ():
            await self.send_json(frame)

    async def sandbox_clock(self, message: dict[str, Any]) -> None:
        if self.opened:
            await self.send_clock(message["time"], message["speed"])

    # ---- browser → server ------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        if text_data is None:
            await self.error("frames must be JSON text, not binary")
            return
        if len(text_data) > MAX_FRAME_BYTES:
            await self.error(f"frame too large: at most {MAX_FRAME_BYTES // 1024} KB")
            return
        try:
            frame = await self.decode_json(text_data)
        except ValueError as err:
            await self.error(f"frame is not valid JSON: {err}")
            return
        if "\\u" in text_data:
            frame = well_formed_value(frame)  # an escaped lone surrogate reads as U+FFFD, as Go and UTF-8 read it
        await self.receive_json(frame)

    async def receive_json(self, frame: Any, **kwargs: Any) -> None:
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
        refusal = None if kind == "ping" else limits.first_refusal(("session-commands", self.session_key),
                                                                   ("address-commands", self.address))
        if refusal is not None:
            await self.error(refusal.message, frame_id)
            return
        self.saved = False
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
        except runtime.SandboxBroken as err:
            await self.error(str(err), frame_id)
        except Exception:  # a bug must cost one command, never the socket
            log.exception("command %s on sandbox %s failed", kind, self.sandbox)
            # runtime.act saves all of a command or none of it, so what the learner is told is exact
            after = "the change was saved; reload the page to see it" if self.saved else "nothing was changed"
            await self.error(f"internal error while running {kind}; {after}", frame_id)

    async def act(self, fn: Callable[[Cluster], Any], **kwargs: Any) -> Any:
        """Run `fn` on the sandbox and save it, then send the changes (and checks) before any reply."""
        outcome = await workers.run(runtime.act, self.sandbox, fn, **kwargs)
        self.saved = True
        if outcome.timing is not None:
            ticker.update(self.sandbox, outcome.timing)
        if outcome.feed or outcome.seq > self.seq:
            await self.catch_up(outcome.seq, outcome.feed)
        await self.send_checks(outcome.checks)
        return outcome.result

    async def read(self, fn: Callable[[Cluster], Any]) -> Any:
        return await workers.run(runtime.read, self.sandbox, fn)

    async def done(self, frame: dict[str, Any], output: str) -> None:
        if frame.get("id") is not None:
            await self.send_json({"type": "done", "id": frame["id"], "output": output})

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})

    async def on_apply(self, frame: dict[str, Any]) -> None:
        text = text_field(frame, "yaml", limit=MAX_FRAME_BYTES, allow_empty=True)
        result = await self.act(lambda c: scenario.apply_manifests(c, text))  # as a lesson's moves apply
        await self.send_json({"type": "apply_result", "id": frame.get("id"), "ok": result.exit_code == 0,
                              "output": result.stdout, "error": result.stderr, "errors": list(result.errors),
                              "hint": result.hint})

    async def on_kubectl(self, frame: dict[str, Any]) -> None:
        line = text_field(frame, "line")
        result = await self.act(lambda c: kubectl.run_line(c, line))  # a read-only line writes nothing
        if result.watch is not None:  # `get -w`: the listing now, a row per change until `cancel`
            await self.stop_watch(0)
            self.watching = (frame.get("id"), result.watch)
            await self.watch_output(result.stdout, result.stderr)
            return
        await self.send_json({"type": "kubectl_result", "id": frame.get("id"), "stdout": result.stdout,
                              "stderr": result.stderr, "exit_code": result.exit_code})

    async def watch_output(self, stdout: str, stderr: str = "") -> None:
        if self.watching is not None and (stdout or stderr):
            await self.send_json({"type": "kubectl_output", "id": self.watching[0],
                                  "stdout": printable(stdout), "stderr": printable(stderr)})

    async def stop_watch(self, exit_code: int) -> None:
        """End the running watch: its command's `kubectl_result` (130: stopped by Ctrl+C, as a shell says)."""
        if self.watching is None:
            return
        frame_id, self.watching = self.watching[0], None
        await self.send_json({"type": "kubectl_result", "id": frame_id, "stdout": "", "stderr": "",
                              "exit_code": exit_code})

    async def on_cancel(self, frame: dict[str, Any]) -> None:
        if self.watching is not None and self.watching[0] == frame.get("id"):
            await self.stop_watch(130)

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
        await workers.run(runtime.start_over, self.sandbox)
        self.saved = True
        # The group message carries the reset: every socket, this one included, takes a fresh snapshot.
        await self.done(frame, "sandbox reset\n")

    async def on_why(self, frame: dict[str, Any]) -> None:
        namespace = text_field(frame, "namespace", limit=253, default="default")
        name = text_field(frame, "name", limit=253)
        answer = await self.read(lambda c: why(c, namespace, name))
        await self.send_json({"type": "why", "id": frame.get("id"), **answer})

    async def on_complete(self, frame: dict[str, Any]) -> None:
        line = text_field(frame, "line", allow_empty=True)
        items = await self.read(lambda c: complete(c, line))
        await self.send_json({"type": "completions", "id": frame.get("id"), "items": items})


COMMANDS = ("apply", "kubectl", "cancel", "delete_pod", "scale", "traffic", "speed", "reset", "why", "complete", "ping")


class EchoConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """`ws/echo/`: every text frame back as it came, for `manage.py loadtest` to compare against."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        if text_data is not None and len(text_data) <= MAX_LINE:
            await self.send(text_data=text_data)
