"""The ReplicaSet controller (pkg/controller/replicaset): keep spec.replicas active pods."""

from __future__ import annotations

import math
from typing import Any

from cluster.sim.apimachinery.timeutil import parse_rfc3339
from cluster.sim.apiserver.pods import is_available, is_ready, ready_since
from cluster.sim.apiserver.store import Obj, clone
from cluster.sim.controllers.base import Controller
from cluster.sim.controllers.podutil import controller_ref, is_active, owner_ref, selector_matches

BURST_REPLICAS = 500  # creations or deletions per sync
COMPONENT = "replicaset-controller"


class ReplicaSetController(Controller):
    name = "replicaset-controller"

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self._adoption_due: set[tuple[str, str]] = set()  # orphans may match these ReplicaSets

    def on_change(self, type_: str, obj: Obj, old: Obj | None) -> None:
        kind = obj["kind"]
        if kind == "ReplicaSet":
            key = (obj["metadata"]["namespace"], obj["metadata"]["name"])
            self.enqueue(key)
            if type_ == "ADDED":
                self._adoption_due.add(key)
        elif kind == "Pod":
            ref = controller_ref(obj)
            if ref and ref.get("kind") == "ReplicaSet":
                self.enqueue((obj["metadata"]["namespace"], ref["name"]))
            elif ref is None and type_ != "DELETED":
                for rs in self.cluster.store.list("ReplicaSet", obj["metadata"]["namespace"]):
                    if selector_matches(rs["spec"].get("selector"), obj["metadata"].get("labels")):
                        key = (rs["metadata"]["namespace"], rs["metadata"]["name"])
                        self.enqueue(key)
                        self._adoption_due.add(key)

    def timers(self) -> dict[str, Any]:
        return {"replicaset.resync": lambda ns, name: self.enqueue((ns, name))}

    def pods_of(self, rs: Obj) -> list[Obj]:
        uid = rs["metadata"]["uid"]
        return [p for p in self.cluster.store.owned("Pod", uid)
                if len(p["metadata"]["ownerReferences"]) == 1 or (controller_ref(p) or {}).get("uid") == uid]

    def sync(self, key: tuple[str, str]) -> None:
        store = self.cluster.store
        rs = store.get("ReplicaSet", *key)
        if rs is None or rs["metadata"].get("deletionTimestamp"):
            return
        if key in self._adoption_due:
            self._adoption_due.discard(key)
            self._adopt_orphans(rs)
        pods = self.pods_of(rs)
        active = [p for p in pods if is_active(p)]
        want = rs["spec"].get("replicas", 1)
        diff = len(active) - want
        if diff < 0:
            self._create_pods(rs, min(-diff, BURST_REPLICAS))
            if -diff > BURST_REPLICAS:
                self.enqueue(key)
        elif diff > 0:
            related = self._related_pods(rs)
            for pod in pods_to_delete(active, related, min(diff, BURST_REPLICAS), self.cluster.now):
                name = pod["metadata"]["name"]
                self.cluster.api.delete("Pod", pod["metadata"]["namespace"], name)
                self.cluster.recorder.record(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {name}", COMPONENT)
        rs = store.get("ReplicaSet", *key)
        if rs is not None:
            self._update_status(rs, [p for p in self.pods_of(rs) if is_active(p)])

    def _adopt_orphans(self, rs: Obj) -> None:
        for pod in self.cluster.store.list("Pod", rs["metadata"]["namespace"]):
            meta = pod["metadata"]
            if controller_ref(pod) is None and is_active(pod) and \
                    selector_matches(rs["spec"].get("selector"), meta.get("labels")):
                adopted = clone(pod)
                adopted["metadata"]["ownerReferences"] = [*(meta.get("ownerReferences") or []), owner_ref(rs)]
                self.cluster.store.update(adopted, check_version=False)

    def _related_pods(self, rs: Obj) -> list[Obj]:
        """Active pods of every ReplicaSet with the same controlling owner (the Deployment's siblings)."""
        owner = controller_ref(rs)
        if owner is None:
            return [p for p in self.pods_of(rs) if is_active(p)]
        pods: list[Obj] = []
        for sibling in self.cluster.store.owned("ReplicaSet", owner["uid"]):
            pods.extend(p for p in self.pods_of(sibling) if is_active(p))
        return pods

    def _create_pods(self, rs: Obj, count: int) -> None:
        template = rs["spec"]["template"]
        meta = rs["metadata"]
        for _ in range(count):
            pod_meta: dict[str, Any] = {
                "generateName": f"{meta['name']}-",
                "namespace": meta["namespace"],
                "labels": dict(template.get("metadata", {}).get("labels") or {}),
                "ownerReferences": [owner_ref(rs)],
            }
            annotations = template.get("metadata", {}).get("annotations")
            if annotations:
                pod_meta["annotations"] = dict(annotations)
            pod = {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": clone(template["spec"])}
            created = self.cluster.api.create(pod, trusted=True)
            self.cluster.recorder.record(rs, "Normal", "SuccessfulCreate",
                                         f"Created pod: {created['metadata']['name']}", COMPONENT)

    def _update_status(self, rs: Obj, active: list[Obj]) -> None:
        now = self.cluster.now
        min_ready = rs["spec"].get("minReadySeconds", 0)
        labels = (rs["spec"]["template"].get("metadata") or {}).get("labels") or {}
        ready = [p for p in active if is_ready(p)]
        available = ready if min_ready <= 0 else [p for p in ready if is_available(p, min_ready, now)]
        status: dict[str, Any] = {"replicas": len(active)}
        label_items = labels.items()
        fully = sum(1 for p in active if (p["metadata"].get("labels") or {}).items() >= label_items)
        if fully:
            status["fullyLabeledReplicas"] = fully
        if ready:
            status["readyReplicas"] = len(ready)
        if available:
            status["availableReplicas"] = len(available)
        status["observedGeneration"] = rs["metadata"].get("generation", 1)
        if min_ready > 0:
            # requeue when the next ready pod becomes available
            waits = [since + min_ready for p in ready if (since := ready_since(p)) and since + min_ready > now]
            if waits:
                self.cluster.clock.at(min(waits), "replicaset.resync", rs["metadata"]["namespace"],
                                      rs["metadata"]["name"])
        if rs.get("status") != status:
            self.cluster.store.update(dict(rs, status=status), check_version=False)


def _log2_bucket(since: float | None, now: float) -> int:
    if since is None:
        return 0
    return math.floor(math.log2(max(now - since, 1)))


def pods_to_delete(active: list[Obj], related: list[Obj], count: int, now: float) -> list[Obj]:
    """getPodsToDelete: rank by co-located siblings and sort by ActivePodsWithRanks.Less."""
    per_node: dict[str, int] = {}
    for pod in related:
        node = pod["spec"].get("nodeName", "")
        if node:
            per_node[node] = per_node.get(node, 0) + 1

    def key(pod: Obj) -> tuple[Any, ...]:
        # mirrors ActivePodsWithRanks.Less: each element sorts "delete me first" lower
        spec, status, meta = pod["spec"], pod.get("status") or {}, pod["metadata"]
        phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}.get(status.get("phase", ""), 0)
        cost = int((meta.get("annotations") or {}).get("controller.kubernetes.io/pod-deletion-cost", "0") or 0)
        rank = per_node.get(spec.get("nodeName", ""), 0)
        ready = is_ready(pod)
        ready_bucket = _log2_bucket(ready_since(pod), now) if ready else 0
        restarts = max((c.get("restartCount", 0) for c in status.get("containerStatuses") or []), default=0)
        created = parse_rfc3339(meta["creationTimestamp"]) if meta.get("creationTimestamp") else now
        return (
            1 if spec.get("nodeName") else 0,
            phase_rank,
            1 if ready else 0,
            cost,
            -rank,
            ready_bucket,  # newer ready (smaller bucket) first
            -restarts,
            _log2_bucket(created, now),  # newer first
            meta.get("uid", ""),
        )

    return sorted(active, key=key)[:count]
