"""The "why" answer for a Service: which pods its selector picks, which endpoints are ready, and kube-proxy's rules."""

from __future__ import annotations

from typing import Any

from cluster.sim.apimachinery import errors
from cluster.sim.apiserver.pods import condition, is_ready, is_terminating
from cluster.sim.apiserver.store import Obj
from cluster.sim.cluster import Cluster
from cluster.sim.controllers.endpoints import find_port, ip_key

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def why(cluster: Cluster, namespace: str, name: str) -> dict[str, Any]:
    """The `why` frame's body for Service `namespace/name` (raises ApiError 404 when there is no such Service)."""
    svc = cluster.store.get("Service", namespace, name)
    if svc is None:
        raise errors.not_found("services", "", name)
    selector: dict[str, str] = dict(svc["spec"].get("selector") or {})
    endpoints = endpoint_rows(cluster, namespace, name)
    endpoint_pods = {row["pod"] for row in endpoints if row["pod"]}
    pods = [pod_row(cluster, svc, selector, pod, pod["metadata"]["name"] in endpoint_pods)
            for pod in cluster.store.list("Pod", namespace)]
    return {
        "service": {"namespace": namespace, "name": name},
        "selector": selector,
        "pods": pods,
        "endpoints": endpoints,
        "rules": proxy_rules(cluster, namespace, name),
    }


def endpoint_rows(cluster: Cluster, namespace: str, name: str) -> list[dict[str, Any]]:
    """One row per address and port of the Service's EndpointSlices, in address order."""
    rows: list[dict[str, Any]] = []
    for eps in cluster.store.list("EndpointSlice", namespace, {SERVICE_NAME_LABEL: name}):
        ports = [p.get("port") for p in eps.get("ports") or ()] or [None]
        for endpoint in eps.get("endpoints") or ():
            conditions = endpoint.get("conditions") or {}
            # discovery/v1 EndpointConditions: a nil ready means ready, a nil serving means "as ready"
            ready = conditions.get("ready") is not False
            serving = conditions.get("serving", ready) is not False
            pod = (endpoint.get("targetRef") or {}).get("name")
            for address in endpoint.get("addresses") or ():
                for port in ports:
                    rows.append({"ip": address, "port": port, "pod": pod, "ready": ready, "serving": serving,
                                 "terminating": bool(conditions.get("terminating"))})
    rows.sort(key=lambda r: (ip_key(r["ip"]), r["port"] or 0))
    return rows


def pod_row(cluster: Cluster, svc: Obj, selector: dict[str, str], pod: Obj, is_endpoint: bool) -> dict[str, Any]:
    """One pod against the selector: each label checked, whether it is ready, and if not, why."""
    labels: dict[str, str] = dict(pod["metadata"].get("labels") or {})
    checked = [{"key": key, "want": want, "have": labels.get(key), "ok": labels.get(key) == want}
               for key, want in sorted(selector.items())]
    match = bool(selector) and all(c["ok"] for c in checked)
    status = pod.get("status") or {}
    # ready as the EndpointSlice controller counts it: the pod's Ready condition, and not shutting down
    ready = is_ready(pod) and not is_terminating(pod)
    reason = ""
    if match:
        reason = _missing_port(svc, pod)
    if not reason:
        reason = "" if ready and (is_endpoint or not match) else not_ready_reason(cluster, pod)
    return {
        "name": pod["metadata"]["name"],
        "labels": labels,
        "ip": status.get("podIP", ""),
        "node": pod["spec"].get("nodeName", ""),
        "match": match,
        "labels_checked": checked,
        "ready": ready,
        "reason": reason,
    }


def _missing_port(svc: Obj, pod: Obj) -> str:
    """A named targetPort the pod has no container port for keeps it out of the endpoints (podutil.FindPort)."""
    for port in svc["spec"].get("ports") or ():
        if find_port(pod, port) is None:
            return f"no port named {port.get('targetPort')}"
    return ""


def not_ready_reason(cluster: Cluster, pod: Obj) -> str:
    """Why a pod is not a ready endpoint, in the words `kubectl get pods` and `describe` would use."""
    status = pod.get("status") or {}
    phase = status.get("phase", "Pending")
    if is_terminating(pod):
        return "terminating"
    if phase in ("Succeeded", "Failed"):
        return f"finished ({phase})"
    if not pod["spec"].get("nodeName"):
        scheduled = condition(pod, "PodScheduled") or {}
        return f"not scheduled: {scheduled['message']}" if scheduled.get("message") else "not scheduled yet"
    if not status.get("podIP"):
        return "no IP yet: ContainerCreating"
    for cstatus in status.get("containerStatuses") or ():
        state = cstatus.get("state") or {}
        if "waiting" in state:
            waiting = state["waiting"].get("reason", "")
            return f"container {cstatus['name']} is waiting: {waiting}" if waiting else \
                f"container {cstatus['name']} is waiting"
        if "terminated" in state:
            return f"container {cstatus['name']} exited: {state['terminated'].get('reason', 'Error')}"
    for cstatus in status.get("containerStatuses") or ():
        if not cstatus.get("ready"):
            container: dict[str, Any] = next(
                (c for c in pod["spec"].get("containers") or () if c["name"] == cstatus["name"]), {})
            if container.get("readinessProbe"):
                failed = _last_probe_failure(cluster, pod)
                return f"readiness probe failing: {failed}" if failed else "readiness probe has not passed yet"
            if container.get("startupProbe"):
                return "startup probe has not passed yet"
            return f"container {cstatus['name']} is not ready"
    if not is_ready(pod):
        ready = condition(pod, "Ready") or {}
        return ready.get("reason") or "not ready yet"
    return ""


def _last_probe_failure(cluster: Cluster, pod: Obj) -> str:
    """The message of the pod's latest `Unhealthy` readiness event, if the kubelet recorded one."""
    uid = pod["metadata"].get("uid")
    messages = [e for e in cluster.store.list("Event", pod["metadata"]["namespace"])
                if (e.get("involvedObject") or {}).get("uid") == uid and e.get("reason") == "Unhealthy"
                and str(e.get("message", "")).startswith("Readiness probe failed")]
    if not messages:
        return ""
    latest = max(messages, key=lambda e: int(e["metadata"].get("resourceVersion", "0")))
    return str(latest["message"]).removeprefix("Readiness probe failed: ").strip()


def proxy_rules(cluster: Cluster, namespace: str, name: str) -> list[str]:
    """kube-proxy's rule lines for the Service (`iptables-save` style)."""
    try:
        network = cluster.network
    except ImportError:  # the network model is not installed: no rules to show
        return []
    return list(network.rules(namespace, name))
