"""The garbage collector (pkg/controller/garbagecollector): dependents go when their owner is gone."""

from __future__ import annotations

from cluster.sim.apiserver.store import Obj
from cluster.sim.controllers.base import Controller


class GarbageCollector(Controller):
    name = "garbage-collector-controller"

    def on_change(self, type_: str, obj: Obj, old: Obj | None) -> None:
        if type_ == "DELETED" and obj["kind"] in ("Deployment", "ReplicaSet", "Service", "Pod", "Node"):
            self.enqueue(obj["metadata"]["uid"])

    def sync(self, uid: str) -> None:
        """Background propagation: delete every object whose only owners are gone."""
        store = self.cluster.store
        for kind in ("ReplicaSet", "Pod", "EndpointSlice"):
            for dependent in store.owned(kind, uid):
                meta = dependent["metadata"]
                owners = [r for r in meta.get("ownerReferences") or () if r.get("uid") != uid]
                if any(self._exists(r, meta.get("namespace", "")) for r in owners):
                    continue
                if kind == "Pod":
                    if not meta.get("deletionTimestamp"):
                        self.cluster.api.delete("Pod", meta["namespace"], meta["name"])
                elif store.get(kind, meta["namespace"], meta["name"]) is not None:
                    store.delete(kind, meta["namespace"], meta["name"])

    def _exists(self, ref: dict[str, str], namespace: str) -> bool:
        owner = self.cluster.store.get(ref.get("kind", ""), namespace, ref.get("name", "")) \
            if ref.get("kind") in ("Deployment", "ReplicaSet", "Service", "Pod") else None
        return owner is not None and owner["metadata"]["uid"] == ref.get("uid")
