"""kubectl get: the server-side Table (printers.go) and kubectl's client-side printers (table, name, yaml, json)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import yaml

from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.apimachinery.labels import format_label_selector, format_labels, selector_string
from cluster.sim.apimachinery.timeutil import age
from cluster.sim.kubectl import jsonpath
from cluster.sim.kubectl.tabwriter import TabWriter

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


def _col(name: str, type_: str = "string", description: str = "", priority: int = 0, format_: str = "") -> Column:
    return Column(name, type_, format_, description, priority)


NAME = _col("Name", description=NAME_DOC, format_="name")
AGE = _col("Age", description=AGE_DOC)

# Column sets in the order printers.go AddHandlers declares them.
COLUMNS: dict[str, list[Column]] = {
    "Pod": [
        NAME,
        _col("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
        _col("Status", description="The aggregate status of the containers in this pod."),
        _col("Restarts", description="The number of times the containers in this pod have been restarted "
                                     "and when the last container in this pod has restarted."),
        AGE,
        _col("IP", priority=1),
        _col("Node", priority=1),
        _col("Nominated Node", priority=1),
        _col("Readiness Gates", priority=1),
    ],
    "ReplicaSet": [
        NAME, _col("Desired", "integer"), _col("Current", "integer"), _col("Ready", "integer"), AGE,
        _col("Containers", description=CONTAINERS_DOC, priority=1),
        _col("Images", description=IMAGES_DOC, priority=1),
        _col("Selector", priority=1),
    ],
    "Deployment": [
        NAME, _col("Ready", description="Number of the pod with ready state"), _col("Up-to-date"),
        _col("Available"), AGE,
        _col("Containers", description=CONTAINERS_DOC, priority=1),
        _col("Images", description=IMAGES_DOC, priority=1),
        _col("Selector", priority=1),
    ],
    "Service": [
        NAME, _col("Type"), _col("Cluster-IP"), _col("External-IP"), _col("Port(s)"), AGE,
        _col("Selector", priority=1),
    ],
    "Endpoints": [NAME, _col("Endpoints"), AGE],
    "EndpointSlice": [NAME, _col("AddressType"), _col("Ports"), _col("Endpoints"), AGE],
    "Node": [
        NAME, _col("Status", description="The status of the node"),
        _col("Roles", description="The roles of the node"), AGE, _col("Version"),
        _col("Internal-IP", priority=1), _col("External-IP", priority=1), _col("OS-Image", priority=1),
        _col("Kernel-Version", priority=1), _col("Container-Runtime", priority=1),
    ],
    "Event": [
        _col("Last Seen"), _col("Type"), _col("Reason"), _col("Object"), _col("Subobject", priority=1),
        _col("Source", priority=1), _col("Message"), _col("First Seen", priority=1), _col("Count", priority=1),
        _col("Name", description=NAME_DOC, priority=1, format_="name"),
    ],
    "Namespace": [NAME, _col("Status", description="The status of the namespace"), AGE],
    "ConfigMap": [NAME, _col("Data"), AGE],
    "Secret": [NAME, _col("Type"), _col("Data"), AGE],
}


def _meta(obj: Obj) -> Obj:
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
            reason = "Running" if _condition_true(status.get("conditions"), "Ready") else "NotReady"
    deleting = _meta(pod).get("deletionTimestamp")
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
        _meta(pod).get("name", ""), f"{ready}/{total}", reason, restarts_cell,
        age(now, _meta(pod).get("creationTimestamp")),
        ip or "<none>", spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>", gates_cell,
    ]


def _replicaset_cells(rs: Obj, now: float) -> list[Any]:
    spec, status = rs.get("spec") or {}, rs.get("status") or {}
    names, images = _containers_cells(spec.get("template") or {})
    return [_meta(rs).get("name", ""), spec.get("replicas", 1), status.get("replicas", 0),
            status.get("readyReplicas", 0), age(now, _meta(rs).get("creationTimestamp")),
            names, images, format_label_selector(spec.get("selector"))]


def _deployment_cells(d: Obj, now: float) -> list[Any]:
    spec, status = d.get("spec") or {}, d.get("status") or {}
    names, images = _containers_cells(spec.get("template") or {})
    return [_meta(d).get("name", ""), f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
            status.get("updatedReplicas", 0), status.get("availableReplicas", 0),
            age(now, _meta(d).get("creationTimestamp")), names, images, selector_string(spec.get("selector"))]


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
    return [_meta(svc).get("name", ""), spec.get("type", "ClusterIP"), cluster_ips[0] if cluster_ips else "<none>",
            service_external_ip(svc, True), service_ports(spec.get("ports") or []) or "<none>",
            age(now, _meta(svc).get("creationTimestamp")), format_labels(spec.get("selector"))]


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
    return [_meta(eps).get("name", ""), eps.get("addressType", ""), _more(ports, len(ports)) or "<unset>",
            _more(addresses, len(addresses)) or "<unset>", age(now, _meta(eps).get("creationTimestamp"))]


def node_roles(node: Obj) -> list[str]:
    """findNodeRoles: node-role.kubernetes.io/<role> and kubernetes.io/role labels."""
    roles = set()
    for key, value in (_meta(node).get("labels") or {}).items():
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
    return [_meta(node).get("name", ""), ",".join(states), ",".join(node_roles(node)) or "<none>",
            age(now, _meta(node).get("creationTimestamp")), info.get("kubeletVersion", ""),
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
            event_source(ev), ev.get("message", "").strip(), first, count, _meta(ev).get("name", "")]


def _namespace_cells(ns: Obj, now: float) -> list[Any]:
    return [_meta(ns).get("name", ""), (ns.get("status") or {}).get("phase", ""),
            age(now, _meta(ns).get("creationTimestamp"))]


def _configmap_cells(cm: Obj, now: float) -> list[Any]:
    return [_meta(cm).get("name", ""), len(cm.get("data") or {}) + len(cm.get("binaryData") or {}),
            age(now, _meta(cm).get("creationTimestamp"))]


def _secret_cells(secret: Obj, now: float) -> list[Any]:
    return [_meta(secret).get("name", ""), secret.get("type", ""), len(secret.get("data") or {}),
            age(now, _meta(secret).get("creationTimestamp"))]


def _endpoints_cells(ep: Obj, now: float) -> list[Any]:
    return [_meta(ep).get("name", ""), format_endpoints(ep), age(now, _meta(ep).get("creationTimestamp"))]


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


def _cell_text(cell: Any) -> str:
    # kubectl's printTable: strings cut at the first line break, everything else via fmt.Sprint
    if cell is None:
        return ""
    if isinstance(cell, str):
        cut = min((i for i in (cell.find("\n"), cell.find("\r"), cell.find("\f")) if i >= 0), default=-1)
        return cell if cut < 0 else cell[:cut] + "..."
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(cell)


def render_table(columns: Sequence[Column], rows: Sequence[Sequence[Any]], *, wide: bool = False,
                 namespaces: list[str] | None = None, kind_prefix: str | None = None, show_labels: bool = False,
                 labels: list[dict[str, str]] | None = None, label_columns: Sequence[str] = (),
                 no_headers: bool = False, writer: TabWriter | None = None) -> str:
    """kubectl's human-readable printer over a Table (decorateTable + printTable through the tab writer)."""
    if not rows:
        return ""
    cols: list[Column] = []
    if namespaces is not None:
        cols.append(_col("Namespace"))
    cols.extend(columns)
    for key in label_columns:
        cols.append(_col(key.split("/")[-1].upper()))
    if show_labels:
        cols.append(_col("Labels"))
    name_index = next((i for i, c in enumerate(columns) if c.format == "name" and c.type == "string"), -1)
    out = writer or TabWriter(6, 4, 3, remember_widths=True)
    if not no_headers:
        out.write("\t".join(c.name.upper() for c in cols if wide or c.priority == 0) + "\n")
    for index, row in enumerate(rows):
        cells: list[Any] = []
        if namespaces is not None:
            cells.append(namespaces[index])
        for i, cell in enumerate(row):
            if i == name_index and kind_prefix:
                cell = f"{kind_prefix}/{cell}"
            cells.append(cell)
        row_labels = (labels[index] if labels else None) or {}
        cells.extend(row_labels.get(key, "") for key in label_columns)
        if show_labels:
            cells.append(format_labels(row_labels))
        visible = [_cell_text(cell) for cell, col in zip(cells, cols, strict=False) if wide or col.priority == 0]
        out.write("\t".join(visible) + "\n")
    if writer is None:
        out.flush()
        return out.getvalue()
    return ""


