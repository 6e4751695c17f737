"""RollingUpdate (pkg/controller/deployment/rolling.go): surge new pods up, scale old ones down."""

from __future__ import annotations

from cluster.sim.apiserver.store import Obj
from cluster.sim.controllers import deploymentutil as du


def rollout_rolling(dc: du.DeploymentSync, d: Obj, rss: list[Obj]) -> None:
    new = dc.new_replica_set(d, rss, create=True)
    rss = dc.replica_sets(d)
    new = dc.find_new(d, rss) if new is not None else None
    old = [rs for rs in rss if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]
    if new is not None and reconcile_new(dc, d, rss, new):
        dc.sync_status(d, True)
        return
    if new is not None and reconcile_old(dc, d, rss, old, new):
        dc.sync_status(d, True)
        return
    if new is not None and _complete(d, new, old):
        dc.cleanup(d, old)
    dc.sync_status(d, True)


def _complete(d: Obj, new: Obj, old: list[Obj]) -> bool:
    replicas = d["spec"].get("replicas", 1)
    return ((new.get("status") or {}).get("availableReplicas", 0) >= replicas
            and all(rs["spec"].get("replicas", 0) == 0 for rs in old))


def reconcile_new(dc: du.DeploymentSync, d: Obj, rss: list[Obj], new: Obj) -> bool:
    """reconcileNewReplicaSet."""
    replicas = d["spec"].get("replicas", 1)
    current = new["spec"].get("replicas", 0)
    if current == replicas:
        return False
    if current > replicas:
        dc.scale_rs(d, new, replicas)
        return True
    wanted = dc.new_rs_replicas(d, rss, new)
    if wanted == current:
        return False
    dc.scale_rs(d, new, wanted)
    return True


def reconcile_old(dc: du.DeploymentSync, d: Obj, rss: list[Obj], old: list[Obj], new: Obj) -> bool:
    """reconcileOldReplicaSets.

    Worked example (replicas 4, 25%/25% ⇒ surge 1, unavailable 1): old=4, new scaled to 1 ⇒ all=5,
    minAvailable=3, new unavailable=1 ⇒ maxScaledDown = 5-3-1 = 1: one old pod may go.
    """
    old_count = sum(rs["spec"].get("replicas", 0) for rs in old)
    if old_count == 0:
        return False
    all_count = sum(rs["spec"].get("replicas", 0) for rs in rss)
    min_available = d["spec"].get("replicas", 1) - du.max_unavailable(d)
    new_unavailable = new["spec"].get("replicas", 0) - (new.get("status") or {}).get("availableReplicas", 0)
    max_scaled_down = all_count - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False
    cleaned = _cleanup_unhealthy(dc, d, old, max_scaled_down)
    rss = dc.replica_sets(d)
    old = [rs for rs in rss if rs["metadata"]["uid"] != new["metadata"]["uid"]]
    scaled = _scale_down_old(dc, d, rss, old, min_available)
    return cleaned + scaled > 0


def _cleanup_unhealthy(dc: du.DeploymentSync, d: Obj, old: list[Obj], max_cleanup: int) -> int:
    """cleanupUnhealthyReplicas: unavailable old pods go first, oldest ReplicaSet first."""
    total = 0
    for rs in sorted(old, key=lambda r: r["metadata"]["creationTimestamp"]):
        if total >= max_cleanup:
            break
        replicas = rs["spec"].get("replicas", 0)
        available = (rs.get("status") or {}).get("availableReplicas", 0)
        if replicas == 0 or replicas == available:
            continue
        count = min(max_cleanup - total, replicas - available)
        dc.scale_rs(d, rs, replicas - count)
        total += count
    return total


def _scale_down_old(dc: du.DeploymentSync, d: Obj, rss: list[Obj], old: list[Obj], min_available: int) -> int:
    """scaleDownOldReplicaSetsForRollingUpdate."""
    available = sum((rs.get("status") or {}).get("availableReplicas", 0) for rs in rss)
    if available <= min_available:
        return 0
    to_scale = available - min_available
    total = 0
    for rs in sorted(old, key=lambda r: r["metadata"]["creationTimestamp"]):
        if total >= to_scale:
            break
        replicas = rs["spec"].get("replicas", 0)
        if replicas == 0:
            continue
        count = min(replicas, to_scale - total)
        dc.scale_rs(d, rs, replicas - count)
        total += count
    return total
