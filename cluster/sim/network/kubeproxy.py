"""kube-proxy and the pod network: where one HTTP request from a pod, a node or outside ends up, and why.

A request's URL is resolved (cluster DNS from pods only), classified (ClusterIP, NodePort on a node IP, pod
IP), and, for Services, balanced over the ready endpoints of the Service's EndpointSlices as kube-proxy
programs it: iptables picks endpoint i of n with probability 1/(n-i), walking the endpoints in the order
kube-proxy writes them (sorted by the "ip:port" string, as EndpointSliceCache sorts them); IPVS rotates
round robin; sessionAffinity ClientIP pins a client IP to its endpoint for timeoutSeconds. Each request
yields a routing event shaped as docs/websocket-protocol.md describes.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import random
from dataclasses import dataclass, field
from typing import Any, Protocol

from cluster.sim.images.catalog import Catalog, PullFailure

Obj = dict[str, Any]
DEFAULT_AFFINITY_SECONDS = 10800  # v1.DefaultClientIPServiceAffinitySeconds
EPHEMERAL_PORTS = (32768, 60999)  # Linux net.ipv4.ip_local_port_range
PORT_MARK = "\x00"  # stands for the client's ephemeral port in a body until a request draws one
APISERVER_PORT, KUBELET_PORT = 6443, 10250
HTTP_TO_HTTPS = "Client sent an HTTP request to an HTTPS server.\n"  # Go net/http's answer on a TLS port


class Reader(Protocol):
    def get(self, kind: str, namespace: str, name: str) -> Obj | None: ...

    def list(self, kind: str, namespace: str | None = None,
             selector: dict[str, str] | None = None) -> list[Obj]: ...


@dataclass(frozen=True)
class Client:
    """Who sends a request: a pod, a node, or a machine outside the cluster."""

    kind: str  # "pod" | "node" | "outside"
    name: str
    ip: str
    node: str
    namespace: str = "default"


@dataclass
class ProxyState:
    """kube-proxy's memory, kept in the snapshot: ClientIP affinity entries and IPVS round-robin positions."""

    affinity: dict[str, list[Any]] = field(default_factory=dict)  # "ns/svc:port|client ip" → [endpoint, last seen]
    round_robin: dict[str, str] = field(default_factory=dict)  # "ns/svc:port" → the endpoint chosen last

    def to_dict(self) -> dict[str, Any]:
        return {"affinity": {k: list(v) for k, v in self.affinity.items()}, "roundRobin": dict(self.round_robin)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ProxyState:
        data = data or {}
        return cls({k: list(v) for k, v in (data.get("affinity") or {}).items()}, dict(data.get("roundRobin") or {}))


def port_proto_hash(service_port_name: str, protocol: str) -> str:
    """mirrors portProtoHash: base32(sha256(name + protocol))[:16]."""
    digest = hashlib.sha256((service_port_name + protocol).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def service_chain(service_port_name: str, protocol: str = "tcp") -> str:
    """mirrors servicePortChainName: `KUBE-SVC-NPX46M4PTMTKRN6Y` for `default/kubernetes:https`."""
    return "KUBE-SVC-" + port_proto_hash(service_port_name, protocol)


def endpoint_chain(service_port_name: str, endpoint: str, protocol: str = "tcp") -> str:
    """mirrors servicePortEndpointChainName: the hash also covers "ip:port"."""
    digest = hashlib.sha256((service_port_name + protocol + endpoint).encode()).digest()
    return "KUBE-SEP-" + base64.b32encode(digest).decode()[:16]


def iptables_probability(n: int) -> str:
    """How iptables-save prints kube-proxy's `%0.10f` of 1/n: the kernel keeps it as a 31-bit fraction."""
    written = float(f"{1.0 / n:.10f}")
    return f"{round(written * 0x80000000) / 0x80000000:.11f}"


def parse_url(url: str) -> tuple[str, str, int | None, str]:
    """(scheme, host, port or None, path with query) of `http://h:8080/x`, `h:8080`, `h`."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "http", url
    hostport, slash, path = rest.partition("/")
    path = "/" + path if slash else "/"
    if "?" in hostport:
        hostport, _, query = hostport.partition("?")
        path = "/?" + query
    hostport = hostport.rsplit("@", 1)[-1]
    host, colon, port_text = hostport.rpartition(":") if ":" in hostport else (hostport, "", "")
    port = int(port_text) if colon and port_text.isdigit() else None
    return scheme.lower(), host.lower(), port, path


@dataclass(frozen=True)
class _Endpoint:
    ip: str
    port: int
    node: str
    pod: str
    ready: bool
    serving: bool
    terminating: bool

    @property
    def text(self) -> str:
        return f"{self.ip}:{self.port}"


@dataclass
class _Outcome:
    """What one request ends in once its destination is fixed."""

    key: str  # hits key: "pod/NAME", "refused", "timeout", "unresolved"
    result: str  # "answered" | "refused" | "timeout"
    status: int = 0
    body: str = ""
    reason: str = ""
    endpoint: dict[str, Any] | None = None

    @property
    def dynamic(self) -> bool:
        return PORT_MARK in self.body


@dataclass
class _Plan:
    """Everything a batch of identical requests shares; only the draw differs per request."""

    client: dict[str, Any]
    url: str
    target: dict[str, Any]
    fixed: _Outcome | None = None
    rule: str = ""
    choices: list[tuple[str, _Outcome]] = field(default_factory=list)  # ("ip:port", outcome) in rule order
    chain: str = ""
    key: str = ""  # "ns/svc:port" for affinity and round robin
    affinity: int = 0  # ClientIP timeout in seconds, 0 = none
    vip: str = ""  # "ip:port" for IPVS rule texts
    headless: bool = False


class Network:
    """Routes requests through the simulated cluster's DNS, kube-proxy rules and pods."""

    def __init__(self, reader: Reader, catalog: Catalog, state: ProxyState, rng: random.Random, *,
                 mode: str = "iptables", cluster_domain: str = "cluster.local", service_cidr: str = "10.96.0.0/12",
                 cluster_cidr: str = "10.244.0.0/16") -> None:
        if mode not in ("iptables", "ipvs"):
            raise ValueError(f"unsupported kube-proxy mode {mode!r}")
        self.reader = reader
        self.catalog = catalog
        self.state = state
        self.rng = rng
        self.mode = mode
        self.domain = cluster_domain
        self.service_net = ipaddress.ip_network(service_cidr, strict=False)
        self.cluster_cidr = cluster_cidr
        self.cluster_net = ipaddress.ip_network(cluster_cidr, strict=False)

    # ---- public API -----------------------------------------------------------------------------------------

    def route(self, client: Client, url: str, now: float, request_id: int = 0) -> dict[str, Any]:
        """One request, as one routing event."""
        _, events = self.route_many(client, url, 1, now, first_id=request_id)
        return events[0]

    def route_many(self, client: Client, url: str, count: int, now: float, events: bool = True, *,
                   first_id: int = 0) -> tuple[dict[str, int], list[dict[str, Any]]]:
        """`count` identical requests: hits per outcome key, and (if asked) one event per request.

        Events of one batch share their nested client/target/endpoint dicts: treat them as read-only.
        """
        plan = self._plan(client, url)
        hits: dict[str, int] = {}
        out: list[dict[str, Any]] = []
        draw = self._drawer(plan, client, now)
        rng = self.rng
        for i in range(count):
            rule, outcome = draw()
            hits[outcome.key] = hits.get(outcome.key, 0) + 1
            if events:
                body = outcome.body
                if PORT_MARK in body:
                    body = body.replace(PORT_MARK, str(rng.randint(*EPHEMERAL_PORTS)))
                out.append({"id": first_id + i, "client": plan.client, "url": plan.url, "target": plan.target,
                            "rule": rule, "endpoint": outcome.endpoint, "result": outcome.result,
                            "status": outcome.status, "body": body, "reason": outcome.reason})
        return hits, out

    def rules(self, namespace: str, name: str, node: str | None = None) -> list[str]:
        """kube-proxy's rules for the Service on a node: `iptables-save` lines, or `ipvsadm -Ln` lines."""
        svc = self.reader.get("Service", namespace, name)
        if svc is None:
            return []
        spec = svc.get("spec") or {}
        cluster_ip = str(spec.get("clusterIP") or "")
        if spec.get("type") == "ExternalName" or cluster_ip in ("", "None"):
            return []  # headless and ExternalName Services get no proxy rules: DNS does the work
        node = node or self._first_node()
        if self.mode == "ipvs":
            return self._ipvs_rules(svc, node)
        lines: list[tuple[str, str]] = []  # (chain, line): iptables-save prints chains in name order
        filters: list[str] = []
        for port in spec.get("ports") or ():
            if str(port.get("protocol", "TCP")) != "TCP":
                continue
            self._iptables_port_rules(svc, port, node, lines, filters)
        ordered = [line for _, line in sorted(lines, key=lambda cl: cl[0])]
        return ordered + filters

    def response_headers(self, event: dict[str, Any], now: float) -> list[tuple[str, str]]:
        """The headers the answering server sent with an event's response (for `curl -i`)."""
        endpoint = event.get("endpoint") or {}
        pod = self._pods_by_ip().get(str(endpoint.get("ip", "")))
        if pod is None or event.get("result") != "answered":
            return [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(event["body"])))]
        for container in self._running_containers(pod):
            behavior = self.catalog.resolve(str(container.get("image", "")))
            if isinstance(behavior, PullFailure):
                continue
            if int(endpoint.get("port", 0)) in self.catalog.run(behavior, container).listens:
                return self.catalog.headers(behavior, container, int(event["status"]), str(event["body"]), now)
        return []

    # ---- planning -------------------------------------------------------------------------------------------

    def _plan(self, client: Client, url: str) -> _Plan:
        scheme, host, given_port, path = parse_url(url)
        port = given_port or (443 if scheme == "https" else 80)
        shown_port = f":{given_port}" if given_port else ""
        client_d = {"kind": client.kind, "name": client.name, "ip": client.ip, "node": client.node}
        plan = _Plan(client_d, f"{scheme}://{host}{shown_port}{path}", {})
        resolved = self._resolve(client, host)
        if resolved is None:
            plan.target = {"kind": "unresolved", "name": host, "port": port}
            plan.fixed = _Outcome("unresolved", "refused", reason=f"could not resolve host: {host}")
            return plan
        ips, headless_of = resolved
        if headless_of is not None:
            return self._headless_plan(plan, client, ips, port, path, headless_of)
        ip = ips[0]
        svc = self._service_by_ip(ip)
        if svc is not None:
            return self._service_plan(plan, client, svc, ip, port, path, node=None)
        node = self._node_by_ip(ip)
        if node is not None:
            return self._node_plan(plan, client, node, ip, port, path)
        plan.target = {"kind": "ip", "ip": ip, "port": port}
        pod = self._pods_by_ip().get(ip)
        if pod is not None:
            meta = pod["metadata"]
            plan.target = {"kind": "pod", "namespace": meta.get("namespace", ""), "name": meta["name"], "ip": ip,
                           "port": port}
            if client.kind == "outside":
                plan.fixed = _Outcome("timeout", "timeout", reason="pod IPs are not reachable from outside the cluster")
            else:
                plan.fixed = self._pod_outcome(pod, ip, port, path, self._seen_ip(client, None, pod), host)
            return plan
        if ip.startswith("127."):
            plan.fixed = _Outcome("refused", "refused", reason=f"connection refused: nothing listens on {ip}:{port}")
        elif self._in(ip, self.service_net):
            plan.fixed = _Outcome("timeout", "timeout", reason=f"no Service has the IP {ip}: nothing answers")
        elif self._in(ip, self.cluster_net):
            plan.fixed = _Outcome("timeout", "timeout", reason=f"no pod has the IP {ip}: nothing answers")
        else:
            plan.fixed = _Outcome("timeout", "timeout", reason=f"{ip} is outside the simulated cluster: nothing answers")
        return plan

    def _headless_plan(self, plan: _Plan, client: Client, ips: list[str], port: int, path: str, svc: Obj) -> _Plan:
        meta = svc["metadata"]
        plan.target = {"kind": "service", "namespace": meta["namespace"], "name": meta["name"], "ip": "None",
                       "port": port}
        pods = self._pods_by_ip()
        plan.headless = True
        plan.rule = "DNS: headless Service, no proxy rule"
        for ip in ips:
            pod = pods.get(ip)
            outcome = self._pod_outcome(pod, ip, port, path, self._seen_ip(client, None, pod), meta["name"]) \
                if pod is not None else _Outcome("timeout", "timeout", reason=f"no pod has the IP {ip}")
            plan.choices.append((f"{ip}:{port}", outcome))
        return plan

    def _service_plan(self, plan: _Plan, client: Client, svc: Obj, ip: str, port: int, path: str,
                      node: Obj | None) -> _Plan:
        """A ClusterIP:port, or (with `node`) a NodePort on that node."""
        meta, spec = svc["metadata"], svc.get("spec") or {}
        ns, name = meta["namespace"], meta["name"]
        receiving = node["metadata"]["name"] if node is not None else ""
        svc_port = next((p for p in spec.get("ports") or ()
                         if str(p.get("protocol", "TCP")) == "TCP"
                         and (p.get("nodePort") == port if node is not None else p.get("port") == port)), None)
        plan.target = {"kind": "nodeport" if node is not None else "service", "namespace": ns, "name": name,
                       "ip": ip, "port": port}
        if node is not None:
            plan.target["node"] = receiving
        if svc_port is None:
            # no DNAT rule matches this port: the packet to the virtual IP is routed nowhere and dropped [K]
            plan.fixed = _Outcome("timeout", "timeout",
                                  reason=f"Service {ns}/{name} has no port {port}: no rule matches, packets are dropped")
            return plan
        if client.kind == "outside" and node is None:
            plan.fixed = _Outcome("timeout", "timeout", reason="ClusterIPs are not reachable from outside the cluster")
            return plan
        port_name = str(svc_port.get("name") or "")
        spn = f"{ns}/{name}:{port_name}" if port_name else f"{ns}/{name}"
        plan.key = f"{ns}/{name}:{port_name}" if port_name else f"{ns}/{name}:"
        plan.chain = service_chain(spn)
        plan.vip = f"{ip}:{port}"
        endpoints = self._usable(self._endpoints(ns, name, port_name))
        if not endpoints:
            plan.rule = f"KUBE-SERVICES REJECT ({spn} has no endpoints)"
            plan.fixed = _Outcome("refused", "refused", reason="no endpoints")
            return plan
        local_only, local_node = self._local_policy(spec, client, receiving)
        if local_only:
            endpoints = [e for e in endpoints if e.node == local_node]
            plan.chain = "KUBE-SVL-" + plan.chain[len("KUBE-SVC-"):]
            if not endpoints:
                plan.rule = f"KUBE-SERVICES DROP ({spn} has no local endpoints)"
                plan.fixed = _Outcome("timeout", "timeout", reason=f"no local endpoints on node {local_node}")
                return plan
        if spec.get("sessionAffinity") == "ClientIP":
            config = ((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {})
            plan.affinity = int(config.get("timeoutSeconds") or DEFAULT_AFFINITY_SECONDS)
        pods = self._pods_by_ip()
        for endpoint in endpoints:
            pod = pods.get(endpoint.ip)
            seen = self._seen_ip(client, node, pod, preserve=local_only and node is not None)
            host_node = self._node_by_ip(endpoint.ip) if pod is None else None
            if pod is not None:
                outcome = self._pod_outcome(pod, endpoint.ip, endpoint.port, path, seen, name)
            elif host_node is not None:  # the API server, or a hostNetwork pod
                outcome = self._node_outcome(client, host_node, endpoint.ip, endpoint.port, path)
            else:
                outcome = _Outcome("timeout", "timeout", reason=f"nothing answers at {endpoint.text}",
                                   endpoint={"ip": endpoint.ip, "port": endpoint.port, "pod": "",
                                             "node": endpoint.node})
            plan.choices.append((endpoint.text, outcome))
        return plan

    def _local_policy(self, spec: Obj, client: Client, receiving: str) -> tuple[bool, str]:
        """Whether only node-local endpoints may answer, and which node's."""
        if receiving:  # NodePort: externalTrafficPolicy, but pod and node-local sources go cluster-wide
            external = spec.get("externalTrafficPolicy") == "Local"
            from_inside = client.kind == "pod" or (client.kind == "node" and client.name == receiving)
            return external and not from_inside, receiving
        return spec.get("internalTrafficPolicy") == "Local", client.node

    def _node_plan(self, plan: _Plan, client: Client, node: Obj, ip: str, port: int, path: str) -> _Plan:
        name = node["metadata"]["name"]
        for svc in self.reader.list("Service"):
            for p in (svc.get("spec") or {}).get("ports") or ():
                if p.get("nodePort") == port and str(p.get("protocol", "TCP")) == "TCP":
                    return self._service_plan(plan, client, svc, ip, port, path, node)
        plan.target = {"kind": "node", "name": name, "ip": ip, "port": port}
        plan.fixed = self._node_outcome(client, node, ip, port, path)
        return plan

    def _node_outcome(self, client: Client, node: Obj, ip: str, port: int, path: str) -> _Outcome:
        """What listens on a node's own address: hostPort/hostNetwork pods, the kubelet, the API server."""
        name = node["metadata"]["name"]
        for pod in self.reader.list("Pod"):
            spec = pod.get("spec") or {}
            if spec.get("nodeName") != name or not (pod.get("status") or {}).get("podIP"):
                continue
            host_ports = {int(p.get("hostPort") or 0): int(p["containerPort"]) for c in spec.get("containers") or ()
                          for p in c.get("ports") or () if p.get("hostPort")}
            if port in host_ports or (spec.get("hostNetwork") and self._listens(pod, port)):
                pod_ip = pod["status"]["podIP"]
                return self._pod_outcome(pod, pod_ip, host_ports.get(port, port), path,
                                         self._seen_ip(client, node, pod), ip)
        if port == KUBELET_PORT or (port == APISERVER_PORT and self._is_control_plane(node)):
            component = "kubelet" if port == KUBELET_PORT else "kube-apiserver"
            return _Outcome(f"node/{name}", "answered", 400, HTTP_TO_HTTPS,
                            endpoint={"ip": ip, "port": port, "pod": "", "node": name, "process": component})
        return _Outcome("refused", "refused", reason=f"connection refused: nothing listens on {ip}:{port}",
                        endpoint={"ip": ip, "port": port, "pod": "", "node": name})

    # ---- drawing --------------------------------------------------------------------------------------------

    def _drawer(self, plan: _Plan, client: Client, now: float) -> Any:
        """A function returning (rule text, outcome) per request; all lookups are done before the loop."""
        if plan.fixed is not None:
            fixed = (plan.rule, plan.fixed)
            return lambda: fixed
        rng = self.rng
        choices = plan.choices
        n = len(choices)
        if plan.headless:
            rule = plan.rule
            return lambda: (rule, choices[rng.randrange(n)][1])
        if self.mode == "ipvs":
            return self._ipvs_drawer(plan, client, now)
        chain = plan.chain
        texts = [f"{chain} (iptables: random 1/{n - i})" for i in range(n)]
        last = n - 1

        def pick() -> tuple[str, _Outcome]:
            # mirrors the KUBE-SVC chain: rule i matches with probability 1/(n-i), the last one always
            for i in range(last):
                if rng.random() < 1.0 / (n - i):
                    return texts[i], choices[i][1]
            return texts[last], choices[last][1]

        if not plan.affinity:
            return pick
        return self._sticky(plan, client, now, pick, f"{chain} (iptables: ClientIP affinity, -m recent)")

    def _ipvs_drawer(self, plan: _Plan, client: Client, now: float) -> Any:
        choices = plan.choices
        n = len(choices)
        order = [text for text, _ in choices]
        by_text = {text: (f"TCP {plan.vip} (ipvs: rr {i + 1}/{n})", outcome)
                   for i, (text, outcome) in enumerate(choices)}
        positions = self.state.round_robin
        key = plan.key

        def pick() -> tuple[str, _Outcome]:
            # rr moves to the destination after the one used last, in the order kube-proxy added them
            previous = positions.get(key)
            nxt = next((t for t in order if previous is not None and t > previous), order[0])
            positions[key] = nxt
            return by_text[nxt]

        if not plan.affinity:
            return pick
        return self._sticky(plan, client, now, pick, f"TCP {plan.vip} (ipvs: persistent {plan.affinity})")

    def _sticky(self, plan: _Plan, client: Client, now: float, pick: Any, sticky_rule: str) -> Any:
        """ClientIP affinity: a remembered endpoint wins while it is usable and seen within the timeout."""
        table = self.state.affinity
        key = f"{plan.key}|{client.ip}"
        by_text = {text: outcome for text, outcome in plan.choices}
        timeout = plan.affinity
        text_of = {id(outcome): text for text, outcome in plan.choices}

        def draw() -> tuple[str, _Outcome]:
            entry = table.get(key)
            if entry is not None and entry[0] in by_text and now - float(entry[1]) <= timeout:
                entry[1] = now  # the KUBE-SEP chain's `-m recent --set` refreshes the entry
                return sticky_rule, by_text[entry[0]]
            rule, outcome = pick()
            table[key] = [text_of[id(outcome)], now]
            return rule, outcome

        return draw

    # ---- pods and endpoints ---------------------------------------------------------------------------------

    def _pod_outcome(self, pod: Obj, ip: str, port: int, path: str, seen_ip: str, host: str) -> _Outcome:
        """What the pod at ip:port answers, or why the connection is refused."""
        meta = pod["metadata"]
        endpoint = {"ip": ip, "port": port, "pod": meta["name"], "node": (pod.get("spec") or {}).get("nodeName", "")}
        for container in self._running_containers(pod):
            behavior = self.catalog.resolve(str(container.get("image", "")))
            if isinstance(behavior, PullFailure):
                continue
            answer = self.catalog.respond(behavior, container, port, path, pod, f"{seen_ip}:{PORT_MARK}",
                                          host=host)
            if answer is not None:
                return _Outcome(f"pod/{meta['name']}", "answered", answer[0], answer[1], endpoint=endpoint)
        return _Outcome("refused", "refused", reason=f"connection refused: nothing listens on {ip}:{port}",
                        endpoint=endpoint)

    def _listens(self, pod: Obj, port: int) -> bool:
        for container in self._running_containers(pod):
            behavior = self.catalog.resolve(str(container.get("image", "")))
            if not isinstance(behavior, PullFailure) and port in self.catalog.run(behavior, container).listens:
                return True
        return False

    @staticmethod
    def _running_containers(pod: Obj) -> list[Obj]:
        running = {s.get("name") for s in (pod.get("status") or {}).get("containerStatuses") or ()
                   if "running" in (s.get("state") or {})}
        return [c for c in (pod.get("spec") or {}).get("containers") or () if c.get("name") in running]

    def _endpoints(self, namespace: str, service: str, port_name: str) -> list[_Endpoint]:
        """The Service port's endpoints from its EndpointSlices, deduplicated, sorted by "ip:port"."""
        found: dict[str, _Endpoint] = {}
        for eps in self.reader.list("EndpointSlice", namespace, {"kubernetes.io/service-name": service}):
            number = next((p.get("port") for p in eps.get("ports") or ()
                           if str(p.get("name") or "") == port_name and str(p.get("protocol", "TCP")) == "TCP"), None)
            if not isinstance(number, int):
                continue
            for ep in eps.get("endpoints") or ():
                addresses = ep.get("addresses") or ()
                if not addresses:
                    continue
                cond = ep.get("conditions") or {}
                ready = cond.get("ready") is not False  # nil means ready
                serving = cond.get("serving", ready) is not False
                endpoint = _Endpoint(str(addresses[0]), number, str(ep.get("nodeName") or ""),
                                     str((ep.get("targetRef") or {}).get("name", "")), ready, serving,
                                     bool(cond.get("terminating")))
                found.setdefault(endpoint.text, endpoint)
        # mirrors endpointsMapFromEndpointInfo: sort.Sort(byEndpoint) compares "ip:port" strings
        return [found[k] for k in sorted(found)]

    @staticmethod
    def _usable(endpoints: list[_Endpoint]) -> list[_Endpoint]:
        """Ready endpoints; with none, serving terminating ones (ProxyTerminatingEndpoints)."""
        ready = [e for e in endpoints if e.ready]
        return ready or [e for e in endpoints if e.serving and e.terminating]

    def _pods_by_ip(self) -> dict[str, Obj]:
        pods: dict[str, Obj] = {}
        for pod in self.reader.list("Pod"):
            status = pod.get("status") or {}
            ip = status.get("podIP")
            if ip and status.get("phase") not in ("Succeeded", "Failed") and not (pod.get("spec") or {}).get(
                    "hostNetwork"):
                pods[str(ip)] = pod
        return pods

    # ---- addresses and names --------------------------------------------------------------------------------

    def _seen_ip(self, client: Client, node: Obj | None, pod: Obj | None, preserve: bool = False) -> str:
        """The source address the pod sees: NodePort traffic is masqueraded to the receiving node's IP
        (unless externalTrafficPolicy Local preserves it); pod and node sources keep their own."""
        if node is not None and not preserve:
            return self._node_ip(node)
        return client.ip

    def _resolve(self, client: Client, host: str) -> tuple[list[str], Obj | None] | None:
        """IPs for a host name as the client's resolver finds them; (ips, headless Service) or None."""
        try:
            ipaddress.IPv4Address(host)
            return [host], None
        except ValueError:
            pass
        if host == "localhost":
            return ([client.ip] if client.kind != "outside" else ["127.0.0.1"]), None
        if client.kind == "node":
            node = self.reader.get("Node", "", host)
            return ([self._node_ip(node)], None) if node is not None else None
        if client.kind != "pod":
            return None  # nodes and outside machines do not use the cluster's DNS
        name = host.rstrip(".")
        search = [f"{client.namespace}.svc.{self.domain}", f"svc.{self.domain}", self.domain]
        if host.endswith("."):
            candidates = [name]
        elif name.count(".") >= 5:  # ndots:5
            candidates = [name, *(f"{name}.{s}" for s in search)]
        else:
            candidates = [*(f"{name}.{s}" for s in search), name]
        for candidate in candidates:
            found = self._lookup(candidate)
            if found is not None:
                return found
        return None

    def _lookup(self, fqdn: str) -> tuple[list[str], Obj | None] | None:
        """CoreDNS's kubernetes plugin: <svc>.<ns>.svc.<domain> and <a-b-c-d>.<ns>.pod.<domain>."""
        suffix = "." + self.domain
        if not fqdn.endswith(suffix):
            return None
        parts = fqdn[: -len(suffix)].split(".")
        if len(parts) == 3 and parts[2] == "pod":
            ip = parts[0].replace("-", ".")
            try:
                ipaddress.IPv4Address(ip)
            except ValueError:
                return None
            return [ip], None
        if len(parts) != 3 or parts[2] != "svc":
            return None
        svc = self.reader.get("Service", parts[1], parts[0])
        if svc is None:
            return None
        spec = svc.get("spec") or {}
        if spec.get("type") == "ExternalName":
            return None  # a CNAME to a name outside the simulated cluster
        cluster_ip = str(spec.get("clusterIP") or "")
        if cluster_ip and cluster_ip != "None":
            return [cluster_ip], None
        ips = sorted({e.ip for eps in self.reader.list("EndpointSlice", parts[1],
                                                       {"kubernetes.io/service-name": parts[0]})
                      for e in self._slice_endpoints(eps) if e.ready})
        return (ips, svc) if ips else None

    @staticmethod
    def _slice_endpoints(eps: Obj) -> list[_Endpoint]:
        out = []
        for ep in eps.get("endpoints") or ():
            addresses = ep.get("addresses") or ()
            if addresses:
                cond = ep.get("conditions") or {}
                ready = cond.get("ready") is not False
                out.append(_Endpoint(str(addresses[0]), 0, str(ep.get("nodeName") or ""), "", ready, ready,
                                     bool(cond.get("terminating"))))
        return out

    def _service_by_ip(self, ip: str) -> Obj | None:
        if not self._in(ip, self.service_net):
            return None
        for svc in self.reader.list("Service"):
            spec = svc.get("spec") or {}
            if spec.get("clusterIP") == ip or ip in (spec.get("clusterIPs") or ()):
                return svc
        return None

    def _node_by_ip(self, ip: str) -> Obj | None:
        for node in self.reader.list("Node"):
            if self._node_ip(node) == ip:
                return node
        return None

    @staticmethod
    def _node_ip(node: Obj) -> str:
        for address in (node.get("status") or {}).get("addresses") or ():
            if address.get("type") == "InternalIP":
                return str(address.get("address", ""))
        return ""

    @staticmethod
    def _is_control_plane(node: Obj) -> bool:
        return "node-role.kubernetes.io/control-plane" in (node["metadata"].get("labels") or {})

    @staticmethod
    def _in(ip: str, net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
        try:
            return ipaddress.ip_address(ip) in net
        except ValueError:
            return False

    def _first_node(self) -> str:
        nodes = self.reader.list("Node")
        return str(nodes[0]["metadata"]["name"]) if nodes else ""

    # ---- rules ----------------------------------------------------------------------------------------------

    def _iptables_port_rules(self, svc: Obj, port: Obj, node: str, lines: list[tuple[str, str]],
                             filters: list[str]) -> None:
        """mirrors syncProxyRules for one Service port, as iptables-save prints the result."""
        meta, spec = svc["metadata"], svc.get("spec") or {}
        ns, name = meta["namespace"], meta["name"]
        port_name = str(port.get("name") or "")
        spn = f"{ns}/{name}:{port_name}" if port_name else f"{ns}/{name}"
        number, node_port = int(port.get("port", 0)), port.get("nodePort")
        cip = str(spec["clusterIP"])
        svc_chain = service_chain(spn)
        hash_ = svc_chain[len("KUBE-SVC-"):]
        ext_chain, svl_chain = "KUBE-EXT-" + hash_, "KUBE-SVL-" + hash_
        all_endpoints = self._usable(self._endpoints(ns, name, port_name))
        local = [e for e in all_endpoints if e.node == node]
        internal_local = spec.get("internalTrafficPolicy") == "Local"
        external_local = spec.get("externalTrafficPolicy") == "Local"
        affinity = 0
        if spec.get("sessionAffinity") == "ClientIP":
            affinity = int(((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}).get("timeoutSeconds")
                           or DEFAULT_AFFINITY_SECONDS)
        cluster_comment = f'-m comment --comment "{spn} cluster IP"'
        if not all_endpoints:
            filters.append(f'-A KUBE-SERVICES -d {cip}/32 -p tcp -m comment --comment "{spn} has no endpoints" '
                           f"-m tcp --dport {number} -j REJECT --reject-with icmp-port-unreachable")
            if node_port:
                filters.append(f'-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "{spn} has no endpoints" '
                               f"-m addrtype --dst-type LOCAL -m tcp --dport {node_port} "
                               "-j REJECT --reject-with icmp-port-unreachable")
            return
        internal_chain = svl_chain if internal_local else svc_chain
        if internal_local and not local:
            filters.append(f'-A KUBE-SERVICES -d {cip}/32 -p tcp -m comment --comment "{spn} has no local endpoints" '
                           f"-m tcp --dport {number} -j DROP")
        else:
            lines.append(("KUBE-SERVICES", f"-A KUBE-SERVICES -d {cip}/32 -p tcp {cluster_comment} -m tcp "
                                           f"--dport {number} -j {internal_chain}"))
        if node_port:
            if external_local and not local:
                filters.append(f'-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "{spn} has no local '
                               f'endpoints" -m addrtype --dst-type LOCAL -m tcp --dport {node_port} -j DROP')
            lines.append(("KUBE-NODEPORTS", f'-A KUBE-NODEPORTS -p tcp -m comment --comment "{spn}" -m tcp '
                                            f"--dport {node_port} -j {ext_chain}"))
            if external_local:
                lines += [
                    (ext_chain, f"-A {ext_chain} -s {self.cluster_cidr} -m comment --comment \"pod traffic for {spn} "
                                f'external destinations" -j {svc_chain}'),
                    (ext_chain, f'-A {ext_chain} -m comment --comment "masquerade LOCAL traffic for {spn} external '
                                'destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ'),
                    (ext_chain, f'-A {ext_chain} -m comment --comment "route LOCAL traffic for {spn} external '
                                f'destinations" -m addrtype --src-type LOCAL -j {svc_chain}'),
                    (ext_chain, f"-A {ext_chain} -j {svl_chain}"),
                ]
            else:
                lines += [
                    (ext_chain, f'-A {ext_chain} -m comment --comment "masquerade traffic for {spn} external '
                                'destinations" -j KUBE-MARK-MASQ'),
                    (ext_chain, f"-A {ext_chain} -j {svc_chain}"),
                ]
        lines.append((svc_chain, f"-A {svc_chain} ! -s {self.cluster_cidr} -d {cip}/32 -p tcp {cluster_comment} "
                                 f"-m tcp --dport {number} -j KUBE-MARK-MASQ"))
        self._balance(svc_chain, spn, all_endpoints, affinity, lines)
        if (internal_local or (node_port and external_local)) and local:
            self._balance(svl_chain, spn, local, affinity, lines)
        for endpoint in all_endpoints:
            sep = endpoint_chain(spn, endpoint.text)
            recent = f" -m recent --set --name {sep} --mask 255.255.255.255 --rsource" if affinity else ""
            lines += [
                (sep, f'-A {sep} -s {endpoint.ip}/32 -m comment --comment "{spn}" -j KUBE-MARK-MASQ'),
                (sep, f'-A {sep} -p tcp -m comment --comment "{spn}"{recent} -m tcp -j DNAT '
                      f"--to-destination {endpoint.text}"),
            ]

    @staticmethod
    def _balance(chain: str, spn: str, endpoints: list[_Endpoint], affinity: int,
                 lines: list[tuple[str, str]]) -> None:
        n = len(endpoints)
        if affinity:
            for endpoint in endpoints:
                sep = endpoint_chain(spn, endpoint.text)
                lines.append((chain, f'-A {chain} -m comment --comment "{spn} -> {endpoint.text}" -m recent --rcheck '
                                     f"--seconds {affinity} --reap --name {sep} --mask 255.255.255.255 --rsource "
                                     f"-j {sep}"))
        for i, endpoint in enumerate(endpoints):
            sep = endpoint_chain(spn, endpoint.text)
            statistic = f" -m statistic --mode random --probability {iptables_probability(n - i)}" if i < n - 1 else ""
            lines.append((chain, f'-A {chain} -m comment --comment "{spn} -> {endpoint.text}"{statistic} -j {sep}'))

    def _ipvs_rules(self, svc: Obj, node: str) -> list[str]:
        """`ipvsadm -Ln` entries for the Service's virtual servers on the node."""
        meta, spec = svc["metadata"], svc.get("spec") or {}
        lines: list[str] = []
        node_obj = self.reader.get("Node", "", node)
        node_ip = self._node_ip(node_obj) if node_obj is not None else ""
        affinity = ""
        if spec.get("sessionAffinity") == "ClientIP":
            timeout = int(((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}).get("timeoutSeconds")
                          or DEFAULT_AFFINITY_SECONDS)
            affinity = f" persistent {timeout}"
        for port in spec.get("ports") or ():
            if str(port.get("protocol", "TCP")) != "TCP":
                continue
            endpoints = self._usable(self._endpoints(meta["namespace"], meta["name"], str(port.get("name") or "")))
            virtuals = [f"{spec['clusterIP']}:{port['port']}"]
            if port.get("nodePort") and node_ip:
                virtuals.append(f"{node_ip}:{port['nodePort']}")
            for virtual in virtuals:
                lines.append(f"TCP  {virtual} rr{affinity}")
                lines += [f"  -> {e.text:<28} {'Masq':<7} {1:<6} {0:<10} {0:<10}" for e in endpoints]
        return lines
