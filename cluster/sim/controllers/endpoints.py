"""The Endpoints controller (pkg/controller/endpoint): which pods back a Service, ready or not."""

from __future__ import annotations

from typing import Any

from cluster.sim.apimachinery.labels import map_matches
from cluster.sim.apiserver.pods import is_ready, is_terminating
from cluster.sim.apiserver.store import Obj, clone
from cluster.sim.controllers.base import Controller

TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"


def find_port(pod: Obj, svc_port: dict[str, Any]) -> int | None:
    """podutil.FindPort: a numeric targetPort as is; a named one from the container port of that name and protocol."""
    target = svc_port.get("targetPort", svc_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = svc_port.get("protocol", "TCP")
    for container in pod["spec"].get("containers") or ():
        for port in container.get("ports") or ():
            if port.get("name") == target and port.get("protocol", "TCP") == protocol:
                return int(port["containerPort"])
    return None


def resolved_ports(pod: Obj, svc: Obj) -> list[dict[str, Any]] | None:
    """The Service's ports as this pod serves them ({name, port, protocol}); None when it serves none of them."""
    ports = []
    for svc_port in svc["spec"].get("ports") or ():
        port = find_port(pod, svc_port)
        if port is not None:
            ports.append({"name": svc_port.get("name", ""), "port": port, "protocol": svc_port.get("protocol", "TCP")})
    if svc["spec"].get("ports") and not ports:
        return None
    return ports


def should_be_in_endpoints(pod: Obj, publish_not_ready: bool) -> bool:
    """ShouldPodBeInEndpoints: an IP, not terminal, and not terminating unless publishing not-ready addresses."""
    status = pod.get("status") or {}
    if not status.get("podIP"):
        return False
    if status.get("phase") in ("Succeeded", "Failed"):
        return False
    return not (is_terminating(pod) and not publish_not_ready)


def ip_key(ip: str) -> tuple[int, int]:
    """Sort IPv4 addresses numerically; anything else after them."""
    parts = ip.split(".")
    if len(parts) == 4 and all(p.isdigit() for p in parts):
        a, b, c, d = (int(p) for p in parts)
        return (0, a << 24 | b << 16 | c << 8 | d)
    return (1, 0)


class ServicePodsController(Controller):
    """Queues a Service whenever it, or a pod it selects (before or after the change), changes."""

    def on_change(self, type_: str, obj: Obj, old: Obj | None) -> None:
        kind = obj["kind"]
        if kind == "Service":
            self.enqueue((obj["metadata"]["namespace"], obj["metadata"]["name"]))
        elif kind == "Pod":
            ns = obj["metadata"]["namespace"]
            labels = obj["metadata"].get("labels")
            old_labels = (old or {}).get("metadata", {}).get("labels")
            for (svc_ns, _), svc in self.cluster.store.objects["Service"].items():
                selector = svc["spec"].get("selector")
                if svc_ns != ns:
                    continue
                if selector and (map_matches(selector, labels) or (old is not None and map_matches(selector, old_labels))):
                    self.enqueue((ns, svc["metadata"]["name"]))

    def selected_pods(self, svc: Obj) -> list[Obj]:
        selector = svc["spec"].get("selector")
        return [p for p in self.cluster.store.list("Pod", svc["metadata"]["namespace"])
                if map_matches(selector, p["metadata"].get("labels"))]


class EndpointsController(ServicePodsController):
    name = "endpoint-controller"

    def sync(self, key: tuple[str, str]) -> None:
        store = self.cluster.store
        svc = store.get("Service", *key)
        current = store.get("Endpoints", *key)
        if svc is None:
            if current is not None:
                store.delete("Endpoints", *key)
            return
        if not svc["spec"].get("selector"):
            return  # user-managed Endpoints
        publish = bool(svc["spec"].get("publishNotReadyAddresses"))
        groups: dict[tuple[Any, ...], dict[str, list[dict[str, Any]]]] = {}
        for pod in self.selected_pods(svc):
            if not should_be_in_endpoints(pod, publish):
                continue
            resolved = resolved_ports(pod, svc)
            if resolved is None:
                continue
            # Endpoints leave an empty port name out
            ports = [{k: v for k, v in p.items() if k != "name" or v} for p in resolved]
            address = {
                "ip": pod["status"]["podIP"],
                "nodeName": pod["spec"].get("nodeName"),
                "targetRef": {"kind": "Pod", "name": pod["metadata"]["name"],
                              "namespace": pod["metadata"]["namespace"], "uid": pod["metadata"]["uid"]},
            }
            group_key = tuple(sorted((p.get("name", ""), p["port"], p["protocol"]) for p in ports))
            group = groups.setdefault(group_key, {"ports": ports, "addresses": [], "notReadyAddresses": []})
            ready = publish or is_ready(pod)
            group["addresses" if ready else "notReadyAddresses"].append(address)
        subsets = []
        for group in groups.values():
            subset: dict[str, Any] = {}
            for field in ("addresses", "notReadyAddresses"):
                if group[field]:
                    subset[field] = sorted(group[field], key=lambda a: ip_key(a["ip"]))
            if group["ports"]:
                subset["ports"] = sorted(group["ports"], key=lambda p: (p.get("name", ""), p["port"]))
            subsets.append(subset)
        subsets.sort(key=lambda s: ip_key((s.get("addresses") or s.get("notReadyAddresses") or [{"ip": ""}])[0]["ip"]))
        labels = dict(svc["metadata"].get("labels") or {})
        if svc["spec"].get("clusterIP") == "None":
            labels["service.kubernetes.io/headless"] = ""
        desired: Obj = {"apiVersion": "v1", "kind": "Endpoints",
                        "metadata": {"name": key[1], "namespace": key[0]}}
        if labels:
            desired["metadata"]["labels"] = labels
        if subsets:
            desired["subsets"] = subsets
        if current is None:
            desired["metadata"]["annotations"] = {TRIGGER_TIME: self.cluster.timestamp()}
            store.create(desired)
            return
        if current.get("subsets") == desired.get("subsets") and \
                current["metadata"].get("labels") == desired["metadata"].get("labels"):
            return
        updated = clone(current)
        updated["metadata"]["labels"] = labels
        if not labels:
            updated["metadata"].pop("labels")
        updated["metadata"].setdefault("annotations", {})[TRIGGER_TIME] = self.cluster.timestamp()
        if subsets:
            updated["subsets"] = subsets
        else:
            updated.pop("subsets", None)
        store.update(updated, check_version=False)
