"""Pod predicates every part reads pods with (pkg/api/v1/pod): conditions, readiness, availability, shutdown."""

from __future__ import annotations

from typing import Any

from cluster.sim.apimachinery.timeutil import parse_rfc3339
from cluster.sim.apiserver.store import Obj


def condition(obj: Obj, type_: str) -> dict[str, Any] | None:
    for cond in (obj.get("status") or {}).get("conditions") or ():
        if cond.get("type") == type_:
            return dict(cond)
    return None


def is_ready(pod: Obj) -> bool:
    for cond in (pod.get("status") or {}).get("conditions") or ():
        if cond.get("type") == "Ready":
            return bool(cond.get("status") == "True")
    return False


def is_terminating(pod: Obj) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def is_available(pod: Obj, min_ready_seconds: int, now: float) -> bool:
    """podutil.IsPodAvailable."""
    if not is_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    cond = condition(pod, "Ready") or {}
    since = cond.get("lastTransitionTime")
    return bool(since) and parse_rfc3339(since) + min_ready_seconds <= now


def ready_since(pod: Obj) -> float | None:
    cond = condition(pod, "Ready")
    if cond and cond.get("status") == "True" and cond.get("lastTransitionTime"):
        return parse_rfc3339(cond["lastTransitionTime"])
    return None
