"""The simulated cluster behaves as a kubeadm-built v1.32 cluster does, seen from a learner's side."""

from __future__ import annotations

import ipaddress
import json
import re

import pytest

from cluster.sim.apimachinery import errors
from cluster.sim.cluster import Cluster
from tests.sim.factories import NOW, cluster, deployment, pod, pods, ready_ips, seed_cluster, service


def test_a_fresh_cluster_looks_like_kubeadm_left_it():
    c = cluster()
    assert [n["metadata"]["name"] for n in c.store.list("Node")] == [
        "podium-control-plane", "podium-worker", "podium-worker2"]
    assert [n["spec"]["podCIDR"] for n in c.store.list("Node")] == ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]
    kubernetes = c.store.get("Service", "default", "kubernetes")
    assert kubernetes["spec"]["clusterIP"] == "10.96.0.1"
    assert kubernetes["spec"]["ports"][0] == {"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}
    assert c.store.get("Service", "kube-system", "kube-dns")["spec"]["clusterIP"] == "10.96.0.10"
    coredns = pods(c, "kube-system")
    assert len(coredns) == 2
    assert all(p["status"]["phase"] == "Running" for p in coredns)


def test_a_lesson_may_choose_the_service_range():
    c = cluster(service_cidr="10.68.0.0/16")
    assert c.store.get("Service", "default", "kubernetes")["spec"]["clusterIP"] == "10.68.0.1"
    c.api.apply(service())
    ip = c.store.get("Service", "default", "httpd-svc")["spec"]["clusterIP"]
    assert ipaddress.ip_address(ip) in ipaddress.ip_network("10.68.0.0/16")
    assert not ip.startswith("10.68.0.")  # dynamic picks avoid the static band


def test_a_deployment_names_its_replicaset_after_the_pod_template_hash():
    c = cluster()
    c.api.apply(deployment())
    c.advance_by(30)
    [rs] = c.store.list("ReplicaSet", "default")
    name = rs["metadata"]["name"]
    assert re.fullmatch(r"httpd-[4-9bcdf]{6,10}", name)
    hash_ = name.split("-", 1)[1]
    assert rs["metadata"]["labels"]["pod-template-hash"] == hash_
    for p in pods(c, run="httpd"):
        assert re.fullmatch(rf"{name}-[bcdfghjklmnpqrstvwxz2456789]{{5}}", p["metadata"]["name"])
        assert p["metadata"]["ownerReferences"][0]["name"] == name


def test_pods_go_through_pending_and_containercreating_to_running_with_ips_from_their_node():
    c = cluster()
    c.api.apply(deployment())
    phases = set()
    for _ in range(40):
        c.advance_by(0.25)
        for p in pods(c, run="httpd"):
            waiting = p["status"].get("containerStatuses", [{}])[0].get("state", {}).get("waiting", {})
            phases.add((p["status"].get("phase"), waiting.get("reason")))
    assert ("Pending", "ContainerCreating") in phases
    assert ("Running", None) in phases
    for p in pods(c, run="httpd"):
        node = c.store.get("Node", "", p["spec"]["nodeName"])
        assert ipaddress.ip_address(p["status"]["podIP"]) in ipaddress.ip_network(node["spec"]["podCIDR"])
        assert p["status"]["podIP"].endswith((".2", ".3", ".4", ".5"))


def test_the_scheduler_spreads_replicas_over_the_workers_and_never_uses_the_tainted_control_plane():
    c = cluster()
    c.api.apply(deployment(replicas=4))
    c.advance_by(30)
    nodes = sorted(p["spec"]["nodeName"] for p in pods(c, run="httpd"))
    assert nodes == ["podium-worker", "podium-worker", "podium-worker2", "podium-worker2"]


def test_deleting_a_pod_gives_the_replacement_a_new_name_and_ip_while_the_cluster_ip_stays():
    c = seed_cluster()
    svc_ip = c.store.get("Service", "default", "httpd-svc")["spec"]["clusterIP"]
    victim = pods(c, run="httpd")[0]
    c.api.delete("Pod", "default", victim["metadata"]["name"])
    c.advance_by(30)
    after = pods(c, run="httpd")
    assert len(after) == 2
    assert victim["metadata"]["name"] not in [p["metadata"]["name"] for p in after]
    assert victim["status"]["podIP"] not in [p["status"]["podIP"] for p in after]
    assert ready_ips(c) == sorted(p["status"]["podIP"] for p in after)
    assert c.store.get("Service", "default", "httpd-svc")["spec"]["clusterIP"] == svc_ip


def test_a_deleted_pod_is_terminating_for_as_long_as_its_image_takes_to_stop():
    c = seed_cluster()
    sleeper = pod("sleeper", "busybox")
    sleeper["spec"]["containers"][0]["command"] = ["sleep", "3600"]
    c.api.create(sleeper)
    c.advance_by(30)
    c.api.delete("Pod", "default", "sleeper")
    c.advance_by(29)
    assert c.store.get("Pod", "default", "sleeper")["metadata"]["deletionTimestamp"]
    c.advance_by(2)
    assert c.store.get("Pod", "default", "sleeper") is None


def test_the_service_selects_only_the_httpd_pods_not_the_nginx_pods_beside_them():
    c = seed_cluster()
    httpd_ips = sorted(p["status"]["podIP"] for p in pods(c, run="httpd"))
    assert ready_ips(c) == httpd_ips
    assert len(pods(c, app="nginx")) == 3
    [slice_] = c.store.list("EndpointSlice", "default", {"kubernetes.io/service-name": "httpd-svc"})
    assert sorted(e["addresses"][0] for e in slice_["endpoints"]) == httpd_ips
    assert slice_["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]


def test_a_terminating_pod_leaves_the_endpoints_at_once():
    c = seed_cluster()
    victim = pods(c, run="httpd")[0]
    c.api.delete("Pod", "default", victim["metadata"]["name"])
    c.settle()
    assert victim["status"]["podIP"] not in ready_ips(c)
    [slice_] = c.store.list("EndpointSlice", "default", {"kubernetes.io/service-name": "httpd-svc"})
    terminating = [e for e in slice_["endpoints"] if e["addresses"][0] == victim["status"]["podIP"]]
    assert terminating[0]["conditions"] == {"ready": False, "serving": True, "terminating": True}


def test_scaling_down_removes_the_youngest_pods_first():
    c = cluster()
    c.api.apply(deployment(replicas=2))
    c.advance_by(600)
    oldest = {p["metadata"]["name"] for p in pods(c, run="httpd")}
    c.api.scale("Deployment", "default", "httpd", 4)
    c.advance_by(30)
    c.api.scale("Deployment", "default", "httpd", 2)
    c.advance_by(30)
    assert {p["metadata"]["name"] for p in pods(c, run="httpd")} == oldest
    events = [e["message"] for e in c.store.list("Event", "default") if e["reason"] == "ScalingReplicaSet"]
    rs = c.store.list("ReplicaSet", "default")[0]["metadata"]["name"]
    assert f"Scaled up replica set {rs} to 4 from 2" in events
    assert f"Scaled down replica set {rs} to 2 from 4" in events


def test_a_rolling_update_keeps_enough_pods_available_and_surges_by_25_percent():
    c = cluster()
    c.api.apply(deployment(replicas=4))
    c.advance_by(60)
    c.api.apply(deployment(replicas=4, image="httpd:2.4"))
    worst_available, most_pods = 4, 4
    for _ in range(120):
        c.advance_by(0.5)
        d = c.store.get("Deployment", "default", "httpd")
        worst_available = min(worst_available, d["status"].get("availableReplicas", 0))
        most_pods = max(most_pods, len([p for p in pods(c, run="httpd") if not p["metadata"].get("deletionTimestamp")]))
    assert worst_available >= 3  # maxUnavailable 25% of 4 rounds down to 1
    assert most_pods <= 5  # maxSurge 25% of 4 rounds up to 1
    rss = sorted(c.store.list("ReplicaSet", "default"), key=lambda r: r["metadata"]["annotations"][
        "deployment.kubernetes.io/revision"])
    assert [r["spec"]["replicas"] for r in rss] == [0, 4]
    d = c.store.get("Deployment", "default", "httpd")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert {c["type"]: c["reason"] for c in d["status"]["conditions"]} == {
        "Available": "MinimumReplicasAvailable", "Progressing": "NewReplicaSetAvailable"}
    assert all(p["spec"]["containers"][0]["image"] == "httpd:2.4" for p in pods(c, run="httpd"))


def test_recreate_stops_every_old_pod_before_a_new_one_starts():
    c = cluster()
    c.api.apply(deployment(replicas=2, strategy={"type": "Recreate"}))
    c.advance_by(60)
    c.api.apply(deployment(replicas=2, image="httpd:2.4", strategy={"type": "Recreate"}))
    for _ in range(60):
        c.advance_by(0.5)
        images = {p["spec"]["containers"][0]["image"] for p in pods(c, run="httpd")}
        assert len(images) <= 1, "old and new pods never run side by side under Recreate"
    assert {p["spec"]["containers"][0]["image"] for p in pods(c, run="httpd")} == {"httpd:2.4"}


def test_a_pod_no_node_can_take_stays_pending_with_the_schedulers_reason():
    c = cluster()
    c.api.create(pod("ssd", nodeSelector={"disktype": "ssd"}))
    c.advance_by(10)
    p = c.store.get("Pod", "default", "ssd")
    assert p["status"]["phase"] == "Pending"
    assert "nodeName" not in p["spec"]
    [event] = [e for e in c.store.list("Event", "default") if e["reason"] == "FailedScheduling"]
    assert event["message"] == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling.")


def test_a_stale_resource_version_is_a_conflict():
    c = seed_cluster()
    svc = json.loads(json.dumps(c.store.get("Service", "default", "httpd-svc")))
    c.api.scale("Deployment", "default", "httpd", 3)
    d = json.loads(json.dumps(c.store.get("Deployment", "default", "httpd")))
    c.api.scale("Deployment", "default", "httpd", 4)
    d["spec"]["replicas"] = 5
    with pytest.raises(errors.ApiError) as caught:
        c.api.update(d)
    assert caught.value.code == 409
    assert caught.value.message == ('Operation cannot be fulfilled on deployments.apps "httpd": the object has been '
                                    "modified; please apply your changes to the latest version and try again")
    assert svc["metadata"]["resourceVersion"]


def test_a_cluster_ip_outside_the_range_is_refused_in_the_apiservers_words():
    c = cluster()
    with pytest.raises(errors.ApiError) as caught:
        c.api.create(service(clusterIP="10.0.0.10"))
    assert caught.value.code == 422
    assert caught.value.causes[0]["message"] == (
        'Invalid value: []string{"10.0.0.10"}: failed to allocate IP 10.0.0.10: the provided IP (10.0.0.10) is not '
        "in the valid range. The range of valid IPs is 10.96.0.0/12")
    assert c.store.get("Service", "default", "httpd-svc") is None


def test_node_ports_come_from_30000_32767_and_survive_a_reapply():
    c = cluster()
    c.api.apply(service(type="NodePort"))
    node_port = c.store.get("Service", "default", "httpd-svc")["spec"]["ports"][0]["nodePort"]
    assert 30086 <= node_port <= 32767
    assert c.api.apply(service(type="NodePort"))[0] == "unchanged"
    assert c.store.get("Service", "default", "httpd-svc")["spec"]["ports"][0]["nodePort"] == node_port


def test_apply_reports_created_then_unchanged_then_configured():
    c = cluster()
    assert c.api.apply(deployment())[0] == "created"
    c.advance_by(30)
    assert c.api.apply(deployment())[0] == "unchanged"
    assert c.api.apply(deployment(replicas=3))[0] == "configured"


def test_deleting_a_deployment_takes_its_replicasets_and_pods_with_it():
    c = seed_cluster()
    c.api.delete("Deployment", "default", "httpd")
    c.advance_by(60)
    assert c.store.list("ReplicaSet", "default", {"run": "httpd"}) == []
    assert pods(c, run="httpd") == []
    assert len(pods(c, app="nginx")) == 3


def test_the_same_seed_and_inputs_give_the_same_snapshot():
    def run() -> str:
        c = seed_cluster(seed=42)
        c.api.delete("Pod", "default", pods(c, run="httpd")[0]["metadata"]["name"])
        c.advance_by(45)
        return json.dumps(c.to_snapshot(), sort_keys=True)

    assert run() == run()


def test_uids_are_version_4_uuids_that_the_seed_fixes():
    # pinned: snapshots and screenshots saved before keep their uids
    assert cluster(7).store.get("Service", "default", "kubernetes")["metadata"]["uid"] == \
        "ae97ba94-d0ed-482f-8f6d-05584ef8aa38"
    uids = [p["metadata"]["uid"] for p in seed_cluster().store.list("Pod")]
    assert len(set(uids)) == len(uids)
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", u) for u in uids)


def test_a_snapshot_round_trip_continues_exactly_where_it_left_off():
    a = seed_cluster()
    b = Cluster.from_snapshot(json.loads(json.dumps(a.to_snapshot())))
    for c in (a, b):
        c.api.scale("Deployment", "default", "httpd", 3)
        c.advance_by(30)
    assert json.dumps(a.to_snapshot(), sort_keys=True) == json.dumps(b.to_snapshot(), sort_keys=True)


def test_advancing_an_idle_cluster_by_a_week_fires_only_the_timers_that_exist():
    c = seed_cluster()
    c.advance_by(3600 * 2)  # events expire after an hour
    pending = c.clock.pending()
    c.advance_by(7 * 24 * 3600)
    assert c.clock.pending() <= pending
    assert c.now == pytest.approx(NOW + 60 + 7200 + 7 * 24 * 3600)
    assert len(pods(c, run="httpd")) == 2


def test_an_exec_liveness_probe_restarts_the_container_once_its_file_is_gone():
    # pods/probe/exec-liveness.yaml from the Kubernetes docs
    c = cluster()
    liveness = pod("liveness-exec", "registry.k8s.io/busybox")
    liveness["spec"]["containers"][0].update({
        "args": ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
        "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5,
                          "periodSeconds": 5},
    })
    c.api.create(liveness)
    c.advance_by(25)
    status = c.store.get("Pod", "default", "liveness-exec")["status"]["containerStatuses"][0]
    assert status["restartCount"] == 0
    c.advance_by(30)
    messages = [e["message"] for e in c.store.list("Event", "default") if e["reason"] in ("Unhealthy", "Killing")]
    assert "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n" in messages
    assert "Container liveness failed liveness probe, will be restarted" in messages
    c.advance_by(30)
    assert c.store.get("Pod", "default", "liveness-exec")["status"]["containerStatuses"][0]["restartCount"] >= 1


def test_every_namespace_gets_the_cluster_ca_configmap_that_token_volumes_mount():
    c = cluster()
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "lab"}})
    c.settle()
    for ns in ("default", "kube-system", "lab"):
        cm = c.store.get("ConfigMap", ns, "kube-root-ca.crt")
        assert cm["data"]["ca.crt"].startswith("-----BEGIN CERTIFICATE-----\n")
    c.api.delete("ConfigMap", "lab", "kube-root-ca.crt")
    c.settle()
    assert c.store.get("ConfigMap", "lab", "kube-root-ca.crt") is not None  # published again
