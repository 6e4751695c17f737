"""Load a sandbox, advance it to now, act on it, and save it under optimistic concurrency; publish changes."""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from cluster.models import Sandbox, SandboxChange
from cluster.sim.cluster import Cluster
from cluster.sim.settings import Settings

CHANGE_LOG_KEEP = 2000  # frames kept for resuming; a client further behind takes a fresh snapshot
MAX_ATTEMPTS = 8


class SandboxNotFound(Exception):
    pass


class SandboxBusy(Exception):
    """Several writers kept colliding; the caller may try again."""


def encode(cluster: Cluster) -> bytes:
    return zlib.compress(json.dumps(cluster.to_snapshot(), separators=(",", ":")).encode(), 6)


def decode(blob: bytes) -> Cluster:
    return Cluster.from_snapshot(json.loads(zlib.decompress(bytes(blob))))


# In-process cache of decoded clusters: only a cache; the database row is the truth. A cached cluster is
# changed in place by advance() and act(), so whoever works on one holds ENGINE_LOCK (re-entrant) meanwhile.
_cache: dict[str, tuple[int, Cluster]] = {}
ENGINE_LOCK = threading.RLock()


def wall_clock() -> float:
    return time.time()


@dataclass
class Outcome:
    """What one act() did: its result, the frames it published, and the sandbox's new version."""

    result: Any
    frames: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0
    seq: int = 0


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
    _cache[name] = (row.version, cluster)
    return row


def reset_sandbox(name: str, settings: Settings | None = None) -> Outcome:
    """Replace the sandbox's cluster with a fresh one (same settings unless given); the feed restarts."""

    def rebuild(cluster: Cluster) -> Cluster:
        return Cluster.create(settings or cluster.settings, now=cluster.now)

    return act(name, lambda c: None, replace=rebuild)


def load(name: str, *, wall: float | None = None) -> tuple[Sandbox, Cluster]:
    """The sandbox row and its cluster advanced to now (not saved); hold ENGINE_LOCK while using the cluster."""
    with ENGINE_LOCK:
        row = Sandbox.objects.filter(name=name).first()
        if row is None:
            raise SandboxNotFound(name)
        cluster = _cluster_for(row)
        cluster.advance(row.cluster_now(wall_clock() if wall is None else wall))
        return row, cluster


def read(name: str, fn: Callable[[Cluster], Any], *, wall: float | None = None) -> Any:
    """fn(cluster) on the sandbox as of now, without saving anything."""
    with ENGINE_LOCK:
        return fn(load(name, wall=wall)[1])


def _cluster_for(row: Sandbox) -> Cluster:
    cached = _cache.get(row.name)
    if cached is not None and cached[0] == row.version:
        return cached[1]
    cluster = decode(row.snapshot)
    _cache[row.name] = (row.version, cluster)
    return cluster


def act(name: str, fn: Callable[[Cluster], Any], *, wall: float | None = None, advance_by: float = 0.0,
        speed: float | None = None, replace: Callable[[Cluster], Cluster] | None = None) -> Outcome:
    """Load → advance to now → fn(cluster) → save if the version is still ours; retried on collision.

    Call it from synchronous code (in a consumer: through database_sync_to_async).
    """
    with ENGINE_LOCK:
        return _act(name, fn, wall=wall, advance_by=advance_by, speed=speed, replace=replace)


def _act(name: str, fn: Callable[[Cluster], Any], *, wall: float | None, advance_by: float,
         speed: float | None, replace: Callable[[Cluster], Cluster] | None) -> Outcome:
    for _ in range(MAX_ATTEMPTS):
        row = Sandbox.objects.filter(name=name).first()
        if row is None:
            raise SandboxNotFound(name)
        now_wall = wall_clock() if wall is None else wall
        cluster = _cluster_for(row)
        try:
            cluster.advance(row.cluster_now(now_wall) + advance_by)
            if replace is not None:
                previous_rv = cluster.store.rv
                cluster = replace(cluster)
                cluster.store.rv += previous_rv  # sequence numbers keep growing across a reset
            result = fn(cluster)
            cluster.settle()
            changes = cluster.store.drain_changes()
            traffic = cluster.drain_traffic()
        except BaseException:
            _cache.pop(name, None)  # the cached copy may be half-changed
            raise
        frames = [{"type": "change", "seq": c.rv, "time": cluster.now,
                   "change": {"type": c.type, "object": c.obj}} for c in changes]
        if replace is not None:
            frames = [{"type": "reset", "seq": cluster.store.rv, "time": cluster.now}]
        if traffic:
            frames.append({"type": "traffic", "seq": cluster.store.rv, "time": cluster.now, "requests": traffic})
        new_speed = row.speed if speed is None else speed
        with transaction.atomic():
            saved = Sandbox.objects.filter(pk=row.pk, version=row.version).update(
                snapshot=encode(cluster), version=row.version + 1, seq=cluster.store.rv,
                cluster_time=cluster.now, wall_time=now_wall, speed=new_speed,
                next_due=cluster.clock.next_time(),
            )
            if saved:
                if replace is not None:
                    SandboxChange.objects.filter(sandbox_id=row.pk).delete()
                SandboxChange.objects.bulk_create(
                    [SandboxChange(sandbox_id=row.pk, seq=f["seq"], frame=json.dumps(f, separators=(",", ":")))
                     for f in frames if f["type"] == "change"][-CHANGE_LOG_KEEP:])
                if frames:
                    SandboxChange.objects.filter(sandbox_id=row.pk,
                                                 seq__lte=cluster.store.rv - CHANGE_LOG_KEEP).delete()
        if saved:
            _cache[name] = (row.version + 1, cluster)
            outcome = Outcome(result, frames, row.version + 1, cluster.store.rv)
            if frames or speed is not None:
                publish(name, outcome)
            return outcome
        _cache.pop(name, None)
    raise SandboxBusy(name)


def changes_since(name: str, seq: int) -> list[dict[str, Any]] | None:
    """Frames after `seq`, or None when the log no longer reaches back that far."""
    row = Sandbox.objects.filter(name=name).first()
    if row is None:
        raise SandboxNotFound(name)
    if seq >= row.seq:
        return []
    frames = list(SandboxChange.objects.filter(sandbox_id=row.pk, seq__gt=seq).values_list("seq", "frame"))
    if not frames or frames[0][0] != seq + 1:
        return None
    return [json.loads(f) for _, f in frames]


def group_name(name: str) -> str:
    return f"sandbox.{name}"


def publish(name: str, outcome: Outcome) -> None:
    """Tell every process watching this sandbox that it changed; they read the frames from the feed."""
    try:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer
    except ImportError:  # pragma: no cover
        return
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "sandbox.updated", "seq": outcome.seq, "version": outcome.version,
               "reset": any(f["type"] == "reset" for f in outcome.frames),
               "traffic": [f for f in outcome.frames if f["type"] == "traffic"]}
    async_to_sync(layer.group_send)(group_name(name), message)
