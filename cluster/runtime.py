"""Load a sandbox, advance it to now, act on it, and save it under optimistic concurrency; publish changes.

The database row is the truth. This process keeps the most recently used clusters decoded (a bounded cache),
and works on one sandbox at a time per sandbox (`locked`), so several sandboxes can be worked on in parallel.
An act saves before it publishes, and saves whenever it has something to publish or a command left a mark;
timed happenings that changed no object are replayed from the saved state by whoever loads it next, so they
need no write (the engine is deterministic).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import threading
import time
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings
from django.db import connection, transaction

from cluster import quotas, workers
from cluster.hooks import sandbox_hooks
from cluster.models import Sandbox, SandboxChange
from cluster.sim.cluster import Cluster
from cluster.sim.settings import Settings

log = logging.getLogger(__name__)

CHANGE_LOG_KEEP = 2000  # frames kept for resuming; a client further behind takes a fresh snapshot
TRIM_EVERY = 200  # the change log is trimmed when the sequence passes a multiple of this, not on every save
MAX_ATTEMPTS = 8
MESSAGE_FRAMES_LIMIT = 256 * 1024  # change frames beyond this size go by the feed, not inside the group message
CACHE_SIZE = 256  # decoded clusters kept in memory (settings.SANDBOX_CACHE_SIZE)
TIMING_FIELDS = ("id", "name", "version", "seq", "cluster_time", "wall_time", "speed", "next_due")


class SandboxNotFound(Exception):
    pass


class SandboxBusy(Exception):
    """Several writers kept colliding; the caller may try again."""


class SandboxBroken(Exception):
    """The saved snapshot cannot be loaded (or brought up to now); only a reset helps. `str()` says why."""

    def __init__(self, row: Sandbox, why: str) -> None:
        super().__init__(f"this sandbox cannot be loaded ({why}); reset it to start over")
        self.name, self.why, self.row = row.name, why, row


SNAPSHOT_COMPRESSION = 1  # zlib level: a third of level 6's time per save, for snapshots about 20 % larger


def snapshot_json(cluster: Cluster) -> bytes:
    return json.dumps(cluster.to_snapshot(), separators=(",", ":")).encode()


def encode(cluster: Cluster) -> bytes:
    return zlib.compress(snapshot_json(cluster), SNAPSHOT_COMPRESSION)


def decode(blob: bytes) -> Cluster:
    return Cluster.from_snapshot(json.loads(zlib.decompress(bytes(blob))))


def _decode(row: Sandbox, blob: bytes) -> Cluster:
    """decode(), or SandboxBroken saying why the saved snapshot does not load."""
    try:
        return decode(blob)
    except Exception as err:
        broken = SandboxBroken(row, f"its saved snapshot does not decode: {type(err).__name__}: {err}")
        log.warning("sandbox %s: %s", row.name, broken)
        raise broken from err


def _advance(row: Sandbox, cluster: Cluster, to: float) -> None:
    """Bring a loaded cluster up to `to`; one that fails is dropped from the cache (it may be half-advanced)."""
    try:
        cluster.advance(to)
    except Exception as err:
        _cache.pop(row.name)
        log.error("sandbox %s does not advance to now", row.name, exc_info=True)  # an engine bug: keep the trace
        raise SandboxBroken(row, f"bringing it up to now failed: {type(err).__name__}: {err}") from err
    except BaseException:
        _cache.pop(row.name)
        raise


def encode_frame(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"))


def wall_clock() -> float:
    return time.time()


@dataclass(frozen=True)
class Timing:
    """How a sandbox's clock relates to the wall clock, and when its next timed happening is due."""

    version: int
    cluster_time: float
    wall_time: float
    speed: float
    next_due: float | None

    @classmethod
    def of(cls, row: Sandbox) -> Timing:
        return cls(row.version, row.cluster_time, row.wall_time, row.speed, row.next_due)

    def now(self, wall: float) -> float:
        return self.cluster_time + max(0.0, wall - self.wall_time) * self.speed

    def wall_seconds_until_due(self, wall: float) -> float | None:
        """Wall seconds until the next happening (0 when it is overdue); None while paused or with nothing due."""
        if self.speed <= 0 or self.next_due is None:
            return None
        return max(0.0, (self.next_due - self.now(wall)) / self.speed)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "cluster_time": self.cluster_time, "wall_time": self.wall_time,
                "speed": self.speed, "next_due": self.next_due}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Timing:
        return cls(data["version"], data["cluster_time"], data["wall_time"], data["speed"], data["next_due"])


