"""Invariants that hold whatever a learner does, stated in English and checked with hypothesis."""

from __future__ import annotations

import ipaddress
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster.sim.apimachinery import errors
from cluster.sim.apiserver.pods import is_ready
from cluster.sim.controllers.podutil import is_active
from tests.sim.factories import cluster, deployment, service

NAMES = ["web", "api"]
actions = st.lists(
    st.one_of(
        st.tuples(st.just("apply"), st.sampled_from(NAMES), st.integers(0, 4), st.sampled_from(["httpd", "nginx"])),
        st.tuples(st.just("scale"), st.sampled_from(NAMES), st.integers(0, 5)),
        st.tuples(st.just("delete_deployment"), st.sampled_from(NAMES)),
        st.tuples(st.just("kill_pod"), st.integers(0, 10)),
        st.tuples(st.just("service"), st.sampled_from(NAMES), st.sampled_from(["ClusterIP", "NodePort"])),
        st.tuples(st.just("delete_service"), st.sampled_from(NAMES)),
        st.tuples(st.just("advance"), st.sampled_from([0.3, 1, 5, 40])),
    ),
    max_size=14,
)


def play(seed: int, steps: list[tuple]) -> object:
    c = cluster(seed)
    for step in steps:
        kind = step[0]
        try:
            if kind == "apply":
                c.api.apply(deployment(step[1], step[2], step[3], {"app": step[1]}))
            elif kind == "scale":
                c.api.scale("Deployment", "default", step[1], step[2])
            elif kind == "delete_deployment":
                c.api.delete("Deployment", "default", step[1])
            elif kind == "kill_pod":
                live = [p for p in c.store.list("Pod", "default") if is_active(p)]
                if live:
                    c.api.delete("Pod", "default", live[step[1] % len(live)]["metadata"]["name"])
            elif kind == "service":
                c.api.apply(service(f"{step[1]}-svc", {"app": step[1]}, type=step[2]))
            elif kind == "delete_service":
                c.api.delete("Service", "default", f"{step[1]}-svc")
            else:
                c.advance_by(step[1])
        except errors.ApiError as err:
            assert err.code in (404, 409, 422)
    c.advance_by(120)
    return c


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), steps=actions)
def test_once_settled_the_cluster_keeps_its_promises(seed, steps):
    c = play(seed, steps)
    pods = c.store.list("Pod")
    # each ReplicaSet has spec.replicas active pods
    for rs in c.store.list("ReplicaSet"):
        mine = [p for p in c.store.owned("Pod", rs["metadata"]["uid"]) if is_active(p)]
        assert len(mine) == rs["spec"]["replicas"], rs["metadata"]["name"]
    # a Service's endpoints are exactly its ready matching pods
    for svc in c.store.list("Service", "default"):
        selector = svc["spec"].get("selector")
        if not selector:
            continue
        want = sorted(p["status"]["podIP"] for p in pods
                      if p["metadata"]["namespace"] == "default" and is_ready(p) and is_active(p)
                      and all((p["metadata"].get("labels") or {}).get(k) == v for k, v in selector.items()))
        ep = c.store.get("Endpoints", "default", svc["metadata"]["name"]) or {}
        have = sorted(a["ip"] for s in ep.get("subsets") or [] for a in s.get("addresses") or [])
        assert have == want, svc["metadata"]["name"]
    # no two pods share an IP
    ips = [p["status"]["podIP"] for p in pods if p.get("status", {}).get("podIP") and not p["spec"].get("hostNetwork")]
    assert len(ips) == len(set(ips))
    # ClusterIPs are unique and in range
    cluster_ips = [s["spec"]["clusterIP"] for s in c.store.list("Service") if s["spec"].get("clusterIP") != "None"]
    assert len(cluster_ips) == len(set(cluster_ips))
    network = ipaddress.ip_network(c.settings.service_cidr)
    assert all(ipaddress.ip_address(ip) in network for ip in cluster_ips)
    node_ports = [p["nodePort"] for s in c.store.list("Service") for p in s["spec"]["ports"] if p.get("nodePort")]
    assert len(node_ports) == len(set(node_ports))
    assert all(30000 <= n <= 32767 for n in node_ports)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), steps=actions)
def test_the_same_seed_and_inputs_give_the_same_snapshot(seed, steps):
    first = json.dumps(play(seed, steps).to_snapshot(), sort_keys=True)
    second = json.dumps(play(seed, steps).to_snapshot(), sort_keys=True)
    assert first == second
