"""kube-scheduler, reduced to what a learner sees: filters with their reasons, spreading, binding events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cluster.sim.apiserver.store import Obj, clone
from cluster.sim.controllers.base import Controller
from cluster.sim.controllers.podutil import controller_ref

COMPONENT = "default-scheduler"
RETRY_UNSCHEDULABLE = ("", "*retry*")


def _tolerates(pod: Obj, taint: dict[str, Any]) -> bool:
    for tol in pod["spec"].get("tolerations") or ():
        if tol.get("effect") and tol.get("effect") != taint.get("effect"):
            continue
        if tol.get("operator") == "Exists" and (not tol.get("key") or tol.get("key") == taint.get("key")):
            return True
        if tol.get("key") == taint.get("key") and tol.get("value", "") == taint.get("value", ""):
            return True
    return False


def _quantity(text: Any) -> float:
    """A resource.Quantity as a float (cpu in cores, memory in bytes)."""
    s = str(text)
    suffixes = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9,
                "T": 1e12}
    for suffix, factor in sorted(suffixes.items(), key=lambda kv: -len(kv[0])):
        if s.endswith(suffix):
            try:
                return float(s[: -len(suffix)]) * factor
            except ValueError:
                return 0.0
    try:
        return float(s)
    except ValueError:
        return 0.0


def _requests(pod: Obj) -> dict[str, float]:
    total: dict[str, float] = {}
    for c in pod["spec"].get("containers") or ():
        for name, value in ((c.get("resources") or {}).get("requests") or {}).items():
            total[name] = total.get(name, 0.0) + _quantity(value)
    return total


@dataclass(frozen=True)
class _NodeView:
    """What filtering needs from a node, read once per scheduling batch."""

    labels: dict[str, str]
    taints: tuple[dict[str, Any], ...]
    unschedulable: str
    max_pods: int
    allocatable: dict[str, float]


def _static_view(node: Obj) -> _NodeView:
    allocatable = node["status"].get("allocatable") or {}
    return _NodeView(
        labels=dict(node["metadata"].get("labels") or {}),
        taints=tuple(t for t in node["spec"].get("taints") or () if t.get("effect") in ("NoSchedule", "NoExecute")),
        unschedulable="node(s) were unschedulable" if node["spec"].get("unschedulable") else "",
        max_pods=int(allocatable.get("pods", "110")),
        allocatable={r: _quantity(allocatable.get(r, "0")) for r in ("cpu", "memory")},
    )


class Scheduler(Controller):
    name = "default-scheduler"

    def on_change(self, type_: str, obj: Obj, old: Obj | None) -> None:
        if obj["kind"] == "Pod" and type_ != "DELETED" and not obj["spec"].get("nodeName") \
                and not obj["metadata"].get("deletionTimestamp"):
            self.enqueue((obj["metadata"]["namespace"], obj["metadata"]["name"]))
        elif (obj["kind"] == "Node" and type_ != "MODIFIED") or \
                (obj["kind"] == "Pod" and type_ == "DELETED" and obj["spec"].get("nodeName")):
            self.enqueue(RETRY_UNSCHEDULABLE)  # capacity or nodes changed: pending pods get another try

    def process(self) -> None:
        """Schedule the queued pods one by one against a node view built once per batch."""
        store = self.cluster.store
        if RETRY_UNSCHEDULABLE in self.queue:
            del self.queue[RETRY_UNSCHEDULABLE]
            for (ns, name), pod in store.objects["Pod"].items():
                if not pod["spec"].get("nodeName") and not pod["metadata"].get("deletionTimestamp"):
                    self.queue[(ns, name)] = None
        if not self.queue:
            return
        self._static: dict[str, _NodeView] = {}
        self._count: dict[str, int] = {}
        self._siblings: dict[tuple[str, str], int] = {}
        self._used: dict[str, dict[str, float]] = {}
        for pod in store.objects["Pod"].values():
            node = pod["spec"].get("nodeName")
            if node and (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                self._place(pod, node)
        super().process()

    def _place(self, pod: Obj, node: str) -> None:
        self._count[node] = self._count.get(node, 0) + 1
        owner = (controller_ref(pod) or {}).get("uid")
        if owner:
            self._siblings[(node, owner)] = self._siblings.get((node, owner), 0) + 1
        requests = _requests(pod)
        if requests:
            used = self._used.setdefault(node, {})
            for resource, amount in requests.items():
                used[resource] = used.get(resource, 0.0) + amount

    def sync(self, key: tuple[str, str]) -> None:
        pod = self.cluster.store.get("Pod", *key)
        if pod is None or pod["spec"].get("nodeName") or pod["metadata"].get("deletionTimestamp"):
            return
        if pod["spec"].get("schedulerName", COMPONENT) != COMPONENT:
            return
        nodes = self.cluster.nodes()
        feasible, reasons = self._filter(pod, nodes)
        if not feasible:
            self._unschedulable(pod, len(nodes), reasons)
            return
        node = self._score(pod, feasible)
        bound = dict(pod, spec=dict(pod["spec"]), status=dict(pod.get("status") or {}))
        bound["spec"]["nodeName"] = node["metadata"]["name"]
        status = bound["status"]
        status["phase"] = "Pending"
        status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"] + [
            {"lastProbeTime": None, "lastTransitionTime": self.cluster.timestamp(), "status": "True",
             "type": "PodScheduled"}]
        bound = self.cluster.store.update(bound, check_version=False)
        self._place(bound, node["metadata"]["name"])
        self.cluster.recorder.record(
            bound, "Normal", "Scheduled",
            f"Successfully assigned {key[0]}/{key[1]} to {node['metadata']['name']}", COMPONENT)

    def _filter(self, pod: Obj, nodes: list[Obj]) -> tuple[list[Obj], dict[str, int]]:
        """Filter plugins in kube-scheduler's order (NodeUnschedulable, TaintToleration, NodeAffinity,
        NodeResourcesFit); each failing node counts once, under its first reason."""
        for volume in pod["spec"].get("volumes") or ():
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if claim:
                return [], {f'persistentvolumeclaim "{claim}" not found': -1}
        reasons: dict[str, int] = {}
        feasible = []
        selector = (pod["spec"].get("nodeSelector") or {}).items()
        requests = _requests(pod)
        for node in nodes:
            name = node["metadata"]["name"]
            view = self._static.get(name)
            if view is None:
                view = self._static[name] = _static_view(node)
            reason = view.unschedulable
            for taint in () if reason else view.taints:
                if not _tolerates(pod, taint):
                    reason = f"node(s) had untolerated taint {{{taint['key']}: {taint.get('value', '')}}}"
                    break
            if not reason and not view.labels.items() >= selector:
                reason = "node(s) didn't match Pod's node affinity/selector"
            if not reason:
                if self._count.get(name, 0) + 1 > view.max_pods:
                    reason = "Too many pods"
                else:
                    for resource, amount in requests.items():
                        if resource not in ("cpu", "memory"):
                            continue
                        used = self._used.get(name, {}).get(resource, 0.0)
                        if used + amount > view.allocatable.get(resource, 0.0):
                            reason = f"Insufficient {resource}"
                            break
            if reason:
                reasons[reason] = reasons.get(reason, 0) + 1
            else:
                feasible.append(node)
        return feasible, reasons

    def _score(self, pod: Obj, nodes: list[Obj]) -> Obj:
        """Fewest pods of the same owner first (PodTopologySpread's default), then fewest pods; ties at random."""
        owner = (controller_ref(pod) or {}).get("uid")

        def load(node: Obj) -> tuple[int, int]:
            name = node["metadata"]["name"]
            return self._siblings.get((name, owner or ""), 0), self._count.get(name, 0)

        scored = [(load(n), n) for n in nodes]
        best = min(s for s, _ in scored)
        candidates = [n for s, n in scored if s == best]
        return candidates[self.cluster.rng.randrange(len(candidates))] if len(candidates) > 1 else candidates[0]

    def _unschedulable(self, pod: Obj, total: int, reasons: dict[str, int]) -> None:
        if any(v == -1 for v in reasons.values()):
            detail = next(iter(reasons))
            message = f"0/{total} nodes are available: {detail}. preemption: 0/{total} nodes are available: " \
                      f"{total} Preemption is not helpful for scheduling."
        else:
            # FitError.Error: "<count> <reason>" strings, sorted as strings
            parts = ", ".join(sorted(f"{count} {reason}" for reason, count in reasons.items()))
            message = (f"0/{total} nodes are available: {parts}. preemption: 0/{total} nodes are available: "
                       f"{total} Preemption is not helpful for scheduling.")
        status: dict[str, Any] = {"phase": "Pending", "conditions": [
            {"lastProbeTime": None, "lastTransitionTime": self.cluster.timestamp(), "message": message,
             "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}]}
        if pod.get("status", {}).get("qosClass"):
            status["qosClass"] = pod["status"]["qosClass"]
        previous = (pod.get("status") or {}).get("conditions") or []
        if previous and previous[0].get("message") == message:
            status["conditions"][0]["lastTransitionTime"] = previous[0]["lastTransitionTime"]
        if pod.get("status") != status:
            updated = clone(pod)
            updated["status"] = status
            self.cluster.store.update(updated, check_version=False)
        self.cluster.recorder.record(pod, "Warning", "FailedScheduling", message, COMPONENT)
