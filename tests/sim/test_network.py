"""kube-proxy's model: what a learner's requests reach, and the rules `iptables-save` would show."""

import random
from typing import Any

from cluster.sim.images.catalog import Catalog
from cluster.sim.network.kubeproxy import (
    Client,
    Network,
    ProxyState,
    endpoint_chain,
    iptables_probability,
    service_chain,
)

HTTPD_PAGE = "<html><body><h1>It works!</h1></body></html>\n"


class FakeReader:
    """Hand-built Kubernetes-shaped objects behind the engine's reader protocol."""

    def __init__(self, *objs: dict[str, Any]) -> None:
        self.objs = list(objs)

    def get(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        return next((o for o in self.objs if o["kind"] == kind and o["metadata"]["name"] == name
                     and o["metadata"].get("namespace", "") == namespace), None)

    def list(self, kind: str, namespace: str | None = None, selector: dict[str, str] | None = None) -> list[dict]:
        return [o for o in self.objs if o["kind"] == kind
                and (namespace is None or o["metadata"].get("namespace", "") == namespace)
                and all((o["metadata"].get("labels") or {}).get(k) == v for k, v in (selector or {}).items())]


def node(name: str, ip: str, control_plane: bool = False) -> dict:
    labels = {"node-role.kubernetes.io/control-plane": ""} if control_plane else {}
    return {"kind": "Node", "metadata": {"name": name, "labels": labels},
            "status": {"addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}]}}


def pod(name: str, ip: str, node_name: str, image: str = "httpd", labels: dict | None = None, running: bool = True,
        **container: Any) -> dict:
    state = {"running": {"startedAt": "2026-11-24T10:00:00Z"}} if running else {"waiting": {"reason": "ErrImagePull"}}
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": labels or {"run": "httpd"}},
            "spec": {"nodeName": node_name, "containers": [{"name": "c", "image": image, **container}]},
            "status": {"phase": "Running", "podIP": ip,
                       "containerStatuses": [{"name": "c", "ready": running, "state": state}]}}


def service(name: str, cluster_ip: str, port: int = 8080, target: int = 80, **spec: Any) -> dict:
    ports = [{"port": port, "targetPort": target, "protocol": "TCP", **spec.pop("port_extra", {})}]
    return {"kind": "Service", "metadata": {"name": name, "namespace": "default"},
            "spec": {"clusterIP": cluster_ip, "clusterIPs": [cluster_ip], "ports": ports, "type": "ClusterIP",
                     "selector": {"run": "httpd"}, **spec}}


def endpoint_slice(svc: str, port: int, *endpoints: tuple, port_name: str | None = None) -> dict:
    return {"kind": "EndpointSlice", "metadata": {"name": f"{svc}-abcde", "namespace": "default",
                                                  "labels": {"kubernetes.io/service-name": svc}},
            "addressType": "IPv4", "ports": [{"name": port_name, "port": port, "protocol": "TCP"}],
            "endpoints": [{"addresses": [ip], "nodeName": n, "targetRef": {"kind": "Pod", "name": p},
                           "conditions": {"ready": ready, "serving": ready, "terminating": False}}
                          for ip, n, p, ready in endpoints]}


NODES = (node("podium-control-plane", "172.18.0.2", True), node("podium-worker", "172.18.0.3"),
         node("podium-worker2", "172.18.0.4"))
HTTPD_PODS = (pod("httpd-7c79c4bf97-x2k9p", "10.244.1.5", "podium-worker"),
              pod("httpd-7c79c4bf97-q8wzt", "10.244.2.4", "podium-worker2"))
HTTPD_SLICE = endpoint_slice("httpd-svc", 80, ("10.244.1.5", "podium-worker", "httpd-7c79c4bf97-x2k9p", True),
                             ("10.244.2.4", "podium-worker2", "httpd-7c79c4bf97-q8wzt", True))
CLIENT = Client("pod", "client", "10.244.1.3", "podium-worker")
NODE = Client("node", "podium-worker", "172.18.0.3", "podium-worker")
OUTSIDE = Client("outside", "outside", "203.0.113.10", "")


def network(*objs: dict, seed: int = 7, mode: str = "iptables", state: ProxyState | None = None) -> Network:
    return Network(FakeReader(*NODES, *objs), Catalog(), state or ProxyState(), random.Random(seed), mode=mode)


def seed_cluster(seed: int = 7, mode: str = "iptables", **spec: Any) -> Network:
    return network(*HTTPD_PODS, service("httpd-svc", "10.96.12.7", **spec), HTTPD_SLICE, seed=seed, mode=mode)


def test_curl_to_the_cluster_ip_reaches_an_httpd_pod_on_port_80():
    event = seed_cluster().route(CLIENT, "http://10.96.12.7:8080/", now=0.0, request_id=17)
    assert event["result"] == "answered"
    assert (event["status"], event["body"]) == (200, HTTPD_PAGE)
    assert event["endpoint"]["port"] == 80
    assert event["endpoint"]["pod"] in {"httpd-7c79c4bf97-x2k9p", "httpd-7c79c4bf97-q8wzt"}
    assert event["target"] == {"kind": "service", "namespace": "default", "name": "httpd-svc",
                               "ip": "10.96.12.7", "port": 8080}
    assert event["rule"].startswith(service_chain("default/httpd-svc") + " (iptables: random 1/")
    assert event["client"] == {"kind": "pod", "name": "client", "ip": "10.244.1.3", "node": "podium-worker"}
    assert set(event) == {"id", "client", "url", "target", "rule", "endpoint", "result", "status", "body", "reason"}
    assert event["id"] == 17 and event["url"] == "http://10.96.12.7:8080/"


def test_requests_spread_over_both_pods_about_evenly():
    hits, events = seed_cluster().route_many(CLIENT, "http://10.96.12.7:8080/", 4000, now=0.0, events=False)
    assert events == []
    assert set(hits) == {"pod/httpd-7c79c4bf97-x2k9p", "pod/httpd-7c79c4bf97-q8wzt"}
    assert all(1800 < count < 2200 for count in hits.values())


def test_the_first_rule_matches_half_the_time_and_the_last_catches_the_rest():
    _, events = seed_cluster().route_many(CLIENT, "http://10.96.12.7:8080/", 200, now=0.0)
    chain = service_chain("default/httpd-svc")
    by_rule = {(e["rule"], e["endpoint"]["ip"]) for e in events}
    # endpoints are walked in "ip:port" string order: 10.244.1.5:80 first, then 10.244.2.4:80
    assert by_rule == {(f"{chain} (iptables: random 1/2)", "10.244.1.5"), (f"{chain} (iptables: random 1/1)",
                                                                            "10.244.2.4")}


def test_the_same_seed_routes_the_same_way():
    first = seed_cluster(seed=3).route_many(CLIENT, "http://10.96.12.7:8080/", 50, now=0.0)[1]
    second = seed_cluster(seed=3).route_many(CLIENT, "http://10.96.12.7:8080/", 50, now=0.0)[1]
    other = seed_cluster(seed=4).route_many(CLIENT, "http://10.96.12.7:8080/", 50, now=0.0)[1]
    assert [e["endpoint"]["pod"] for e in first] == [e["endpoint"]["pod"] for e in second]
    assert [e["endpoint"]["pod"] for e in first] != [e["endpoint"]["pod"] for e in other]


def test_client_ip_affinity_sticks_until_the_timeout_passes():
    state = ProxyState()
    affinity = {"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}}
    net = network(*HTTPD_PODS, service("httpd-svc", "10.96.12.7", **affinity), HTTPD_SLICE, state=state)
    hits, events = net.route_many(CLIENT, "http://10.96.12.7:8080/", 100, now=0.0)
    assert len(hits) == 1
    assert events[1]["rule"].endswith("(iptables: ClientIP affinity, -m recent)")
    stuck = next(iter(hits))
    # the state survives a snapshot; within the timeout the same pod answers
    restored = ProxyState.from_dict(state.to_dict())
    net2 = network(*HTTPD_PODS, service("httpd-svc", "10.96.12.7", **affinity), HTTPD_SLICE, state=restored, seed=99)
    assert net2.route_many(CLIENT, "http://10.96.12.7:8080/", 20, now=59.0)[0] == {stuck: 20}
    # after 60 s without a request the entry has expired and the choice is drawn again
    later = {next(iter(net2.route_many(CLIENT, "http://10.96.12.7:8080/", 1, now=200.0 + 100 * i)[0]))
             for i in range(20)}
    assert len(later) == 2


def test_ipvs_round_robin_rotates_in_ip_port_string_order():
    pods = [pod(f"web-{i}", ip, "podium-worker") for i, ip in enumerate(("10.244.1.9", "10.244.1.10", "10.244.1.11"))]
    eps = endpoint_slice("httpd-svc", 80, *[(p["status"]["podIP"], "podium-worker", p["metadata"]["name"], True)
                                            for p in pods])
    net = network(*pods, service("httpd-svc", "10.96.12.7"), eps, mode="ipvs")
    _, events = net.route_many(CLIENT, "http://10.96.12.7:8080/", 6, now=0.0)
    assert [e["endpoint"]["ip"] for e in events] == ["10.244.1.10", "10.244.1.11", "10.244.1.9"] * 2
    assert events[0]["rule"] == "TCP 10.96.12.7:8080 (ipvs: rr 1/3)"
    # the position is kept across calls, as the kernel keeps it
    assert net.route(CLIENT, "http://10.96.12.7:8080/", now=1.0)["endpoint"]["ip"] == "10.244.1.10"


def test_a_service_without_endpoints_refuses_at_once():
    net = network(service("httpd-svc", "10.96.12.7"), endpoint_slice("httpd-svc", 80))
    event = net.route(CLIENT, "http://10.96.12.7:8080/", now=0.0)
    assert (event["result"], event["reason"], event["endpoint"]) == ("refused", "no endpoints", None)
    assert net.route_many(CLIENT, "http://10.96.12.7:8080/", 5, now=0.0, events=False)[0] == {"refused": 5}


def test_not_ready_endpoints_get_no_traffic_but_terminating_serving_ones_are_the_fallback():
    slice_ = endpoint_slice("httpd-svc", 80, ("10.244.1.5", "podium-worker", "httpd-7c79c4bf97-x2k9p", True),
                            ("10.244.2.4", "podium-worker2", "httpd-7c79c4bf97-q8wzt", False))
    hits, _ = network(*HTTPD_PODS, service("httpd-svc", "10.96.12.7"), slice_).route_many(
        CLIENT, "http://10.96.12.7:8080/", 50, now=0.0, events=False)
    assert hits == {"pod/httpd-7c79c4bf97-x2k9p": 50}
    terminating = endpoint_slice("httpd-svc", 80, ("10.244.1.5", "podium-worker", "httpd-7c79c4bf97-x2k9p", False))
    terminating["endpoints"][0]["conditions"] = {"ready": False, "serving": True, "terminating": True}
    hits, _ = network(*HTTPD_PODS, service("httpd-svc", "10.96.12.7"), terminating).route_many(
        CLIENT, "http://10.96.12.7:8080/", 5, now=0.0, events=False)
    assert hits == {"pod/httpd-7c79c4bf97-x2k9p": 5}


def test_a_wrong_target_port_is_refused_by_the_pod():
    slice_ = endpoint_slice("httpd-svc", 8080, ("10.244.1.5", "podium-worker", "httpd-7c79c4bf97-x2k9p", True))
    net = network(*HTTPD_PODS, service("httpd-svc", "10.96.12.7", target=8080), slice_)
    event = net.route(CLIENT, "http://10.96.12.7:8080/", now=0.0)
    assert event["result"] == "refused"
    assert event["reason"] == "connection refused: nothing listens on 10.244.1.5:8080"
    assert event["endpoint"] == {"ip": "10.244.1.5", "port": 8080, "pod": "httpd-7c79c4bf97-x2k9p",
                                 "node": "podium-worker"}


def test_a_port_the_service_does_not_have_times_out():
    event = seed_cluster().route(CLIENT, "http://10.96.12.7/", now=0.0)
    assert event["result"] == "timeout"
    assert "has no port 80" in event["reason"]


def test_pod_ips_answer_from_pods_and_nodes_even_when_not_ready_but_not_from_outside():
    net = seed_cluster()
    assert net.route(NODE, "http://10.244.2.4/", now=0.0)["body"] == HTTPD_PAGE
    assert net.route(CLIENT, "10.244.2.4:80", now=0.0)["result"] == "answered"
    event = net.route(OUTSIDE, "http://10.244.2.4/", now=0.0)
    assert (event["result"], event["reason"]) == ("timeout", "pod IPs are not reachable from outside the cluster")
    assert event["target"]["kind"] == "pod"


def test_a_cluster_ip_is_not_reachable_from_outside():
    event = seed_cluster().route(OUTSIDE, "http://10.96.12.7:8080/", now=0.0)
    assert event["result"] == "timeout"


def test_a_node_port_answers_from_outside_on_any_node():
    extra = {"type": "NodePort", "port_extra": {"nodePort": 30080}, "externalTrafficPolicy": "Cluster"}
    net = seed_cluster(**extra)
    for node_ip in ("172.18.0.2", "172.18.0.3", "172.18.0.4"):
        event = net.route(OUTSIDE, f"http://{node_ip}:30080/", now=0.0)
        assert (event["result"], event["body"]) == ("answered", HTTPD_PAGE)
        assert event["target"]["kind"] == "nodeport"


def test_external_traffic_policy_local_only_answers_on_nodes_with_a_local_endpoint():
    extra = {"type": "NodePort", "port_extra": {"nodePort": 30080}, "externalTrafficPolicy": "Local"}
    net = seed_cluster(**extra)
    assert net.route(OUTSIDE, "http://172.18.0.3:30080/", now=0.0)["endpoint"]["pod"] == "httpd-7c79c4bf97-x2k9p"
    event = net.route(OUTSIDE, "http://172.18.0.2:30080/", now=0.0)
    assert (event["result"], event["reason"]) == ("timeout", "no local endpoints on node podium-control-plane")


def test_service_names_resolve_from_pods_in_every_dns_form():
    net = seed_cluster()
    for host in ("httpd-svc", "httpd-svc.default", "httpd-svc.default.svc", "httpd-svc.default.svc.cluster.local",
                 "httpd-svc.default.svc.cluster.local."):
        event = net.route(CLIENT, f"http://{host}:8080/", now=0.0)
        assert event["target"]["ip"] == "10.96.12.7", host
        assert event["url"] == f"http://{host}:8080/"


def test_unknown_names_and_cluster_names_from_nodes_do_not_resolve():
    net = seed_cluster()
    for client, host in ((CLIENT, "foo"), (CLIENT, "httpd-svc.kube-system"), (NODE, "httpd-svc"),
                         (OUTSIDE, "httpd-svc.default.svc.cluster.local")):
        event = net.route(client, f"http://{host}:8080/", now=0.0)
        assert event["target"] == {"kind": "unresolved", "name": host, "port": 8080}
        assert event["reason"] == f"could not resolve host: {host}"
    assert net.route_many(NODE, "http://httpd-svc:8080/", 3, now=0.0)[0] == {"unresolved": 3}


def test_a_headless_service_name_resolves_to_a_ready_pod():
    headless = service("httpd-svc", "None", port=80)
    hits, events = network(*HTTPD_PODS, headless, HTTPD_SLICE).route_many(CLIENT, "http://httpd-svc/", 200, now=0.0)
    assert set(hits) == {"pod/httpd-7c79c4bf97-x2k9p", "pod/httpd-7c79c4bf97-q8wzt"}
    assert events[0]["rule"] == "DNS: headless Service, no proxy rule"


def test_agnhost_netexec_reports_the_pod_name_and_the_client_address():
    agnhost = pod("echo-0", "10.244.2.9", "podium-worker2", image="registry.k8s.io/e2e-test-images/agnhost:2.53",
                  args=["netexec", "--http-port=8080"])
    net = network(agnhost)
    assert net.route(CLIENT, "http://10.244.2.9:8080/hostname", now=0.0)["body"] == "echo-0"
    ip, _, port = net.route(CLIENT, "http://10.244.2.9:8080/clientip", now=0.0)["body"].partition(":")
    assert ip == "10.244.1.3" and 32768 <= int(port) <= 60999


def test_a_pod_whose_container_is_not_running_refuses_connections():
    broken = pod("web-0", "10.244.1.7", "podium-worker", running=False)
    event = network(broken).route(CLIENT, "http://10.244.1.7/", now=0.0)
    assert (event["result"], event["reason"]) == ("refused", "connection refused: nothing listens on 10.244.1.7:80")


def test_the_kubernetes_service_chain_has_the_well_known_name():
    assert service_chain("default/kubernetes:https") == "KUBE-SVC-NPX46M4PTMTKRN6Y"


def test_iptables_save_prints_probabilities_as_the_kernel_keeps_them():
    assert [iptables_probability(n) for n in (3, 2)] == ["0.33333333349", "0.50000000000"]


def test_rules_show_the_service_chain_its_endpoints_and_the_dnat():
    chain = service_chain("default/httpd-svc")
    sep1 = endpoint_chain("default/httpd-svc", "10.244.1.5:80")
    sep2 = endpoint_chain("default/httpd-svc", "10.244.2.4:80")
    blocks = {
        sep1: [f'-A {sep1} -s 10.244.1.5/32 -m comment --comment "default/httpd-svc" -j KUBE-MARK-MASQ',
               f'-A {sep1} -p tcp -m comment --comment "default/httpd-svc" -m tcp -j DNAT '
               "--to-destination 10.244.1.5:80"],
        sep2: [f'-A {sep2} -s 10.244.2.4/32 -m comment --comment "default/httpd-svc" -j KUBE-MARK-MASQ',
               f'-A {sep2} -p tcp -m comment --comment "default/httpd-svc" -m tcp -j DNAT '
               "--to-destination 10.244.2.4:80"],
        "KUBE-SERVICES": ['-A KUBE-SERVICES -d 10.96.12.7/32 -p tcp -m comment --comment "default/httpd-svc cluster '
                          f'IP" -m tcp --dport 8080 -j {chain}'],
        chain: [f'-A {chain} ! -s 10.244.0.0/16 -d 10.96.12.7/32 -p tcp -m comment --comment "default/httpd-svc '
                'cluster IP" -m tcp --dport 8080 -j KUBE-MARK-MASQ',
                f'-A {chain} -m comment --comment "default/httpd-svc -> 10.244.1.5:80" -m statistic --mode random '
                f"--probability 0.50000000000 -j {sep1}",
                f'-A {chain} -m comment --comment "default/httpd-svc -> 10.244.2.4:80" -j {sep2}'],
    }
    # iptables-save lists chains by name
    assert seed_cluster().rules("default", "httpd-svc") == [line for name in sorted(blocks) for line in blocks[name]]


def test_rules_reject_when_there_are_no_endpoints():
    net = network(service("httpd-svc", "10.96.12.7"), endpoint_slice("httpd-svc", 80))
    assert net.rules("default", "httpd-svc") == [
        '-A KUBE-SERVICES -d 10.96.12.7/32 -p tcp -m comment --comment "default/httpd-svc has no endpoints" -m tcp '
        "--dport 8080 -j REJECT --reject-with icmp-port-unreachable"]


def test_rules_with_client_ip_affinity_check_and_set_the_recent_list():
    rules = seed_cluster(sessionAffinity="ClientIP").rules("default", "httpd-svc")
    sep1 = endpoint_chain("default/httpd-svc", "10.244.1.5:80")
    assert f'-A {service_chain("default/httpd-svc")} -m comment --comment "default/httpd-svc -> 10.244.1.5:80" ' \
           f"-m recent --rcheck --seconds 10800 --reap --name {sep1} --mask 255.255.255.255 --rsource -j {sep1}" in rules
    assert f'-A {sep1} -p tcp -m comment --comment "default/httpd-svc" -m recent --set --name {sep1} ' \
           "--mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.244.1.5:80" in rules


def test_node_port_rules_jump_through_the_external_chain():
    rules = seed_cluster(type="NodePort", port_extra={"nodePort": 30080}).rules("default", "httpd-svc")
    ext = "KUBE-EXT-" + service_chain("default/httpd-svc")[len("KUBE-SVC-"):]
    assert f'-A KUBE-NODEPORTS -p tcp -m comment --comment "default/httpd-svc" -m tcp --dport 30080 -j {ext}' in rules
    assert f'-A {ext} -m comment --comment "masquerade traffic for default/httpd-svc external destinations" ' \
           "-j KUBE-MARK-MASQ" in rules


def test_ipvs_rules_list_the_virtual_server_and_its_real_servers():
    rules = seed_cluster(mode="ipvs").rules("default", "httpd-svc")
    assert rules == ["TCP  10.96.12.7:8080 rr",
                     "  -> 10.244.1.5:80                Masq    1      0          0         ",
                     "  -> 10.244.2.4:80                Masq    1      0          0         "]


def test_a_chain_name_matches_one_from_a_published_iptables_save():
    # a Service without a port name hashes "default/httpd-svc" + "tcp"
    assert service_chain("default/httpd-svc") == "KUBE-SVC-IYRDZZKXS5EOQ6Q6"


def test_the_kubernetes_service_reaches_the_api_server_on_the_control_plane():
    kubernetes = {"kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default"},
                  "spec": {"clusterIP": "10.96.0.1", "type": "ClusterIP",
                           "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}}
    eps = endpoint_slice("kubernetes", 6443, ("172.18.0.2", "", "", True), port_name="https")
    eps["metadata"]["name"] = "kubernetes"
    event = network(kubernetes, eps).route(CLIENT, "http://kubernetes.default:443/", now=0.0)
    assert (event["status"], event["body"]) == (400, "Client sent an HTTP request to an HTTPS server.\n")
    assert event["rule"] == "KUBE-SVC-NPX46M4PTMTKRN6Y (iptables: random 1/1)"
