"""The sandbox Kubernetes API through Django's test clients: tokens, discovery, OpenAPI, Tables, watch, kubeconfig."""

from __future__ import annotations

import asyncio
import json
from io import StringIO

import pytest
import yaml
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connections
from django.test import AsyncClient, Client
from django.urls import reverse

from cluster import runtime
from cluster.models import Sandbox
from cluster.sim.settings import Settings

TABLE_ACCEPT = ("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
                "application/json")
DISCOVERY_ACCEPT = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "solo", "labels": {"run": "solo"}},
       "spec": {"containers": [{"name": "solo", "image": "nginx"}]}}


@pytest.fixture
def sandbox(db) -> Sandbox:
    return runtime.create_sandbox("api-test", settings=Settings(time_scale=0.05))


def api(sandbox: Sandbox, accept: str = "application/json") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {sandbox.token}", HTTP_ACCEPT=accept)


def test_it_refuses_a_request_without_the_sandbox_token(sandbox):
    anonymous = Client().get("/k8s/api-test/api/v1/namespaces/default/pods")
    wrong = Client(HTTP_AUTHORIZATION="Bearer nope").get("/k8s/api-test/api/v1/namespaces/default/pods")
    unknown = api(sandbox).get("/k8s/no-such-sandbox/api/v1/namespaces/default/pods")

    for response in (anonymous, wrong, unknown):
        assert response.status_code == 401
        assert response.json() == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                   "message": "Unauthorized", "reason": "Unauthorized", "code": 401}


def test_it_takes_the_token_in_the_path_for_plain_http(sandbox):
    response = Client().get(f"/k8s/api-test/token/{sandbox.token}/api/v1/namespaces/default/pods/nope")

    assert response.status_code == 404
    assert response.json()["message"] == 'pods "nope" not found'


def test_it_answers_unknown_paths_with_a_not_found_status(sandbox):
    for path in ("/k8s/api-test/readyz/no-such-check", "/k8s/api-test/api/v1/widgets", "/k8s/api-test/apis/batch/v1/jobs",
                 "/k8s/api-test/api/v1/pods/some-pod"):
        response = api(sandbox).get(path)
        assert response.status_code == 404, path
        assert response.json()["message"] == "the server could not find the requested resource"


def test_it_answers_health_checks_as_the_apiserver_prints_them(sandbox):
    for endpoint in ("healthz", "livez", "readyz"):
        plain = api(sandbox).get(f"/k8s/api-test/{endpoint}")
        assert plain.status_code == 200
        assert plain["Content-Type"] == "text/plain; charset=utf-8"
        assert plain.content == b"ok"

    verbose = api(sandbox).get("/k8s/api-test/readyz?verbose&exclude=etcd&exclude=nope").content.decode()
    lines = verbose.splitlines()
    assert lines[0] == "[+]ping ok"
    assert "[+]etcd excluded: ok" in lines
    assert "[+]poststarthook/rbac/bootstrap-roles ok" in lines
    assert lines[-3:] == ["[+]shutdown ok", 'warn: some health checks cannot be excluded: no matches for "nope"',
                          "readyz check passed"]
    assert api(sandbox).get("/k8s/api-test/readyz/poststarthook/rbac/bootstrap-roles").content == b"ok"
    assert "[+]shutdown ok" not in api(sandbox).get("/k8s/api-test/livez?verbose").content.decode()


def test_health_checks_need_the_sandbox_token_under_its_path_and_none_at_the_root(sandbox):
    response = Client().get("/k8s/api-test/readyz")
    public = Client().get("/readyz?verbose")

    assert response.status_code == 401
    assert response.json()["reason"] == "Unauthorized"
    assert public.status_code == 200
    assert public.content.decode().endswith("\nreadyz check passed\n")
    assert Client().get("/livez/nope").json()["reason"] == "NotFound"