@dataclass
class Outcome:
    """What one act() did: its result, the frames it published, and the sandbox's new version."""

    result: Any
    frames: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0
    seq: int = 0
    feed: list[tuple[int, str]] = field(default_factory=list)  # the change frames as sent: (seq, JSON text)
    checks: list[dict[str, Any]] | None = None  # the sandbox's checks after this act, when it changed anything
    timing: Timing | None = None


# ---- the cache of decoded clusters, and one lock per sandbox ---------------------------------------------


@dataclass
class Cached:
    version: int
    seq: int  # the saved sequence number at `version` (the cluster may have run on in memory since)
    cluster: Cluster
    feed: list[tuple[int, str]] = field(default_factory=list)  # the last act's change frames


class ClusterCache:
    """The most recently used sandboxes' clusters, at most settings.SANDBOX_CACHE_SIZE of them."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size
        self._entries: OrderedDict[str, Cached] = OrderedDict()
        self._guard = threading.Lock()

    def limit(self) -> int:
        return self.size if self.size is not None else int(getattr(django_settings, "SANDBOX_CACHE_SIZE",
                                                                   CACHE_SIZE))

    def get(self, name: str) -> Cached | None:
        with self._guard:
            entry = self._entries.get(name)
            if entry is not None:
                self._entries.move_to_end(name)
            return entry

    def put(self, name: str, entry: Cached) -> None:
        with self._guard:
            self._entries[name] = entry
            self._entries.move_to_end(name)
            while len(self._entries) > max(1, self.limit()):
                self._entries.popitem(last=False)

    def pop(self, name: str) -> None:
        with self._guard:
            self._entries.pop(name, None)

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries


# Only a cache: the database row is the truth. A cached cluster is changed in place by advance() and act(), so
# whoever works on one holds its sandbox's lock meanwhile.
_cache = ClusterCache()


class _Lock:
    """A re-entrant lock that a weak dictionary can hold."""

    def __init__(self) -> None:
        self.lock = threading.RLock()


_locks: weakref.WeakValueDictionary[str, _Lock] = weakref.WeakValueDictionary()
_locks_guard = threading.Lock()


@contextlib.contextmanager
def locked(name: str) -> Iterator[None]:
    """Hold the sandbox's lock: one thread at a time works on one sandbox's cluster (re-entrant)."""
    with _locks_guard:
        holder = _locks.get(name)
        if holder is None:
            holder = _locks[name] = _Lock()
    with holder.lock:
        yield


_sqlite_writes = threading.RLock()


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Around a write transaction. SQLite has one writer at a time, and its busy handler sleeps in steps of up
    to 100 ms while it waits; this process's threads queue on a lock instead. Other databases lock rows."""
    if connection.vendor != "sqlite":
        yield
        return
    with _sqlite_writes:
        yield


# ---- reading ---------------------------------------------------------------------------------------------


def read_row(name: str, *fields: str) -> Sandbox | None:
    """The sandbox row without its snapshot (the timing fields and any `fields` asked for)."""
    return Sandbox.objects.filter(name=name).only(*TIMING_FIELDS, *fields).first()


