"""What a page watching a sandbox is sent: the snapshot it opens with, and the change frames after it.

Change frames come from the act that made them (inside the group message, or kept by this process for its
other pages); the database's change log is read only to resume a page that was away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cluster import quotas, runtime
from cluster.models import Sandbox
from cluster.ticker import speed_number

SNAPSHOT_KINDS = quotas.PAGE_KINDS
SNAPSHOT_EVENTS = quotas.PAGE_EVENTS
OWNER_FIELDS = ("owner_session", "owner_user_id")
ATTEMPTS = 4


@dataclass
class Opening:
    """What a page gets when it opens: a snapshot, or the frames it missed since `since`."""

    timing: runtime.Timing
    snapshot: str | None = None  # a `snapshot` frame, as JSON text
    frames: list[tuple[int, str]] = field(default_factory=list)
    checks: list[dict[str, Any]] | None = None  # the checks as of the saved state (with a snapshot or frames)
    since: int = 0
    version: int = 0
    seq: int = 0


def snapshot_frame(row: Sandbox) -> dict[str, Any]:
    """The saved cluster as a `snapshot` frame: its objects are exactly those at `seq`.

    Not advanced to now: whatever is due since then follows as ordinary change frames.
    """
    cluster = runtime.saved_cluster(row)
    objects = [obj for kind in SNAPSHOT_KINDS for obj in cluster.store.list(kind)]
    events = sorted(cluster.store.list("Event"), key=lambda e: int(e["metadata"].get("resourceVersion", "0")))
    return {
        "type": "snapshot",
        "seq": row.seq,
        "sandbox": row.name,
        "time": row.cluster_now(runtime.wall_clock()),
        "speed": speed_number(row.speed),
        "objects": objects,
        "events": events[-SNAPSHOT_EVENTS:],
        "checks": runtime.evaluate_checks(row.name, cluster) or [],
    }


def _opening(row: Sandbox, since: int | None) -> Opening:
    opening = Opening(runtime.Timing.of(row), version=row.version, seq=row.seq)
    if since is not None:
        frames = _frames_after(row.name, row.seq, since)
        if frames is not None:
            opening.frames, opening.since = frames, since
            if frames:
                opening.checks = runtime.evaluate_checks(row.name, runtime.saved_cluster(row))
            return opening
    frame = snapshot_frame(row)
    opening.snapshot, opening.checks = runtime.encode_frame(frame), frame["checks"]
    return opening


def open_sandbox(name: str, session_key: str | None, user: Any, since: int | None) -> Opening | None:
    """The opening for the sandbox's owner; None for anyone else (or when there is no such sandbox)."""
    for _ in range(ATTEMPTS):
        with runtime.locked(name):
            row = runtime.read_row(name, *OWNER_FIELDS)
            if row is None or not row.is_owned_by(session_key, user):
                return None
            try:
                return _opening(row, since)
            except runtime.SandboxBusy:
                continue  # saved again between the two reads: read the row again
    raise runtime.SandboxBusy(name)


def snapshot(name: str) -> Opening:
    """A fresh snapshot of the sandbox as saved (after a reset, or when a page fell too far behind)."""
    for _ in range(ATTEMPTS):
        with runtime.locked(name):
            row = runtime.read_row(name)
            if row is None:
                raise runtime.SandboxNotFound(name)
            try:
                return _opening(row, None)
            except runtime.SandboxBusy:
                continue
    raise runtime.SandboxBusy(name)


def _frames_after(name: str, current: int, seq: int) -> list[tuple[int, str]] | None:
    if seq > current:
        return None  # from before a reset
    recent = runtime.recent_feed(name, seq, current)
    return recent if recent is not None else runtime.feed_since(name, seq)


def frames_after(name: str, seq: int, until: int) -> list[tuple[int, str]] | None:
    """Change frames after `seq` (at least up to `until`); None when the page must start over with a snapshot."""
    recent = runtime.recent_feed(name, seq, until)
    if recent is not None:
        return recent
    return runtime.feed_since(name, seq)
