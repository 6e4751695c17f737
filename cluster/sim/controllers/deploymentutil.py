"""Deployment helpers (pkg/controller/deployment/util): hashes, fenceposts, revisions, conditions."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Protocol

from cluster.sim.apiserver.store import Obj

REVISION = "deployment.kubernetes.io/revision"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
HASH_LABEL = "pod-template-hash"


def safe_encode(text: str) -> str:
    """rand.SafeEncodeString: each character of the decimal hash to one of `bcdfghjklmnpqrstvwxz2456789`."""
    alphanums = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphanums[ord(ch) % len(alphanums)] for ch in text)


def compute_hash(template: dict[str, Any], collision_count: int | None) -> str:
    """controller.ComputeHash: FNV-32a over the template (canonical JSON here), plus the collision count."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count:
        data += collision_count.to_bytes(8, "little")
    h = 0x811C9DC5
    for byte in data:
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return safe_encode(str(h))


def scaled_value(value: Any, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.endswith("%"):
        percent = int(value[:-1])
        exact = percent * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(value) if value is not None else 0


def is_rolling(d: Obj) -> bool:
    return bool((d["spec"].get("strategy") or {}).get("type", "RollingUpdate") == "RollingUpdate")


def fenceposts(d: Obj) -> tuple[int, int]:
    """ResolveFenceposts: (maxSurge rounded up, maxUnavailable rounded down), never both zero."""
    rolling = (d["spec"].get("strategy") or {}).get("rollingUpdate") or {}
    replicas = d["spec"].get("replicas", 1)
    surge = scaled_value(rolling.get("maxSurge", "25%"), replicas, True)
    unavailable = scaled_value(rolling.get("maxUnavailable", "25%"), replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_unavailable(d: Obj) -> int:
    replicas = int(d["spec"].get("replicas", 1))
    if not is_rolling(d) or replicas == 0:
        return 0
    return min(fenceposts(d)[1], replicas)


def max_surge(d: Obj) -> int:
    return fenceposts(d)[0] if is_rolling(d) else 0


def revision(obj: Obj) -> int:
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def template_without_hash(rs: Obj) -> dict[str, Any]:
    """The ReplicaSet's pod template as the Deployment wrote it (EqualIgnoreHash)."""
    template: dict[str, Any] = rs["spec"]["template"]
    labels = (template.get("metadata") or {}).get("labels") or {}
    if HASH_LABEL not in labels:
        return template
    metadata = dict(template["metadata"])
    metadata["labels"] = {k: v for k, v in labels.items() if k != HASH_LABEL}
    return dict(template, metadata=metadata)


def set_condition(status: dict[str, Any], cond: dict[str, Any]) -> None:
    """SetDeploymentCondition: keep lastTransitionTime if the status did not change; the condition moves last."""
    conditions = status.setdefault("conditions", [])
    current = next((c for c in conditions if c["type"] == cond["type"]), None)
    if current is not None and current["status"] == cond["status"] and current["reason"] == cond["reason"]:
        return
    if current is not None and current["status"] == cond["status"]:
        cond["lastTransitionTime"] = current["lastTransitionTime"]
    status["conditions"] = [c for c in conditions if c["type"] != cond["type"]] + [cond]


def new_condition(type_: str, status: str, reason: str, message: str, now: str) -> dict[str, Any]:
    return {"lastTransitionTime": now, "lastUpdateTime": now, "message": message, "reason": reason,
            "status": status, "type": type_}


@dataclass(frozen=True)
class RolloutStatus:
    """Where a Deployment's rollout stands, in `kubectl rollout status`'s words."""

    message: str  # the line kubectl prints
    done: bool
    error: str = ""  # why kubectl gives up (the progress deadline), printed after "error: "


def rollout_status(d: Obj) -> RolloutStatus:
    """mirrors kubectl's DeploymentStatusViewer.Status (without its revision check)."""
    name = d["metadata"]["name"]
    status = d.get("status") or {}
    if d["metadata"].get("generation", 0) > status.get("observedGeneration", 0):
        return RolloutStatus("Waiting for deployment spec update to be observed...", False)
    error = ""
    for cond in status.get("conditions") or []:
        if cond.get("type") == "Progressing" and cond.get("reason") == "ProgressDeadlineExceeded":
            error = f'deployment "{name}" exceeded its progress deadline'
    replicas = d["spec"].get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    waiting = f'Waiting for deployment "{name}" rollout to finish: '
    if updated < replicas:
        return RolloutStatus(f"{waiting}{updated} out of {replicas} new replicas have been updated...", False, error)
    if status.get("replicas", 0) > updated:
        return RolloutStatus(f"{waiting}{status.get('replicas', 0) - updated} old replicas are pending termination...",
                             False, error)
    available = status.get("availableReplicas", 0)
    if available < updated:
        return RolloutStatus(f"{waiting}{available} of {updated} updated replicas are available...", False, error)
    return RolloutStatus(f'deployment "{name}" successfully rolled out', True, error)


class DeploymentSync(Protocol):
    """What the rollout strategies (rolling.go, recreate.go) call on the Deployment controller (sync.go)."""

    def replica_sets(self, d: Obj) -> list[Obj]: ...

    def find_new(self, d: Obj, rss: list[Obj]) -> Obj | None: ...

    def new_replica_set(self, d: Obj, rss: list[Obj], create: bool) -> Obj | None: ...

    def new_rs_replicas(self, d: Obj, rss: list[Obj], new: Obj | None) -> int: ...

    def scale_rs(self, d: Obj, rs: Obj, replicas: int) -> Obj: ...

    def cleanup(self, d: Obj, old: list[Obj]) -> None: ...

    def sync_status(self, d: Obj, rolling_out: bool) -> None: ...

    def old_pods_running(self, old: list[Obj]) -> bool: ...