def type_name(kind: str) -> str:
    """`deployment.apps`, `pod`: how kubectl names a type in `kind/name`."""
    return KINDS[kind].type_name


def name_of(obj: Obj) -> str:
    """`deployment.apps/httpd`, as kubectl's name printer writes it."""
    return f"{type_name(obj['kind'])}/{_meta(obj).get('name', '')}"


def no_resources_message(namespace: str | None) -> str:
    """What kubectl get prints on stderr when nothing matched."""
    if namespace:
        return f"No resources found in {namespace} namespace."
    return "No resources found"


def _for_output(obj: Obj) -> Obj:
    # kubectl hides managedFields unless --show-managed-fields
    clean = copy.deepcopy(obj)
    clean.get("metadata", {}).pop("managedFields", None)
    return clean


def as_list(objs: list[Obj]) -> Obj:
    """The `kind: List` kubectl prints for several objects."""
    return {"apiVersion": "v1", "items": [_for_output(o) for o in objs], "kind": "List",
            "metadata": {"resourceVersion": ""}}


def to_json(obj: Any) -> str:
    """json.MarshalIndent(obj, "", "    ") as Go writes it: sorted keys, HTML characters escaped."""
    text = json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text + "\n"


class _GoYamlDumper(yaml.SafeDumper):
    """Emits like sigs.k8s.io/yaml over goyaml.v2: plain when possible, "double quotes" for look-alike scalars."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    resolved = dumper.resolve(yaml.ScalarNode, data, (True, False))
    if resolved != "tag:yaml.org,2002:str":
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_GoYamlDumper.add_representer(str, _represent_str)


def to_yaml(obj: Any) -> str:
    """yaml.Marshal as kubectl does it: sorted keys, 2-space indent, lists flush with their key, no folding."""
    text: str = yaml.dump(obj, Dumper=_GoYamlDumper, default_flow_style=False, sort_keys=True,
                          allow_unicode=True, width=float("inf"))
    return text


def _custom_columns(spec: str, items: list[Obj]) -> str:
    headers, paths = [], []
    for part in spec.split(","):
        header, _, path = part.partition(":")
        headers.append(header)
        paths.append(jsonpath.relaxed(path))
    out = TabWriter(6, 4, 3, remember_widths=True)
    out.write("\t".join(headers) + "\n")
    for item in items:
        values = []
        for path in paths:
            found = jsonpath.find(path, item)
            values.append(",".join(jsonpath.go_sprint(v) for v in found) if found else "<none>")
        out.write("\t".join(values) + "\n")
    out.flush()
    return out.getvalue()


def get_output(kind: str, objs: list[Obj], now: float, *, output: str = "", namespace: str = "default",
               all_namespaces: bool = False, show_labels: bool = False, label_columns: Sequence[str] = (),
               kind_prefix: str | None = None, no_headers: bool = False, single_item: bool | None = None) -> str:
    """What `kubectl get <kind>` writes on stdout for these objects.

    single_item: kubectl prints one bare object (not a List) for -o yaml/json/jsonpath only when a name was
    given on the command line; None means "exactly one object".
    """
    single = len(objs) == 1 if single_item is None else single_item
    if output in ("", "wide"):
        columns, rows = table(kind, objs, now)
        namespaced = KINDS[kind].namespaced
        return render_table(
            columns, rows, wide=output == "wide",
            namespaces=[_meta(o).get("namespace", "") for o in objs] if all_namespaces and namespaced else None,
            kind_prefix=kind_prefix, show_labels=show_labels,
            labels=[_meta(o).get("labels") or {} for o in objs], label_columns=label_columns, no_headers=no_headers)
    if output == "name":
        return "".join(name_of(o) + "\n" for o in objs)
    document: Obj = _for_output(objs[0]) if single and objs else as_list(objs)
    if output == "json":
        return to_json(document)
    if output == "yaml":
        return to_yaml(document)
    if output.startswith("jsonpath="):
        template = output[len("jsonpath="):]
        if len(template) >= 2 and template[0] == template[-1] and template[0] in "'\"":
            template = template[1:-1]
        return jsonpath.execute(template, document)
    if output.startswith("custom-columns="):
        return _custom_columns(output[len("custom-columns="):], [document] if single else document["items"])
    raise ValueError(f"unable to match a printer suitable for the output format \"{output}\"")