def _load(name: str) -> tuple[Sandbox, Cluster]:
    """The row and its cluster (cached, or decoded from the row): one read of the row when the cache is warm."""
    cached = _cache.get(name)
    if cached is None:
        row = Sandbox.objects.filter(name=name).first()
    else:
        row = read_row(name)
        if row is not None and row.version == cached.version:
            return row, cached.cluster
        row = Sandbox.objects.filter(name=name).first() if row is not None else None
    if row is None:
        _cache.pop(name)
        raise SandboxNotFound(name)
    cluster = _decode(row, row.snapshot)
    _cache.put(name, Cached(row.version, row.seq, cluster))
    return row, cluster


def load(name: str, *, wall: float | None = None) -> tuple[Sandbox, Cluster]:
    """The sandbox row and its cluster advanced to now (not saved); hold `locked(name)` while using the cluster."""
    with locked(name):
        row, cluster = _load(name)
        _advance(row, cluster, row.cluster_now(wall_clock() if wall is None else wall))
        return row, cluster


def read(name: str, fn: Callable[[Cluster], Any], *, wall: float | None = None) -> Any:
    """fn(cluster) on the sandbox as of now, without saving anything."""
    with locked(name):
        cluster = load(name, wall=wall)[1]
        try:
            return fn(cluster)
        except BaseException:
            _cache.pop(name)  # fn was only to read; a half-done change must not be saved by the next act
            raise


def saved_cluster(row: Sandbox) -> Cluster:
    """The cluster exactly as `row` saved it; hold the sandbox's lock, read it, never change it (it may be cached)."""
    cached = _cache.get(row.name)
    if cached is not None and cached.version == row.version and cached.cluster.store.rv == row.seq:
        return cached.cluster  # it may have run on in memory, but no object has changed since the save
    blob = Sandbox.objects.filter(pk=row.pk, version=row.version).values_list("snapshot", flat=True).first()
    if blob is None:
        raise SandboxBusy(row.name)  # saved again meanwhile: the caller reads the row again
    cluster = _decode(row, blob)
    if cached is None or cached.version < row.version:
        _cache.put(row.name, Cached(row.version, row.seq, cluster))
    return cluster


def recent_feed(name: str, seq: int, until: int) -> list[tuple[int, str]] | None:
    """The change frames after `seq` up to `until` when this process published them last, else None."""
    cached = _cache.get(name)
    if cached is None or not cached.feed or cached.feed[-1][0] < until or cached.feed[0][0] > seq + 1:
        return None
    return [(s, text) for s, text in cached.feed if seq < s <= until]


# ---- writing ---------------------------------------------------------------------------------------------


def create_sandbox(name: str, *, settings: Settings | None = None, owner_session: str = "",
                   owner_user: Any = None, wall: float | None = None) -> Sandbox:
    wall = wall_clock() if wall is None else wall
    cluster = Cluster.create(settings or Settings(), now=wall)
    cluster.store.drain_changes()
    row = Sandbox.objects.create(
        name=name, owner_session=owner_session, owner_user=owner_user, snapshot=encode(cluster),
        seq=cluster.store.rv, cluster_time=cluster.now, wall_time=wall, next_due=cluster.clock.next_time(),
        version=1,
    )
    _cache.put(name, Cached(row.version, row.seq, cluster))
    return row


def reset_sandbox(name: str, settings: Settings | None = None) -> Outcome:
    """Replace the sandbox's cluster with a fresh one (same settings unless given); the feed restarts."""

    def rebuild(cluster: Cluster) -> Cluster:
        return Cluster.create(settings or cluster.settings, now=cluster.now)

    return act(name, lambda c: None, replace=rebuild)


def start_over(name: str) -> Outcome:
    """Reset the sandbox to what its hooks say it starts with (a lesson's starting state, or a fresh cluster)."""
    return act(name, lambda c: None, replace=lambda old: sandbox_hooks().starting_cluster(name, old))


def _marks(cluster: Cluster) -> tuple[Any, ...]:
    """What a command can change besides objects: the random draws and the timers."""
    return cluster.rng.getstate(), cluster.clock.pending(), cluster.clock.next_time()