def test_it_serves_aggregated_discovery_when_kubectl_asks_for_it(sandbox):
    response = api(sandbox, DISCOVERY_ACCEPT).get("/k8s/api-test/apis")

    assert response["Content-Type"] == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    groups = {g["metadata"]["name"]: g for g in response.json()["items"]}
    apps = {r["resource"]: r for r in groups["apps"]["versions"][0]["resources"]}
    assert apps["deployments"]["shortNames"] == ["deploy"]
    assert apps["deployments"]["categories"] == ["all"]
    scale = next(s for s in apps["deployments"]["subresources"] if s["subresource"] == "scale")
    assert scale["responseKind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}


def test_it_serves_legacy_discovery_to_plain_json_clients(sandbox):
    versions = api(sandbox).get("/k8s/api-test/api").json()
    apps = api(sandbox).get("/k8s/api-test/apis/apps/v1").json()

    assert versions["kind"] == "APIVersions" and versions["versions"] == ["v1"]
    scale = next(r for r in apps["resources"] if r["name"] == "deployments/scale")
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")


def test_openapi_v3_tells_kubectl_the_server_validates_fields(sandbox):
    index = api(sandbox).get("/k8s/api-test/openapi/v3").json()
    url = index["paths"]["apis/apps/v1"]["serverRelativeURL"]
    document = api(sandbox).get(url).json()

    assert url.startswith("/k8s/api-test/openapi/v3/apis/apps/v1?hash=")
    patch = document["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
    assert any(p["name"] == "fieldValidation" and p["in"] == "query" for p in patch["parameters"])


def test_openapi_v2_is_an_empty_protobuf_document(sandbox):
    response = api(sandbox, "application/com.github.proto-openapi.spec.v2@v1.0+protobuf").get(
        "/k8s/api-test/openapi/v2")

    assert response["Content-Type"] == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    assert response.content == b""


def test_it_lists_as_a_table_when_kubectl_get_asks(sandbox):
    runtime.act("api-test", lambda c: c.api.create(dict(POD)))
    runtime.act("api-test", lambda c: None, advance_by=5)

    response = api(sandbox, TABLE_ACCEPT).get("/k8s/api-test/api/v1/namespaces/default/pods?limit=500")

    assert response["Content-Type"] == "application/json;as=Table;v=v1;g=meta.k8s.io"
    table = response.json()
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert [(c["name"], c["priority"]) for c in table["columnDefinitions"]] == [
        ("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0), ("IP", 1), ("Node", 1),
        ("Nominated Node", 1), ("Readiness Gates", 1)]
    (row,) = table["rows"]
    assert row["cells"][:3] == ["solo", "1/1", "Running"]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["metadata"]["labels"] == {"run": "solo"}


def test_it_filters_lists_by_label_and_field_selectors(sandbox):
    def two_pods(c):
        c.api.create(dict(POD))
        c.api.create({**POD, "metadata": {"name": "other", "labels": {"run": "other", "tier": "db"}}})

    runtime.act("api-test", two_pods)
    base = "/k8s/api-test/api/v1/namespaces/default/pods"

    def names(query: str) -> list[str]:
        return [i["metadata"]["name"] for i in api(sandbox).get(f"{base}?{query}").json()["items"]]

    assert names("labelSelector=run%3Dsolo") == ["solo"]
    assert names("labelSelector=run%20in%20(solo,other),!tier") == ["solo"]
    assert names("labelSelector=tier") == ["other"]
    assert names("fieldSelector=metadata.name%3Dother") == ["other"]
    assert names("fieldSelector=metadata.name!%3Dother") == ["solo"]
    unsupported = api(sandbox).get(f"{base}?fieldSelector=spec.image%3Dnginx")
    assert unsupported.status_code == 400
    assert unsupported.json()["message"] == "field label not supported: spec.image"


def test_create_answers_201_and_invalid_objects_a_422_with_causes(sandbox):
    client = api(sandbox)
    created = client.post("/k8s/api-test/api/v1/namespaces/default/pods?fieldValidation=Strict",
                          json.dumps(POD), content_type="application/json")
    invalid = client.post("/k8s/api-test/api/v1/namespaces/default/services?fieldValidation=Strict",
                          json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"},
                                      "spec": {"ports": [{"port": 0}]}}), content_type="application/json")
    duplicate = client.post("/k8s/api-test/api/v1/namespaces/default/pods", json.dumps(POD),
                            content_type="application/json")

    assert created.status_code == 201 and created.json()["metadata"]["uid"]
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["reason"] == "Invalid" and body["details"]["kind"] == "Service"
    assert [c["field"] for c in body["details"]["causes"]] == ["spec.ports[0].port", "spec.ports[0].targetPort"]
    assert duplicate.status_code == 409 and duplicate.json()["message"] == 'pods "solo" already exists'


def test_patches_merge_strategic_and_json_and_refuse_server_side_apply(sandbox):
    runtime.act("api-test", lambda c: c.api.create(dict(POD)))
    client = api(sandbox)
    url = "/k8s/api-test/api/v1/namespaces/default/pods/solo"

    merged = client.patch(url, json.dumps({"metadata": {"labels": {"tier": "web"}}}),
                          content_type="application/merge-patch+json")
    strategic = client.patch(url, json.dumps({"metadata": {"labels": {"tier": None}}}),
                             content_type="application/strategic-merge-patch+json")
    json_patch = client.patch(url, json.dumps([{"op": "add", "path": "/metadata/labels/stage", "value": "qa"}]),
                              content_type="application/json-patch+json")
    server_side = client.patch(url, "{}", content_type="application/apply-patch+yaml")

    assert merged.json()["metadata"]["labels"] == {"run": "solo", "tier": "web"}
    assert strategic.json()["metadata"]["labels"] == {"run": "solo"}
    assert json_patch.json()["metadata"]["labels"] == {"run": "solo", "stage": "qa"}
    assert server_side.status_code == 415 and server_side.json()["reason"] == "UnsupportedMediaType"


def test_the_scale_subresource_speaks_autoscaling_v1(sandbox):
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                  "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}},
                                        "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}
    runtime.act("api-test", lambda c: c.api.create(deployment))
    runtime.act("api-test", lambda c: None, advance_by=5)
    url = "/k8s/api-test/apis/apps/v1/namespaces/default/deployments/web/scale"

    before = api(sandbox).get(url).json()
    after = api(sandbox).patch(url, json.dumps({"spec": {"replicas": 3}}),
                               content_type="application/merge-patch+json").json()

    assert (before["kind"], before["apiVersion"]) == ("Scale", "autoscaling/v1")
    assert before["spec"] == {"replicas": 1}
    assert before["status"] == {"replicas": 1, "selector": "app=web"}
    assert after["spec"] == {"replicas": 3}
    _, cluster = runtime.load("api-test")
    assert cluster.store.get("Deployment", "default", "web")["spec"]["replicas"] == 3


def test_deleting_a_pod_answers_the_terminating_pod_and_others_a_success_status(sandbox):
    runtime.act("api-test", lambda c: (c.api.create(dict(POD)), c.api.create(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "conf"}, "data": {"a": "b"}})))
    runtime.act("api-test", lambda c: None, advance_by=5)
    client = api(sandbox)

    pod = client.delete("/k8s/api-test/api/v1/namespaces/default/pods/solo",
                        json.dumps({"propagationPolicy": "Background"}), content_type="application/json")
    conf = client.delete("/k8s/api-test/api/v1/namespaces/default/configmaps/conf")

    assert pod.json()["metadata"]["deletionTimestamp"]
    assert conf.json()["status"] == "Success" and conf.json()["details"]["name"] == "conf"


