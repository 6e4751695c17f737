"""The "why" panel: which pods a Service's selector picks, which endpoints are ready, and why not."""

from __future__ import annotations

from typing import Any

import pytest

from cluster.sim.apimachinery import errors
from cluster.sim.teaching.why import why
from tests.sim.factories import deployment, pod, pods, seed_cluster, service


def rows_by_name(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in answer["pods"]}


def test_the_selector_picks_the_httpd_pods_and_ignores_the_nginx_ones() -> None:
    c = seed_cluster()

    answer = why(c, "default", "httpd-svc")

    assert answer["service"] == {"namespace": "default", "name": "httpd-svc"}
    assert answer["selector"] == {"run": "httpd"}
    httpd = [p["metadata"]["name"] for p in pods(c, run="httpd")]
    nginx = [p["metadata"]["name"] for p in pods(c, app="nginx")]
    assert [r["name"] for r in answer["pods"]] == sorted(httpd + nginx), "every pod in the namespace, by name"
    rows = rows_by_name(answer)
    for name in httpd:
        assert rows[name]["match"] and rows[name]["ready"]
        assert rows[name]["labels_checked"] == [{"key": "run", "want": "httpd", "have": "httpd", "ok": True}]
        assert rows[name]["reason"] == ""
    for name in nginx:
        assert rows[name]["match"] is False
        assert rows[name]["labels_checked"] == [{"key": "run", "want": "httpd", "have": None, "ok": False}]
        assert rows[name]["labels"] == {"app": "nginx", "pod-template-hash": rows[name]["labels"]["pod-template-hash"]}


def test_the_endpoints_are_the_httpd_pods_ips_on_the_target_port() -> None:
    c = seed_cluster()

    answer = why(c, "default", "httpd-svc")

    expected = sorted(((p["status"]["podIP"], p["metadata"]["name"]) for p in pods(c, run="httpd")),
                      key=lambda t: tuple(int(x) for x in t[0].split(".")))
    assert [(e["ip"], e["pod"]) for e in answer["endpoints"]] == expected
    assert {(e["port"], e["ready"], e["serving"], e["terminating"]) for e in answer["endpoints"]} == {
        (80, True, True, False)}
    assert {r["ip"] for r in answer["pods"] if r["match"]} == {ip for ip, _ in expected}


def test_a_label_with_the_wrong_value_is_named() -> None:
    c = seed_cluster()
    c.api.create(pod("impostor", image="httpd", labels={"run": "httpd2"}))
    c.advance_by(30)

    row = rows_by_name(why(c, "default", "httpd-svc"))["impostor"]

    assert row["match"] is False
    assert row["labels_checked"] == [{"key": "run", "want": "httpd", "have": "httpd2", "ok": False}]
    assert row["ready"] is True, "ready, but not selected: the Service never sends it traffic"


def test_a_killed_pod_is_terminating_until_it_is_gone() -> None:
    c = seed_cluster()
    victim = pods(c, run="httpd")[0]
    name, ip = victim["metadata"]["name"], victim["status"]["podIP"]
    c.api.delete("Pod", "default", name)
    c.settle()

    answer = why(c, "default", "httpd-svc")

    row = rows_by_name(answer)[name]
    assert (row["match"], row["ready"], row["reason"]) == (True, False, "terminating")
    endpoint = next(e for e in answer["endpoints"] if e["ip"] == ip)
    assert (endpoint["ready"], endpoint["terminating"]) == (False, True)


def test_a_pod_whose_readiness_probe_fails_is_not_ready() -> None:
    c = seed_cluster()
    probe = {"httpGet": {"path": "/", "port": 8081}, "periodSeconds": 2, "failureThreshold": 1}
    c.api.apply(deployment("probed", 1, "httpd", container={"readinessProbe": probe}))
    c.api.apply(service("probed-svc", selector={"run": "probed"}))
    c.advance_by(60)

    answer = why(c, "default", "probed-svc")

    row = next(r for r in answer["pods"] if r["match"])
    assert row["ready"] is False
    assert row["reason"].startswith("readiness probe failing")
    assert [(e["ready"], e["serving"]) for e in answer["endpoints"]] == [(False, False)]


def test_a_named_target_port_the_pods_do_not_have() -> None:
    c = seed_cluster()
    c.api.apply(service("named-svc", target_port="http"))
    c.settle()

    answer = why(c, "default", "named-svc")

    assert answer["endpoints"] == []
    assert {r["reason"] for r in answer["pods"] if r["match"]} == {"no port named http"}


def test_a_service_without_a_selector_selects_nothing() -> None:
    c = seed_cluster()

    answer = why(c, "default", "kubernetes")

    assert answer["selector"] == {}
    assert not any(r["match"] for r in answer["pods"])


def test_a_missing_service_is_a_not_found_error() -> None:
    c = seed_cluster()

    with pytest.raises(errors.ApiError) as caught:
        why(c, "default", "nope")

    assert (caught.value.code, caught.value.message) == (404, 'services "nope" not found')


def test_the_rules_show_kube_proxy_spreading_over_the_ready_endpoints() -> None:
    c = seed_cluster()
    cluster_ip = c.store.get("Service", "default", "httpd-svc")["spec"]["clusterIP"]

    rules = why(c, "default", "httpd-svc")["rules"]

    entry = [r for r in rules if r.startswith("-A KUBE-SERVICES ")]
    assert len(entry) == 1 and f"-d {cluster_ip}/32" in entry[0] and "--dport 8080" in entry[0]
    chain = entry[0].split(" -j ")[-1]
    assert chain.startswith("KUBE-SVC-")
    spread = [r for r in rules if r.startswith(f"-A {chain} ") and " -> " in r]
    assert [r.split(" -> ")[1].split('"')[0] for r in spread] == [
        f"{p['status']['podIP']}:80" for p in sorted(pods(c, run="httpd"), key=lambda p: p["status"]["podIP"])], "one rule per ready pod"


def test_with_no_endpoints_the_rules_reject_connections() -> None:
    c = seed_cluster()
    c.api.scale("Deployment", "default", "httpd", 0)
    c.advance_by(60)

    answer = why(c, "default", "httpd-svc")

    assert answer["endpoints"] == []
    assert any(r.endswith("-j REJECT --reject-with icmp-port-unreachable") and "has no endpoints" in r
               for r in answer["rules"])