def act(name: str, fn: Callable[[Cluster], Any], *, wall: float | None = None, advance_by: float = 0.0,
        speed: float | None = None, replace: Callable[[Cluster], Cluster] | None = None) -> Outcome:
    """Load → advance to now → fn(cluster) → save if the version is still ours; retried on collision.

    Nothing is written when nothing changed (a `kubectl get`, or a timed happening that moved no object).
    Call it from synchronous code (in a consumer: through cluster.workers).
    """
    with locked(name):
        for _ in range(MAX_ATTEMPTS):
            outcome = _attempt(name, fn, wall=wall, advance_by=advance_by, speed=speed, replace=replace)
            if outcome is not None:
                return outcome
            _cache.pop(name)
        raise SandboxBusy(name)


def _attempt(name: str, fn: Callable[[Cluster], Any], *, wall: float | None, advance_by: float,
             speed: float | None, replace: Callable[[Cluster], Cluster] | None) -> Outcome | None:
    now_wall = wall_clock() if wall is None else wall
    try:
        row, cluster = _load(name)
        _advance(row, cluster, row.cluster_now(now_wall) + advance_by)
    except SandboxBroken as broken:
        if replace is None:
            raise
        row = broken.row  # a reset needs nothing of the broken cluster
        cluster = _stand_in(row, row.cluster_now(now_wall) + advance_by)
    try:
        if replace is not None:
            previous_rv = cluster.store.rv
            cluster = replace(cluster)
            cluster.store.rv += previous_rv  # sequence numbers keep growing across a reset
        marks = _marks(cluster)
        acted_from = cluster.store.rv
        result = fn(cluster)
        cluster.settle()
        if replace is None and speed is None and not advance_by and cluster.store.rv == row.seq \
                and not cluster.traffic and _marks(cluster) == marks:
            # Nothing to publish and no trace of the command: the saved row still tells the whole story.
            timing = Timing(row.version, row.cluster_time, row.wall_time, row.speed, cluster.clock.next_time())
            return Outcome(result, [], row.version, row.seq, timing=timing)
        raw = snapshot_json(cluster)
        if replace is None and cluster.store.rv > acted_from:
            quotas.check_size(cluster, len(raw), _saved_measure(row))
        changes = cluster.store.drain_changes()
        traffic = cluster.drain_traffic()
    except BaseException:
        _cache.pop(name)  # the cached copy may be half-changed: the saved row stays the truth
        raise
    frames = [{"type": "change", "seq": c.rv, "time": cluster.now,
               "change": {"type": c.type, "object": c.obj}} for c in changes]
    feed = [(int(f["seq"]), encode_frame(f)) for f in frames]
    if replace is not None:
        frames, feed = [{"type": "reset", "seq": cluster.store.rv, "time": cluster.now}], []
    if traffic:
        frames.append({"type": "traffic", "seq": cluster.store.rv, "time": cluster.now, "requests": traffic})
    new_speed = row.speed if speed is None else speed
    snapshot = zlib.compress(raw, SNAPSHOT_COMPRESSION)
    with writing(), transaction.atomic():
        saved = Sandbox.objects.filter(pk=row.pk, version=row.version).update(
            snapshot=snapshot, version=row.version + 1, seq=cluster.store.rv,
            cluster_time=cluster.now, wall_time=now_wall, speed=new_speed,
            next_due=cluster.clock.next_time(),
        )
        if saved:
            if replace is not None:
                SandboxChange.objects.filter(sandbox_id=row.pk).delete()
            SandboxChange.objects.bulk_create(
                [SandboxChange(sandbox_id=row.pk, seq=seq, frame=text) for seq, text in feed[-CHANGE_LOG_KEEP:]])
            if feed and cluster.store.rv // TRIM_EVERY != row.seq // TRIM_EVERY:
                SandboxChange.objects.filter(sandbox_id=row.pk,
                                             seq__lte=cluster.store.rv - CHANGE_LOG_KEEP).delete()
    if not saved:
        return None
    version = row.version + 1
    _cache.put(name, Cached(version, cluster.store.rv, cluster, feed))
    timing = Timing(version, cluster.now, now_wall, new_speed, cluster.clock.next_time())
    outcome = Outcome(result, frames, version, cluster.store.rv, feed, timing=timing)
    if frames:
        outcome.checks = evaluate_checks(name, cluster)
    try:
        publish(name, outcome)
    except Exception:
        # saved is saved: open pages catch up from the feed once the channel layer is back
        log.warning("sandbox %s changed but the channel layer could not be told", name, exc_info=True)
    return outcome


