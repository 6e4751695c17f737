"""Hostile requests to a sandbox's Kubernetes API: each gets a JSON Status in the apiserver's words, quickly, and
leaves the sandbox as it was."""

from __future__ import annotations

import json
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient, Client

from cluster import runtime
from cluster.models import Sandbox
from cluster.sim.apiserver.merge import JSON_PATCH_MAX_COPY_BYTES
from cluster.sim.settings import Settings

CONFIGMAPS = "/k8s/hostile/api/v1/namespaces/default/configmaps"
DEPLOYMENTS = "/k8s/hostile/apis/apps/v1/namespaces/default/deployments"
CONFIGMAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"colour": "blue"}}
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}


@pytest.fixture
def sandbox(db) -> Sandbox:
    row = runtime.create_sandbox("hostile", settings=Settings(time_scale=0.05))
    runtime.act("hostile", lambda c: c.api.create(json.loads(json.dumps(CONFIGMAP))))
    return Sandbox.objects.get(pk=row.pk)


def api(sandbox: Sandbox) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {sandbox.token}", raise_request_exception=False)


def version(sandbox: Sandbox) -> int:
    return int(Sandbox.objects.values_list("version", flat=True).get(pk=sandbox.pk))


def refused(response, code: int) -> dict:
    """The response is a JSON Status with this code (never Django's HTML error page)."""
    assert response["Content-Type"] == "application/json", response.content[:200]
    status = response.json()
    assert (response.status_code, status["kind"], status["status"], status["code"]) == (code, "Status", "Failure",
                                                                                         code)
    return status


def test_a_yaml_alias_bomb_is_refused_at_once_like_on_the_websocket(sandbox):
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: bomb}", "data:", '  a: &a "lol"']
    for level in range(1, 9):
        lines.append(f"  l{level}: &l{level} [" + ",".join([f"*{'a' if level == 1 else f'l{level - 1}'}"] * 9) + "]")
    before = version(sandbox)

    started = time.monotonic()
    response = api(sandbox).post(CONFIGMAPS, "\n".join(lines), content_type="application/yaml")

    assert time.monotonic() - started < 2
    assert refused(response, 400)["message"] == ('error decoding the request body: too many YAML aliases (more than '
                                                 '100): refusing to expand (a "billion laughs" document?)')
    assert version(sandbox) == before


@pytest.mark.parametrize("body", ["[" * 50_000 + "]" * 50_000, '{"a":' * 5_000 + "1" + "}" * 5_000])
def test_json_nested_too_deep_is_a_status_not_an_html_500(sandbox, body):
    before = version(sandbox)

    response = api(sandbox).post(CONFIGMAPS, body, content_type="application/json")

    assert refused(response, 400)["message"] == ("error decoding the request body: the manifest nests deeper than "
                                                 "100 levels; Podium accepts at most 100")
    assert version(sandbox) == before


def test_a_body_over_the_limit_is_refused_as_the_apiserver_words_it(sandbox):
    big = dict(CONFIGMAP, metadata={"name": "big"}, data={"blob": "x" * (1024 * 1024)})

    response = api(sandbox).post(CONFIGMAPS, json.dumps(big), content_type="application/json")

    status = refused(response, 413)
    assert (status["reason"], status["message"]) == ("RequestEntityTooLarge",
                                                      "Request entity too large: limit is 1048576")


def test_a_json_patch_that_copies_a_map_into_itself_stops_at_the_apiservers_copy_limit(sandbox):
    ops = [{"op": "add", "path": "/metadata/annotations", "value": {f"k{i}": "v" * 10 for i in range(50)}}]
    ops += [{"op": "copy", "from": "/metadata/annotations", "path": f"/metadata/annotations/c{i}"} for i in range(23)]
    body = json.dumps(ops)
    assert len(body) < 3200  # about 3 KB
    before = version(sandbox)

    started = time.monotonic()
    response = api(sandbox).patch(CONFIGMAPS + "/settings", body, content_type="application/json-patch+json")

    assert time.monotonic() - started < 2
    message = refused(response, 422)["message"]
    assert message.startswith("the server rejected our request due to an error in our request: Unable to complete "
                              "the copy, the accumulated size increase of copy is ")
    assert message.endswith(f", exceeding the limit {JSON_PATCH_MAX_COPY_BYTES}")
    assert version(sandbox) == before


def test_a_json_patch_with_too_many_operations_is_refused_before_it_runs(sandbox):
    ops = [{"op": "test", "path": "/data/colour", "value": "blue"}] * 10_001

    response = api(sandbox).patch(CONFIGMAPS + "/settings", json.dumps(ops), content_type="application/json-patch+json")

    assert refused(response, 413)["message"] == ("Request entity too large: The allowed maximum operations in a JSON "
                                                 "patch is 10000, got 10001")


@pytest.mark.parametrize(("ops", "message"), [
    ([{"op": "move", "from": "/nope", "path": "/data/x"}],
     "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value"),
    ([{"op": "move", "from": "/data/nope/deeper", "path": "/data/x"}],
     "move operation does not apply: doc is missing from path: /data/nope/deeper: missing value"),
    ([{"op": "add", "path": "/metadata/finalizers/7", "value": "x"}],
     'add operation does not apply: doc is missing path: "/metadata/finalizers/7": missing value'),
    ([{"op": "remove", "path": "/data/nope"}],
     "error in remove for path: '/data/nope': Unable to remove nonexistent key: nope: missing value"),
])
def test_a_json_patch_naming_a_missing_path_is_a_422_status(sandbox, ops, message):
    before = version(sandbox)

    response = api(sandbox).patch(CONFIGMAPS + "/settings", json.dumps(ops), content_type="application/json-patch+json")

    assert refused(response, 422)["message"] == ("the server rejected our request due to an error in our request: "
                                                 + message)
    assert version(sandbox) == before


