"""The EndpointSlice controller (k8s.io/endpointslice): a Service's endpoints with ready/serving/terminating."""

from __future__ import annotations

from typing import Any

from cluster.sim.apiserver.pods import is_ready, is_terminating
from cluster.sim.apiserver.store import Obj, clone
from cluster.sim.controllers.endpoints import (
    TRIGGER_TIME,
    ServicePodsController,
    ip_key,
    resolved_ports,
    should_be_in_endpoints,
)
from cluster.sim.controllers.podutil import owner_ref

MANAGED_BY = "endpointslice-controller.k8s.io"
MAX_ENDPOINTS_PER_SLICE = 100


class EndpointSliceController(ServicePodsController):
    name = "endpointslice-controller"

    def sync(self, key: tuple[str, str]) -> None:
        store = self.cluster.store
        ns, name = key
        svc = store.get("Service", ns, name)
        existing = [s for s in store.list("EndpointSlice", ns, {"kubernetes.io/service-name": name})
                    if (s["metadata"].get("labels") or {}).get("endpointslice.kubernetes.io/managed-by") == MANAGED_BY]
        if svc is None or not svc["spec"].get("selector"):
            for s in existing:
                store.delete("EndpointSlice", ns, s["metadata"]["name"])
            return
        publish = bool(svc["spec"].get("publishNotReadyAddresses"))
        groups: dict[tuple[Any, ...], dict[str, Any]] = {}
        for pod in self.selected_pods(svc):
            # terminating pods stay, marked terminating (EndpointSliceTerminatingCondition)
            if not should_be_in_endpoints(pod, True):
                continue
            ports = resolved_ports(pod, svc)
            if ports is None:
                continue
            ready = is_ready(pod)
            terminating = is_terminating(pod)
            endpoint: dict[str, Any] = {
                "addresses": [pod["status"]["podIP"]],
                "conditions": {"ready": publish or (ready and not terminating), "serving": ready,
                               "terminating": terminating},
                "nodeName": pod["spec"].get("nodeName"),
                "targetRef": {"kind": "Pod", "name": pod["metadata"]["name"],
                              "namespace": ns, "uid": pod["metadata"]["uid"]},
            }
            group_key = tuple(sorted((p["name"], p["port"], p["protocol"]) for p in ports))
            groups.setdefault(group_key, {"ports": ports, "endpoints": []})["endpoints"].append(endpoint)
        labels = dict(svc["metadata"].get("labels") or {})
        labels.update({"endpointslice.kubernetes.io/managed-by": MANAGED_BY, "kubernetes.io/service-name": name})
        if svc["spec"].get("clusterIP") == "None":
            labels["service.kubernetes.io/headless"] = ""
        desired: list[tuple[list[dict[str, Any]] | None, list[dict[str, Any]] | None]] = []
        for group in sorted(groups.values(), key=lambda g: [p["port"] for p in g["ports"]]):
            endpoints = sorted(group["endpoints"], key=lambda e: ip_key(e["addresses"][0]))
            for start in range(0, len(endpoints), MAX_ENDPOINTS_PER_SLICE):
                desired.append((group["ports"] or None, endpoints[start:start + MAX_ENDPOINTS_PER_SLICE]))
        if not desired:
            desired.append((None, None))  # the placeholder slice
        for index, (slice_ports, slice_endpoints) in enumerate(desired):
            body: Obj = {"addressType": "IPv4", "endpoints": slice_endpoints}
            if slice_ports is not None:
                body["ports"] = slice_ports
            if index < len(existing):
                current = existing[index]
                if (current.get("endpoints") == slice_endpoints and current.get("ports") == slice_ports
                        and current["metadata"].get("labels") == labels):
                    continue
                updated = clone(current)
                updated["metadata"]["labels"] = labels
                updated["metadata"].setdefault("annotations", {})[TRIGGER_TIME] = self.cluster.timestamp()
                updated.pop("ports", None)
                updated.update(body)
                store.update(updated, check_version=False)
            else:
                store.create({
                    "apiVersion": "discovery.k8s.io/v1",
                    "kind": "EndpointSlice",
                    "metadata": {"generateName": f"{name}-", "namespace": ns, "labels": labels,
                                 "annotations": {TRIGGER_TIME: self.cluster.timestamp()},
                                 "ownerReferences": [dict(owner_ref(svc), apiVersion="v1")]},
                    **body,
                })
        for extra in existing[len(desired):]:
            store.delete("EndpointSlice", ns, extra["metadata"]["name"])