@pytest.fixture
async def closes_connections():
    """Async tests touch the database from a worker thread; its connection must not outlive the test."""
    yield
    await sync_to_async(connections.close_all)()


async def read_watch(response) -> list[dict]:
    assert response.streaming, response.content
    chunks = [chunk async for chunk in response.streaming_content]
    return [json.loads(line) for line in b"".join(chunks).decode().splitlines()]


@pytest.mark.django_db(transaction=True)
async def test_a_watch_replays_and_follows_the_change_feed(closes_connections):
    row = await sync_to_async(runtime.create_sandbox)("watch-test", settings=Settings(time_scale=0.05))
    await sync_to_async(runtime.act)("watch-test", lambda c: c.api.create(dict(POD)))

    response = await AsyncClient().get(
        "/k8s/watch-test/api/v1/namespaces/default/pods",
        {"watch": "true", "resourceVersion": str(row.seq), "labelSelector": "run=solo", "timeoutSeconds": "2"},
        headers={"Authorization": f"Bearer {row.token}", "Accept": TABLE_ACCEPT})
    events = await read_watch(response)

    assert response["Content-Type"] == "application/json;as=Table;v=v1;g=meta.k8s.io"
    assert events[0]["type"] == "ADDED"
    assert "columnDefinitions" in events[0]["object"] and "columnDefinitions" not in events[-1]["object"]
    statuses = [e["object"]["rows"][0]["cells"][2] for e in events]
    assert statuses[0] == "Pending" and statuses[-1] == "Running"  # the watch kept the clock running
    assert {e["type"] for e in events[1:]} == {"MODIFIED"}


