"""Protobuf request bodies, as the real kubectl's typed clients send them, read into the JSON shape and created."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cluster import runtime
from cluster.kubeapi import protobuf
from cluster.models import Sandbox
from cluster.sim.settings import Settings

PROTOBUF = "application/vnd.kubernetes.protobuf"

# The body kubectl v1.32.4 sends for `kubectl create deployment web --image=nginx --replicas=2 --port=80`, as
# `-v=10` dumps it.
CREATE_DEPLOYMENT_WEB = bytes.fromhex(
    "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b8010a1f0a0377656212001a0022002a003200380042005a0a0a"
    "0361707012037765621286010802120c0a0a0a0361707012037765621a6c0a1c0a0012001a0022002a003200380042005a0a0a0361"
    "70701203776562124c122e0a056e67696e7812056e67696e782a00320a0a001000185022002a0042006a0072008001008801009001"
    "00a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038"
    "001a002200")
# ... and for `kubectl create service clusterip web --tcp=8080:80`.
CREATE_SERVICE_WEB = bytes.fromhex(
    "6b3873000a0d0a02763112075365727669636512690a1f0a0377656212001a0022002a003200380042005a0a0a03617070120377656212"
    "420a1b0a07383038302d3830120354435018903f2206080010501a002800120a0a0361707012037765621a002209436c757374657249"
    "503a00420052005a00600068001a020a001a002200")


# ---- a hand encoder of the wire format, to build bodies the decoder has not seen from kubectl -------------


def varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative numbers as 64-bit two's complement, as Go writes an int32 or int64
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def num(field: int, value: int) -> bytes:
    return varint(field << 3) + varint(value)


def ld(field: int, payload: bytes | str) -> bytes:
    data = payload.encode() if isinstance(payload, str) else payload
    return varint(field << 3 | 2) + varint(len(data)) + data


def entry(field: int, key: str, value: bytes | str) -> bytes:
    return ld(field, ld(1, key) + ld(2, value))


def body(api_version: str, kind: str, raw: bytes) -> bytes:
    return b"k8s\x00" + ld(1, ld(1, api_version) + ld(2, kind)) + ld(2, raw) + ld(3, "") + ld(4, "")


def int_or_string(value: int | str) -> bytes:
    return num(1, 1) + ld(3, value) if isinstance(value, str) else num(1, 0) + num(2, value)


# ---- the decoder ---------------------------------------------------------------------------------------


def test_it_reads_kubectl_create_deployment_as_the_json_kubectl_would_print_for_it():
    obj = protobuf.decode(CREATE_DEPLOYMENT_WEB)

    # `kubectl create deployment … --dry-run=client -o json`, less creationTimestamp and status
    assert obj == {
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}],
                                         "resources": {}}]},
            },
            "strategy": {},
        },
    }


def test_it_reads_kubectl_create_service_with_its_target_port():
    obj = protobuf.decode(CREATE_SERVICE_WEB)

    assert obj == {
        "kind": "Service", "apiVersion": "v1",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"ports": [{"name": "8080-80", "protocol": "TCP", "port": 8080, "targetPort": 80}],
                 "selector": {"app": "web"}, "type": "ClusterIP"},
    }


def test_a_zero_stays_where_go_has_a_pointer_and_goes_where_json_omits_it():
    rolling = ld(2, ld(1, int_or_string(0)) + ld(2, int_or_string("25%")))
    pod_spec = ld(2, ld(1, "app") + ld(2, "busybox") + ld(3, "sleep") + ld(3, "3600")) + num(4, -1)
    raw = ld(1, ld(1, "zero") + ld(2, "") + num(7, 0)) + ld(2, (
        num(1, 0) + ld(3, ld(2, pod_spec)) + ld(4, ld(1, "RollingUpdate") + rolling) + num(5, 0) + num(6, 0)))

    obj = protobuf.decode(body("apps/v1", "Deployment", raw))

    assert obj["metadata"] == {"name": "zero"}
    assert obj["spec"] == {
        "replicas": 0, "revisionHistoryLimit": 0,
        "template": {"spec": {"containers": [{"name": "app", "image": "busybox", "command": ["sleep", "3600"]}],
                              "terminationGracePeriodSeconds": -1}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}},
    }


def test_a_named_target_port_and_fields_it_does_not_know_come_through_as_json_would_have_them():
    port = ld(1, "http") + num(3, 80) + ld(4, int_or_string("web")) + num(5, 30080) + num(99, 7)
    raw = ld(1, ld(1, "web") + ld(4, "/api/v1/ignored")) + ld(2, ld(1, port) + ld(4, "NodePort") + ld(42, "x"))

    obj = protobuf.decode(body("v1", "Service", raw))

    assert obj["metadata"] == {"name": "web"}
    assert obj["spec"] == {"ports": [{"name": "http", "port": 80, "targetPort": "web", "nodePort": 30080}],
                           "type": "NodePort"}


def test_secret_bytes_become_base64_and_map_values_may_be_empty():
    secret = ld(1, ld(1, "s")) + entry(2, "key", b"\x00\xffbinary") + entry(2, "empty", b"") + ld(3, "Opaque")
    config = ld(1, ld(1, "cfg") + entry(11, "tier", "")) + entry(2, "a", "b") + entry(3, "blob", b"\x01\x02")

    assert protobuf.decode(body("v1", "Secret", secret)) == {
        "kind": "Secret", "apiVersion": "v1", "metadata": {"name": "s"},
        "data": {"key": "AP9iaW5hcnk=", "empty": ""}, "type": "Opaque"}
    assert protobuf.decode(body("v1", "ConfigMap", config)) == {
        "kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "cfg", "labels": {"tier": ""}},
        "data": {"a": "b"}, "binaryData": {"blob": "AQI="}}


def test_resource_quantities_read_as_their_strings():
    resources = ld(8, entry(1, "cpu", ld(1, "500m")) + entry(2, "memory", ld(1, "64Mi")))
    raw = ld(1, ld(1, "solo")) + ld(2, ld(2, ld(1, "solo") + ld(2, "nginx") + resources))

    obj = protobuf.decode(body("v1", "Pod", raw))

    assert obj["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "500m"}, "requests": {"memory": "64Mi"}}


def test_it_refuses_what_is_not_a_kubernetes_protobuf_body():
    with pytest.raises(protobuf.ProtobufError, match=r"expected prefix \[107 56 115 0\]$"):
        protobuf.decode(b'{"kind": "Namespace"}')
    with pytest.raises(protobuf.ProtobufError, match="runs past the end"):
        protobuf.decode(CREATE_DEPLOYMENT_WEB[:-20])
    with pytest.raises(protobuf.UnsupportedKind, match="Job"):
        protobuf.decode(body("batch/v1", "Job", ld(1, ld(1, "pi"))))


# ---- through the API -----------------------------------------------------------------------------------


@pytest.fixture
def sandbox(db) -> Sandbox:
    return runtime.create_sandbox("pb-test", settings=Settings(time_scale=0.05))


def post(sandbox: Sandbox, path: str, data: bytes, content_type: str = PROTOBUF):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {sandbox.token}",
                    HTTP_ACCEPT="application/vnd.kubernetes.protobuf,application/json")
    return client.post(f"/k8s/{sandbox.name}{path}?fieldManager=kubectl-create&fieldValidation=Strict", data,
                       content_type=content_type)


def test_a_protobuf_deployment_is_created_like_its_json_twin(sandbox):
    twin = runtime.create_sandbox("pb-twin", settings=Settings(time_scale=0.05))

    created = post(sandbox, "/apis/apps/v1/namespaces/default/deployments", CREATE_DEPLOYMENT_WEB)
    from_json = post(twin, "/apis/apps/v1/namespaces/default/deployments",
                     json.dumps(protobuf.decode(CREATE_DEPLOYMENT_WEB)).encode(), "application/json")

    assert created.status_code == from_json.status_code == 201
    assert created["Content-Type"] == "application/json"
    assert created.json()["spec"] == from_json.json()["spec"]
    assert created.json()["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    _, cluster = runtime.load("pb-test")
    assert cluster.store.get("Deployment", "default", "web")["spec"]["replicas"] == 2


def test_a_protobuf_body_is_validated_like_a_json_one(sandbox):
    raw = ld(1, ld(1, "web")) + ld(2, ld(1, num(3, 0) + ld(4, int_or_string(0))))

    invalid = post(sandbox, "/api/v1/namespaces/default/services", body("v1", "Service", raw))

    assert invalid.status_code == 422
    assert invalid.json()["message"] == (
        'Service "web" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, '
        "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]")


def test_a_broken_body_is_a_bad_request_and_an_unread_kind_unsupported(sandbox):
    broken = post(sandbox, "/api/v1/namespaces", b"k8s\x00\x0a\xff")
    event = post(sandbox, "/api/v1/namespaces/default/events",
                 body("v1", "Event", ld(1, ld(1, "e")) + ld(3, "why")))

    assert broken.status_code == 400
    assert broken.json()["message"].startswith("error decoding the request body: ")
    assert event.status_code == 415
    assert "kubectl apply -f" in event.json()["message"]