def test_replicas_two_point_zero_is_refused_in_json_and_read_as_two_in_yaml(sandbox):
    as_json = json.dumps(DEPLOYMENT).replace('"replicas": 2', '"replicas": 2.0')
    as_yaml = (f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 2.0\n"
               f"  selector: {json.dumps(DEPLOYMENT['spec']['selector'])}\n"
               f"  template: {json.dumps(DEPLOYMENT['spec']['template'])}\n")
    before = version(sandbox)

    from_json = api(sandbox).post(DEPLOYMENTS, as_json, content_type="application/json")
    unchanged = version(sandbox)
    from_yaml = api(sandbox).post(DEPLOYMENTS, as_yaml, content_type="application/yaml")

    assert refused(from_json, 400)["message"] == (
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 2.0 into Go '
        "struct field DeploymentSpec.spec.replicas of type int32")
    assert unchanged == before
    assert from_yaml.status_code == 201 and from_yaml.json()["spec"]["replicas"] == 2
    runtime.act("hostile", lambda c: c.advance_by(30))  # its controllers read spec.replicas as the integer 2
    [replica_set] = api(sandbox).get("/k8s/hostile/apis/apps/v1/namespaces/default/replicasets").json()["items"]
    assert replica_set["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "2"


def test_a_lone_surrogate_is_read_as_go_reads_it_and_the_namespace_still_lists(sandbox):
    body = json.dumps(dict(CONFIGMAP, metadata={"name": "odd"}, data={"text": "x"})).replace('"x"', '"a\\ud800b"')

    created = api(sandbox).post(CONFIGMAPS, body, content_type="application/json")
    listed = api(sandbox).get(CONFIGMAPS)

    assert created.status_code == 201 and created.json()["data"] == {"text": "a\ufffdb"}
    assert listed.status_code == 200
    assert {i["metadata"]["name"] for i in listed.json()["items"]} >= {"odd", "settings"}


def test_a_path_naming_no_possible_sandbox_is_a_status(db):
    for path in ("/k8s/not.a.sandbox/api/v1/pods", "/k8s/²/api", "/k8s/"):
        response = Client(raise_request_exception=False).get(path)
        assert refused(response, 401)["message"] == "Unauthorized", path


def test_a_sandbox_that_cannot_load_answers_an_internal_error_status_saying_why(sandbox):
    Sandbox.objects.filter(pk=sandbox.pk).update(snapshot=b"not a snapshot")
    runtime._cache.clear()

    response = api(sandbox).get(CONFIGMAPS)

    status = refused(response, 500)
    assert status["reason"] == "InternalError"
    assert status["message"].startswith("Internal error occurred: this sandbox cannot be loaded (its saved snapshot "
                                        "does not decode: ")


# ---- watches ----------------------------------------------------------------------------------------------


@pytest.fixture
def closes_connections():
    yield
    connections.close_all()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("given", "message"), [
    ("inf", 'strconv.ParseInt: parsing "inf": invalid syntax'),
    ("NaN", 'strconv.ParseInt: parsing "NaN": invalid syntax'),
    ("ten", 'strconv.ParseInt: parsing "ten": invalid syntax'),
    ("1.5", 'strconv.ParseInt: parsing "1.5": invalid syntax'),
    ("99999999999999999999", 'strconv.ParseInt: parsing "99999999999999999999": value out of range'),
])
def test_a_watch_timeout_that_is_not_an_int64_is_a_bad_request(closes_connections, given, message):
    row = runtime.create_sandbox("watch-hostile")

    response = api(row).get("/k8s/watch-hostile/api/v1/namespaces/default/pods",
                            {"watch": "true", "timeoutSeconds": given})

    assert refused(response, 400)["message"] == message


@pytest.mark.django_db(transaction=True)
def test_a_watch_from_a_resource_version_that_is_not_a_number_is_a_bad_request(closes_connections):
    row = runtime.create_sandbox("watch-hostile")

    response = api(row).get("/k8s/watch-hostile/api/v1/namespaces/default/pods",
                            {"watch": "true", "resourceVersion": "²"})

    assert refused(response, 400)["message"] == 'invalid resource version: "²"'


@pytest.mark.django_db(transaction=True)
async def test_a_negative_watch_timeout_ends_the_watch_at_once_and_a_huge_one_is_capped(closes_connections):
    from cluster.kubeapi.watch import MAX_TIMEOUT_SECONDS, timeout_seconds

    row = await sync_to_async(runtime.create_sandbox)("watch-hostile")

    started = time.monotonic()
    response = await AsyncClient().get("/k8s/watch-hostile/api/v1/nodes", {"watch": "1", "timeoutSeconds": "-5"},
                                       headers={"Authorization": f"Bearer {row.token}"})
    lines = b"".join([chunk async for chunk in response.streaming_content]).decode().splitlines()

    assert time.monotonic() - started < 2
    assert [json.loads(line)["type"] for line in lines] == ["ADDED"] * 3
    assert timeout_seconds(str(2**62)) == MAX_TIMEOUT_SECONDS == 3600