def _saved_measure(row: Sandbox) -> Callable[[], quotas.Measure]:
    """How big the saved sandbox is, measured only if asked (and then once)."""

    @functools.cache
    def measure() -> quotas.Measure:
        raw = zlib.decompress(bytes(row.snapshot))  # read only now (the row may have been read without it)
        page, objects = quotas.page_measure(Cluster.from_snapshot(json.loads(raw)))
        return quotas.Measure(page, objects, len(raw))

    return measure


def _stand_in(row: Sandbox, now: float) -> Cluster:
    """What a reset of a broken sandbox replaces: an empty cluster with its settings (when they still read)."""
    try:
        settings = Settings.from_dict(json.loads(zlib.decompress(bytes(row.snapshot)))["settings"])
    except Exception:
        settings = Settings()
    stand_in = Cluster(settings, now)
    stand_in.store.rv = row.seq
    return stand_in


def evaluate_checks(name: str, cluster: Cluster) -> list[dict[str, Any]] | None:
    """The sandbox's checks (settings.SANDBOX_HOOKS), or None; a broken check never breaks the caller."""
    try:
        return sandbox_hooks().checks(name, cluster)
    except Exception:
        log.exception("evaluating checks for sandbox %s failed", name)
        return None


# ---- the change feed -----------------------------------------------------------------------------------


def feed_since(name: str, seq: int) -> list[tuple[int, str]] | None:
    """Change frames after `seq` as (seq, JSON text), or None when the log no longer reaches back that far."""
    row = Sandbox.objects.filter(name=name).values_list("pk", "seq").first()
    if row is None:
        raise SandboxNotFound(name)
    pk, current = row
    if seq >= current:
        return []
    if seq < current - CHANGE_LOG_KEEP:
        return None
    frames = list(SandboxChange.objects.filter(sandbox_id=pk, seq__gt=seq).values_list("seq", "frame"))
    if not frames or frames[0][0] != seq + 1:
        return None
    return frames


def changes_since(name: str, seq: int) -> list[dict[str, Any]] | None:
    """Frames after `seq`, or None when the log no longer reaches back that far."""
    frames = feed_since(name, seq)
    return None if frames is None else [json.loads(text) for _, text in frames]


def group_name(name: str) -> str:
    return f"sandbox.{name}"


def publish(name: str, outcome: Outcome) -> None:
    """Tell every process watching this sandbox what changed: the frames themselves when they are small."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    size = sum(len(text) for _, text in outcome.feed)
    message = {"type": "sandbox.updated", "seq": outcome.seq, "version": outcome.version,
               "reset": any(f["type"] == "reset" for f in outcome.frames),
               "traffic": [f for f in outcome.frames if f["type"] == "traffic"],
               "feed": [list(item) for item in outcome.feed] if size <= MESSAGE_FRAMES_LIMIT else None,
               "timing": outcome.timing.to_dict() if outcome.timing else None}
    if outcome.checks is not None:
        message["checks"] = outcome.checks
    loop = workers.serving_loop()
    if loop is None:
        async_to_sync(layer.group_send)(group_name(name), message)
        return
    # From a pool thread: hand the message to the event loop without waiting for it (the sandbox stays
    # locked meanwhile otherwise). Pages put frames in order by their seq whatever order messages come in.
    sent = asyncio.run_coroutine_threadsafe(layer.group_send(group_name(name), message), loop)

    def report(done: Any) -> None:
        if not done.cancelled() and done.exception() is not None:
            log.error("publishing sandbox %s failed: %r", name, done.exception())

    sent.add_done_callback(report)
