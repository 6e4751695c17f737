"""Recreate (pkg/controller/deployment/recreate.go): all old pods go before any new pod starts."""

from __future__ import annotations

from cluster.sim.apiserver.store import Obj
from cluster.sim.controllers import deploymentutil as du


def rollout_recreate(dc: du.DeploymentSync, d: Obj, rss: list[Obj]) -> None:
    new = dc.new_replica_set(d, rss, create=False)
    old = [rs for rs in rss if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]
    scaled = False
    for rs in old:
        if rs["spec"].get("replicas", 0) > 0:
            dc.scale_rs(d, rs, 0)
            scaled = True
    if scaled or dc.old_pods_running(old):
        dc.sync_status(d, True)
        return
    if new is None:
        new = dc.new_replica_set(d, dc.replica_sets(d), create=True)
    if new is not None:
        replicas = d["spec"].get("replicas", 1)
        if new["spec"].get("replicas", 0) != replicas:
            dc.scale_rs(d, new, replicas)
        if (new.get("status") or {}).get("availableReplicas", 0) >= replicas:
            dc.cleanup(d, old)
    dc.sync_status(d, True)
