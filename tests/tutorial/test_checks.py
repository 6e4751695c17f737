"""Checks read a real cluster, name what is missing in the learner's words, and never change the cluster."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from tests.sim.factories import cluster, deployment, seed_cluster, service
from tutorial.checks import REGISTRY, parse_path, run_check, validate_params
from tutorial.models import Check, Lesson, Step


def test_every_registered_check_has_a_stable_id_and_documented_parameters():
    assert {"object_exists", "ready_endpoints", "pods_ready", "deployment_available", "traffic_answered_by",
            "service_type", "no_endpoints", "image_is", "pod_replaced", "object_absent"} <= set(REGISTRY)
    for kind in REGISTRY.values():
        assert kind.summary and all(p.name and p.type for p in kind.params)


@pytest.mark.parametrize(("kind", "params", "problem"), [
    ("object_exists", {"kind": "Servcie", "name": "x"}, "kind must be one of the simulated kinds"),
    ("object_exists", {"kind": "Service"}, "name is required"),
    ("object_exists", {"kind": "Service", "name": "x", "fields": {"spec..ports": 1}}, "cannot be read: spec..ports"),
    ("ready_endpoints", {"service": "web", "count": "2"}, "count must be a whole number"),
    ("ready_endpoints", {"service": "web", "count": 2, "colour": "red"}, "unknown parameter 'colour'"),
    ("pods_ready", {"selector": "app=web", "count": 1}, "selector must be a non-empty object of label strings"),
    ("traffic_answered_by", {"from": "laptop", "url": "http://web/", "labels": {"app": "web"}}, "from must be"),
    ("traffic_answered_by", {"from": "outside", "url": "http://web/"}, "labels is required"),
    ("traffic_answered_by", {"from": "node", "url": "http://{svc:web}/", "labels": {"a": "b"}}, "unknown placeholder"),
    ("traffic_answered_by", {"from": "pod", "url": "http://web/", "labels": {"a": "b"}}, "needs from_labels"),
    ("no_such_check", {}, "unknown check 'no_such_check'"),
])
def test_it_explains_bad_parameters(kind, params, problem):
    problems = validate_params(kind, params)
    assert any(problem in p for p in problems), problems


def test_field_paths_read_like_api_error_paths():
    assert parse_path("spec.ports[0].port") == ["spec", "ports", 0, "port"]
    assert parse_path("metadata.labels['app.kubernetes.io/name']") == ["metadata", "labels", "app.kubernetes.io/name"]
    assert parse_path("spec..x") is None


def test_object_exists_names_the_field_that_differs():
    c = cluster()
    c.api.apply(service(port=80))
    finding = run_check("object_exists", c, {"kind": "Service", "name": "httpd-svc",
                                             "fields": {"spec.ports[0].port": 8080}})
    assert not finding.passed
    assert finding.detail == 'Service "httpd-svc" has spec.ports[0].port: 80; it should be 8080.'
    missing = run_check("object_exists", c, {"kind": "Service", "name": "web"})
    assert missing.detail == 'There is no Service "web" in namespace default yet.'


def test_the_seed_service_has_two_ready_endpoints_and_ignores_the_nginx_pods():
    c = seed_cluster()
    assert run_check("ready_endpoints", c, {"service": "httpd-svc", "count": 2}).passed
    three = run_check("ready_endpoints", c, {"service": "httpd-svc", "count": 3})
    assert three.detail == 'Service "httpd-svc" has 2 ready endpoints; 3 wanted.'
    assert run_check("pods_ready", c, {"selector": {"app": "nginx"}, "count": 3}).passed


def test_a_deployment_is_available_only_once_its_rollout_is_done():
    c = cluster()
    c.api.apply(deployment("web", 2, "nginx", {"app": "web"}))
    c.settle()
    waiting = run_check("deployment_available", c, {"name": "web"})
    assert not waiting.passed and waiting.detail.startswith('Waiting for deployment "web" rollout to finish')
    c.advance_by(60)
    assert run_check("deployment_available", c, {"name": "web", "replicas": 2}).passed
    assert run_check("image_is", c, {"deployment": "web", "image": "nginx"}).passed
    assert not run_check("image_is", c, {"deployment": "web", "image": "nginx:1.27"}).passed


def test_a_request_check_routes_through_kube_proxy_and_leaves_the_cluster_untouched():
    c = seed_cluster()
    before = json.dumps(c.to_snapshot(), sort_keys=True)
    params = {"from": "node", "url": "http://{service:httpd-svc}:8080/", "labels": {"run": "httpd"}, "min_pods": 2}
    assert run_check("traffic_answered_by", c, params).passed
    nginx = run_check("traffic_answered_by", c, {**params, "labels": {"app": "nginx"}})
    assert not nginx.passed and "which is not labelled app=nginx" in nginx.detail
    assert json.dumps(c.to_snapshot(), sort_keys=True) == before
    assert c.traffic == []


def test_a_pod_ip_times_out_from_outside_and_answers_from_a_node():
    c = seed_cluster()
    url = "http://{pod:run=httpd}/"
    assert run_check("traffic_answered_by", c, {"from": "outside", "url": url, "expect": "timeout"}).passed
    assert run_check("traffic_answered_by", c, {"from": "node", "url": url, "labels": {"run": "httpd"}}).passed


def test_a_request_check_passes_only_once_the_learner_has_sent_that_request():
    from cluster.sim.teaching.traffic import send

    c = seed_cluster()
    params = {"from": "outside", "to": "pod", "labels": {"run": "httpd"}, "expect": "timeout"}
    before = run_check("request_seen", c, params)
    assert not before.passed
    assert before.detail == "No request from outside to a pod labelled run=httpd has timed out yet: send one."
    pod_ip = c.store.list("Pod", "default", {"run": "httpd"})[0]["status"]["podIP"]
    send(c, "outside", f"http://{pod_ip}/", 1)
    assert run_check("request_seen", c, params).passed
    assert not run_check("request_seen", c, dict(params, expect="answered")).passed


def test_a_url_placeholder_that_cannot_be_filled_fails_the_check_with_a_reason():
    c = cluster()
    finding = run_check("traffic_answered_by", c, {"from": "node", "url": "http://{service:web}/",
                                                   "labels": {"app": "web"}})
    assert not finding.passed and finding.detail == 'There is no Service "web" yet.'


def test_deleting_a_pod_of_a_deployment_is_noticed_once_it_is_replaced():
    c = seed_cluster()
    assert not run_check("pod_replaced", c, {"deployment": "httpd"}).passed
    victim = c.store.list("Pod", "default", {"run": "httpd"})[0]["metadata"]["name"]
    c.api.delete("Pod", "default", victim)
    c.advance_by(60)
    finding = run_check("pod_replaced", c, {"deployment": "httpd"})
    assert finding.passed and victim in finding.detail


@pytest.mark.django_db
def test_the_admin_refuses_a_check_with_bad_parameters_in_the_authors_words():
    lesson = Lesson.objects.create(slug="mine", title="Mine")
    step = Step.objects.create(lesson=lesson, order=1, title="One")
    bad = Check(step=step, check_id="eps", title="eps", kind="ready_endpoints", params={"service": "web"})
    with pytest.raises(ValidationError) as err:
        bad.full_clean()
    assert err.value.message_dict["params"] == ["count is required: how many ready endpoints it must have"]
    Check.objects.create(step=step, check_id="eps", title="eps", kind="ready_endpoints",
                         params={"service": "web", "count": 1})
    other = Step.objects.create(lesson=lesson, order=2, title="Two")
    twin = Check(step=other, check_id="eps", title="again", kind="no_endpoints", params={"service": "web"})
    with pytest.raises(ValidationError) as err:
        twin.full_clean()
    assert "already has a check 'eps'" in err.value.message_dict["check_id"][0]


@pytest.mark.django_db
def test_the_admin_refuses_bad_actions_and_unknown_cluster_settings():
    lesson = Lesson(slug="x", title="X", settings={"seed": 1, "colour": "red", "service_cidr": "10.68.0.0/33"})
    with pytest.raises(ValidationError) as err:
        lesson.full_clean()
    assert any("unknown setting 'colour'" in p for p in err.value.message_dict["settings"])
    assert any("service_cidr" in p for p in err.value.message_dict["settings"])
    step = Step(lesson=Lesson.objects.create(slug="y", title="Y"), order=1, title="S",
                actions=[{"label": "Go", "kind": "exec", "payload": "x"}], solution=[{"apply": "kind: Nope\n"}])
    with pytest.raises(ValidationError) as err:
        step.full_clean()
    assert err.value.message_dict["actions"] == ["action 1: kind must be \"load\" or \"run\", not 'exec'"]
    assert "apiVersion not set" in err.value.message_dict["solution"][0]

