"""kubectl describe as a learner sees it, against golden files."""

from __future__ import annotations

import pytest

from cluster.sim.kubectl.describe import describe, describe_probe
from tests.sim.test_printers import NOW, RS, FakeReader, cluster, one

DESCRIBES = [
    ("pod-nginx.txt", "Pod", "nginx"),
    ("pod-crashy.txt", "Pod", "crashy"),
    ("pod-broken.txt", "Pod", "broken"),
    ("pod-leaving.txt", "Pod", "leaving"),
    ("deployment-httpd.txt", "Deployment", "httpd"),
    ("replicaset-httpd.txt", "ReplicaSet", RS),
    ("service-httpd-svc.txt", "Service", "httpd-svc"),
    ("service-web-lb.txt", "Service", "web-lb"),
    ("service-web-np.txt", "Service", "web-np"),
    ("endpoints-httpd-svc.txt", "Endpoints", "httpd-svc"),
    ("endpointslice-httpd-svc.txt", "EndpointSlice", "httpd-svc-x7k2p"),
    ("node-podium-worker.txt", "Node", "podium-worker"),
    ("node-podium-control-plane.txt", "Node", "podium-control-plane"),
    ("namespace-default.txt", "Namespace", "default"),
    ("configmap-httpd-config.txt", "ConfigMap", "httpd-config"),
    ("secret-db-password.txt", "Secret", "db-password"),
]


@pytest.mark.parametrize(("golden_name", "kind", "name"), DESCRIBES, ids=[d[0] for d in DESCRIBES])
def test_kubectl_describe_prints_what_kubectl_prints(golden, golden_name, kind, name):
    objs = cluster()
    golden(f"describe/{golden_name}", describe(kind, one(kind, name), FakeReader(objs), NOW))


def test_a_service_without_endpoints_reads_none():
    objs = [o for o in cluster() if o["kind"] != "EndpointSlice"]
    text = describe("Service", one("Service", "httpd-svc"), FakeReader(objs), NOW)
    assert "Endpoints:                <none>\n" in text


def test_a_service_whose_endpoints_are_not_ready_lists_nothing():
    objs = cluster()
    for obj in objs:
        if obj["kind"] == "EndpointSlice":
            for ep in obj["endpoints"]:
                ep["conditions"]["ready"] = False
    text = describe("Service", one("Service", "httpd-svc"), FakeReader(objs), NOW)
    assert "Endpoints:                \n" in text


def test_an_object_without_events_says_none():
    objs = [o for o in cluster() if o["kind"] != "Event"]
    text = describe("Pod", one("Pod", "nginx"), FakeReader(objs), NOW)
    assert text.endswith("Events:                      <none>\n")


def test_repeated_events_show_count_and_first_seen():
    text = describe("Pod", one("Pod", "crashy"), FakeReader(cluster()), NOW)
    assert "  Warning  BackOff    30s (x17 over 4m30s)  kubelet            Back-off restarting" in text


def test_probes_read_like_kubectl():
    probe = {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "initialDelaySeconds": 5,
             "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert describe_probe(probe) == "http-get http://:8080/healthz delay=5s timeout=1s period=10s #success=1 #failure=3"
    assert describe_probe({"tcpSocket": {"port": 80}}) == (
        "tcp-socket :80 delay=0s timeout=1s period=10s #success=1 #failure=3")
    assert describe_probe({"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 5}) == (
        "exec [cat /tmp/ready] delay=0s timeout=1s period=5s #success=1 #failure=3")


def test_long_annotations_are_wrapped_and_last_applied_is_hidden():
    pod = one("Pod", "nginx")
    pod["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": "{}\n",
                                      "note": "x" * 150}
    text = describe("Pod", pod, FakeReader([]), NOW)
    assert "Annotations:      note:\n                    " + "x" * 138 + "...\n" in text
    assert "last-applied" not in text