@pytest.mark.django_db(transaction=True)
async def test_a_watch_without_a_resource_version_starts_with_the_current_objects(closes_connections):
    row = await sync_to_async(runtime.create_sandbox)("watch-now", settings=Settings(time_scale=0.05))

    response = await AsyncClient().get("/k8s/watch-now/api/v1/nodes", {"watch": "1", "timeoutSeconds": "1"},
                                       headers={"Authorization": f"Bearer {row.token}"})
    events = await read_watch(response)

    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "podium-control-plane"), ("ADDED", "podium-worker"), ("ADDED", "podium-worker2")]


@pytest.mark.django_db(transaction=True)
async def test_writes_through_the_api_are_published_to_the_live_diagram(closes_connections):
    row = await sync_to_async(runtime.create_sandbox)("publish-test")
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(runtime.group_name("publish-test"), channel)

    created = await AsyncClient().post("/k8s/publish-test/api/v1/namespaces/default/pods", json.dumps(POD),
                                       content_type="application/json",
                                       headers={"Authorization": f"Bearer {row.token}"})
    message = await asyncio.wait_for(layer.receive(channel), 5)

    assert created.status_code == 201
    assert message["type"] == "sandbox.updated" and message["seq"] > row.seq


def test_the_kubeconfig_download_is_for_the_sandbox_owner_only(db):
    session = SessionStore()
    session.create()
    row = runtime.create_sandbox("mine", owner_session=session.session_key)
    owner, stranger = Client(), Client()
    owner.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    url = reverse("kubeconfig-download", args=["mine"])
    mine = owner.get(url)
    theirs = stranger.get(url)

    assert url == "/k8s/mine/kubeconfig"
    assert mine.status_code == 200
    assert mine["Content-Disposition"] == 'attachment; filename="podium-mine.kubeconfig"'
    config = yaml.safe_load(mine.content)
    assert config["clusters"][0]["cluster"]["server"] == f"http://testserver/k8s/mine/token/{row.token}"
    assert config["users"][0]["user"]["token"] == row.token
    assert theirs.status_code == 404


def test_manage_py_sandbox_kubeconfig_prints_one(sandbox):
    out = StringIO()

    call_command("sandbox", "kubeconfig", "api-test", "--server", "https://podium.example/", stdout=out)

    config = yaml.safe_load(out.getvalue())
    assert config["current-context"] == "podium-api-test"
    assert config["clusters"][0]["cluster"] == {"server": "https://podium.example/k8s/api-test"}
    assert config["contexts"][0]["context"] == {"cluster": "podium-api-test", "user": "podium-api-test",
                                                "namespace": "default"}
    assert config["users"][0]["user"] == {"token": sandbox.token}
