"""The Table a `get` asks the API server for (pkg/printers/internalversion/printers.go): columns and cells per kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cluster.sim.apimachinery.labels import format_label_selector, format_labels, selector_string
from cluster.sim.apimachinery.timeutil import age
from cluster.sim.apiserver.pods import is_ready

Obj = dict[str, Any]


class Reader(Protocol):
    """Read access to related objects (the engine's store implements it)."""

    def get(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None: ...

    def list(self, kind: str, namespace: str | None = None,
             selector: dict[str, str] | None = None) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Column:
    """A metav1.TableColumnDefinition."""

    name: str
    type: str
    format: str
    description: str
    priority: int


# metav1.ObjectMeta{}.SwaggerDoc() texts for the two columns every table has.
NAME_DOC = (
    "Name must be unique within a namespace. Is required when creating resources, although some resources may "
    "allow a client to request the generation of an appropriate name automatically. Name is primarily intended "
    "for creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
AGE_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this value. "
    "It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. "
    "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)
CONTAINERS_DOC = "Names of each container in the template."
IMAGES_DOC = "Images referenced by each container in the template."


def column(name: str, type_: str = "string", description: str = "", priority: int = 0, format_: str = "") -> Column:
    return Column(name, type_, format_, description, priority)


NAME = column("Name", description=NAME_DOC, format_="name")
AGE = column("Age", description=AGE_DOC)

# Column sets in the order printers.go AddHandlers declares them.
COLUMNS: dict[str, list[Column]] = {
    "Pod": [
        NAME,
        column("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
        column("Status", description="The aggregate status of the containers in this pod."),
        column("Restarts", description="The number of times the containers in this pod have been restarted "
                                     "and when the last container in this pod has restarted."),
        AGE,
        column("IP", priority=1),
        column("Node", priority=1),
        column("Nominated Node", priority=1),
        column("Readiness Gates", priority=1),
    ],
    "ReplicaSet": [
        NAME, column("Desired", "integer"), column("Current", "integer"), column("Ready", "integer"), AGE,
        column("Containers", description=CONTAINERS_DOC, priority=1),
        column("Images", description=IMAGES_DOC, priority=1),
        column("Selector", priority=1),
    ],
    "Deployment": [
        NAME, column("Ready", description="Number of the pod with ready state"), column("Up-to-date"),
        column("Available"), AGE,
        column("Containers", description=CONTAINERS_DOC, priority=1),
        column("Images", description=IMAGES_DOC, priority=1),
        column("Selector", priority=1),
    ],
    "Service": [
        NAME, column("Type"), column("Cluster-IP"), column("External-IP"), column("Port(s)"), AGE,
        column("Selector", priority=1),
    ],
    "Endpoints": [NAME, column("Endpoints"), AGE],
    "EndpointSlice": [NAME, column("AddressType"), column("Ports"), column("Endpoints"), AGE],
    "Node": [
        NAME, column("Status", description="The status of the node"),
        column("Roles", description="The roles of the node"), AGE, column("Version"),
        column("Internal-IP", priority=1), column("External-IP", priority=1), column("OS-Image", priority=1),
        column("Kernel-Version", priority=1), column("Container-Runtime", priority=1),
    ],
    "Event": [
        column("Last Seen"), column("Type"), column("Reason"), column("Object"), column("Subobject", priority=1),
        column("Source", priority=1), column("Message"), column("First Seen", priority=1), column("Count", priority=1),
        column("Name", description=NAME_DOC, priority=1, format_="name"),
    ],
    "Namespace": [NAME, column("Status", description="The status of the namespace"), AGE],
    "ConfigMap": [NAME, column("Data"), AGE],
    "Secret": [NAME, column("Type"), column("Data"), AGE],
}


def meta_of(obj: Obj) -> Obj:
    meta: Obj = obj.get("metadata") or {}
    return meta


def _containers_cells(template: Obj) -> tuple[str, str]:
    # mirrors layoutContainerCells
    containers = (template.get("spec") or {}).get("containers") or []
    return ",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)


def _is_restartable_init(container: Obj | None) -> bool:
    return bool(container) and (container or {}).get("restartPolicy") == "Always"


def _condition_true(conditions: list[Obj] | None, type_: str) -> bool:
    return any(c.get("type") == type_ and c.get("status") == "True" for c in conditions or [])


def pod_status(pod: Obj) -> str:
    """The STATUS cell of a pod."""
    return str(_pod_cells(pod, 0.0)[2])


def _pod_cells(pod: Obj, now: float) -> list[Any]:
    # mirrors printPod
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    restarts = restartable_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart = last_restartable_restart = ""
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = {c["name"]: c for c in spec.get("initContainers") or []}
    total += sum(1 for c in init_specs.values() if _is_restartable_init(c))
    init_statuses = status.get("initContainerStatuses") or []
    initializing = False
    for i, cs in enumerate(init_statuses):
        restarts += cs.get("restartCount", 0)
        finished = ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt", "")
        last_restart = max(last_restart, finished or "")
        restartable = _is_restartable_init(init_specs.get(cs.get("name", "")))
        if restartable:
            restartable_restarts += cs.get("restartCount", 0)
            last_restartable_restart = max(last_restartable_restart, finished or "")
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if restartable and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if terminated is not None:
            if not terminated.get("reason"):
                if terminated.get("signal"):
                    reason = f"Init:Signal:{terminated['signal']}"
                else:
                    reason = f"Init:ExitCode:{terminated.get('exitCode', 0)}"
            else:
                reason = "Init:" + terminated["reason"]
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break
    if not initializing or _condition_true(status.get("conditions"), "Initialized"):
        restarts, last_restart = restartable_restarts, last_restartable_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += cs.get("restartCount", 0)
            finished = ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt", "")
            last_restart = max(last_restart, finished or "")
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                if terminated.get("signal"):
                    reason = f"Signal:{terminated['signal']}"
                else:
                    reason = f"ExitCode:{terminated.get('exitCode', 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if is_ready(pod) else "NotReady"
    deleting = meta_of(pod).get("deletionTimestamp")
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    restarts_cell = str(restarts)
    if restarts and last_restart:
        restarts_cell = f"{restarts} ({age(now, last_restart)} ago)"
    pod_ips = status.get("podIPs") or []
    ip = pod_ips[0].get("ip", "") if pod_ips else ""
    gates = spec.get("readinessGates") or []
    gates_cell = "<none>"
    if gates:
        true_count = 0
        for gate in gates:
            for cond in status.get("conditions") or []:
                if cond.get("type") == gate.get("conditionType"):
                    true_count += cond.get("status") == "True"
                    break
        gates_cell = f"{true_count}/{len(gates)}"
    return [
        meta_of(pod).get("name", ""), f"{ready}/{total}", reason, restarts_cell,
        age(now, meta_of(pod).get("creationTimestamp")),
        ip or "<none>", spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>", gates_cell,
    ]


def _replicaset_cells(rs: Obj, now: float) -> list[Any]:
    spec, status = rs.get("spec") or {}, rs.get("status") or {}
    names, images = _containers_cells(spec.get("template") or {})
    return [meta_of(rs).get("name", ""), spec.get("replicas", 1), status.get("replicas", 0),
            status.get("readyReplicas", 0), age(now, meta_of(rs).get("creationTimestamp")),
            names, images, format_label_selector(spec.get("selector"))]


def _deployment_cells(d: Obj, now: float) -> list[Any]:
    spec, status = d.get("spec") or {}, d.get("status") or {}
    names, images = _containers_cells(spec.get("template") or {})
    return [meta_of(d).get("name", ""), f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
            status.get("updatedReplicas", 0), status.get("availableReplicas", 0),
            age(now, meta_of(d).get("creationTimestamp")), names, images, selector_string(spec.get("selector"))]


def _load_balancer_ips(status: Obj, wide: bool) -> str:
    # mirrors loadBalancerStatusStringer
    found = set()
    for ing in (status.get("loadBalancer") or {}).get("ingress") or []:
        if ing.get("ip"):
            found.add(ing["ip"])
        elif ing.get("hostname"):
            found.add(ing["hostname"])
    text = ",".join(sorted(found))
    if not wide and len(text) > 16:
        text = text[:13] + "..."
    return text


def service_external_ip(svc: Obj, wide: bool) -> str:
    """getServiceExternalIP."""
    spec = svc.get("spec") or {}
    type_ = spec.get("type", "ClusterIP")
    external = spec.get("externalIPs") or []
    if type_ in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if type_ == "LoadBalancer":
        lb = _load_balancer_ips(svc.get("status") or {}, wide)
        if external:
            return ",".join(([*lb.split(",")] if lb else []) + external)
        return lb or "<pending>"
    if type_ == "ExternalName":
        return str(spec.get("externalName", ""))
    return "<unknown>"


def service_ports(ports: list[Obj]) -> str:
    """makePortString: `80/TCP`, `80:30080/TCP`."""
    pieces = []
    for port in ports:
        if port.get("nodePort"):
            pieces.append(f"{port.get('port')}:{port['nodePort']}/{port.get('protocol', 'TCP')}")
        else:
            pieces.append(f"{port.get('port')}/{port.get('protocol', 'TCP')}")
    return ",".join(pieces)


def _service_cells(svc: Obj, now: float) -> list[Any]:
    spec = svc.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or []
    return [meta_of(svc).get("name", ""), spec.get("type", "ClusterIP"), cluster_ips[0] if cluster_ips else "<none>",
            service_external_ip(svc, True), service_ports(spec.get("ports") or []) or "<none>",
            age(now, meta_of(svc).get("creationTimestamp")), format_labels(spec.get("selector"))]


def _more(items: list[str], count: int, limit: int = 3) -> str:
    text = ",".join(items[:limit])
    if count > limit:
        return f"{text} + {count - limit} more..."
    return text


def format_endpoints(ep: Obj) -> str:
    """formatEndpoints: ready addresses as ip:port, three at most."""
    subsets = ep.get("subsets") or []
    if not subsets:
        return "<none>"
    found: list[str] = []
    count = 0
    for subset in subsets:
        addresses = [a.get("ip", "") for a in subset.get("addresses") or []]
        ports = subset.get("ports") or []
        if not ports:
            count += len(addresses)
            found.extend(addresses)
            continue
        for port in ports:
            count += len(addresses)
            found.extend(_join_host_port(ip, port.get("port")) for ip in addresses)
    return _more(found, count)


def _join_host_port(host: str, port: Any) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _endpointslice_cells(eps: Obj, now: float) -> list[Any]:
    # mirrors formatDiscoveryPorts / formatDiscoveryEndpoints
    ports = []
    for port in eps.get("ports") or []:
        if port.get("port") is not None:
            ports.append(str(port["port"]))
        elif port.get("name") is not None:
            ports.append(str(port["name"]))
        else:
            ports.append("*")
    addresses = [a for e in eps.get("endpoints") or [] for a in e.get("addresses") or []]
    return [meta_of(eps).get("name", ""), eps.get("addressType", ""), _more(ports, len(ports)) or "<unset>",
            _more(addresses, len(addresses)) or "<unset>", age(now, meta_of(eps).get("creationTimestamp"))]


def node_roles(node: Obj) -> list[str]:
    """findNodeRoles: node-role.kubernetes.io/<role> and kubernetes.io/role labels."""
    roles = set()
    for key, value in (meta_of(node).get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key[len("node-role.kubernetes.io/"):]:
            roles.add(key[len("node-role.kubernetes.io/"):])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


def _node_address(node: Obj, type_: str) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == type_:
            return str(address.get("address", ""))
    return "<none>"


def _node_cells(node: Obj, now: float) -> list[Any]:
    status = node.get("status") or {}
    states = []
    for cond in status.get("conditions") or []:
        if cond.get("type") == "Ready":
            states = ["Ready" if cond.get("status") == "True" else "NotReady"]
    states = states or ["Unknown"]
    if (node.get("spec") or {}).get("unschedulable"):
        states.append("SchedulingDisabled")
    info = status.get("nodeInfo") or {}
    return [meta_of(node).get("name", ""), ",".join(states), ",".join(node_roles(node)) or "<none>",
            age(now, meta_of(node).get("creationTimestamp")), info.get("kubeletVersion", ""),
            _node_address(node, "InternalIP"), _node_address(node, "ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


def event_source(event: Obj) -> str:
    """formatEventSource: component (or reportingController), then `, host` if any."""
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingController", "")
    host = source.get("host") or event.get("reportingInstance", "")
    return f"{component}, {host}" if host else component


def _event_cells(ev: Obj, now: float) -> list[Any]:
    # mirrors printEvent
    first = age(now, ev.get("firstTimestamp")) if ev.get("firstTimestamp") else age(now, ev.get("eventTime"))
    last = age(now, ev.get("lastTimestamp")) if ev.get("lastTimestamp") else first
    count = ev.get("count", 0)
    if ev.get("series"):
        last = age(now, ev["series"].get("lastObservedTime"))
        count = ev["series"].get("count", 0)
    elif not count:
        count = 1
    involved = ev.get("involvedObject") or {}
    target = involved.get("kind", "").lower()
    if involved.get("name"):
        target += "/" + involved["name"]
    return [last, ev.get("type", ""), ev.get("reason", ""), target, involved.get("fieldPath", ""),
            event_source(ev), ev.get("message", "").strip(), first, count, meta_of(ev).get("name", "")]


def _namespace_cells(ns: Obj, now: float) -> list[Any]:
    return [meta_of(ns).get("name", ""), (ns.get("status") or {}).get("phase", ""),
            age(now, meta_of(ns).get("creationTimestamp"))]


def _configmap_cells(cm: Obj, now: float) -> list[Any]:
    return [meta_of(cm).get("name", ""), len(cm.get("data") or {}) + len(cm.get("binaryData") or {}),
            age(now, meta_of(cm).get("creationTimestamp"))]


def _secret_cells(secret: Obj, now: float) -> list[Any]:
    return [meta_of(secret).get("name", ""), secret.get("type", ""), len(secret.get("data") or {}),
            age(now, meta_of(secret).get("creationTimestamp"))]


def _endpoints_cells(ep: Obj, now: float) -> list[Any]:
    return [meta_of(ep).get("name", ""), format_endpoints(ep), age(now, meta_of(ep).get("creationTimestamp"))]


CELLS: dict[str, Callable[[Obj, float], list[Any]]] = {
    "Pod": _pod_cells, "ReplicaSet": _replicaset_cells, "Deployment": _deployment_cells,
    "Service": _service_cells, "Endpoints": _endpoints_cells, "EndpointSlice": _endpointslice_cells,
    "Node": _node_cells, "Event": _event_cells, "Namespace": _namespace_cells,
    "ConfigMap": _configmap_cells, "Secret": _secret_cells,
}


def table(kind: str, objs: list[Obj], now: float) -> tuple[list[Column], list[list[Any]]]:
    """The server-side Table for these objects: every column (wide ones included), cells as printers.go makes them."""
    cells = CELLS[kind]
    return list(COLUMNS[kind]), [cells(obj, now) for obj in objs]
