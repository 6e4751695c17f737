"""Protobuf request bodies, as kubectl's typed clients send them (`kubectl create deployment|service|…`), read as JSON.

A body is the magic `k8s\\x00` and a runtime.Unknown message {1 typeMeta {1 apiVersion, 2 kind}, 2 raw,
3 contentEncoding, 4 contentType}, where raw is the object's own message as k8s.io/api's generated.proto defines
it. Only the messages of the simulated kinds that clients create are known; unknown fields are skipped.

The result has the shape Go's JSON encoding of the decoded struct would have, so the create path afterwards
(decoding, defaults, validation in the engine) runs exactly as for a JSON body:
- gogo-protobuf writes every non-pointer field, zero or not, and a pointer field only when it is set; Go's
  JSON drops the zero value of an `omitempty` field. So a zero scalar is dropped unless the Go field is a
  pointer or has no `omitempty` (`keep_zero`): `replicas: 0` stays, an empty `generateName` goes.
- Struct fields stay even when empty (`resources: {}`, `strategy: {}`), as Go's JSON keeps them.
- `status` and `metadata.creationTimestamp` are not read: the API server resets both on create.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]

MAGIC = b"k8s\x00"

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


class ProtobufError(ValueError):
    """A body that is not a well-formed Kubernetes protobuf message."""


class UnsupportedKind(ProtobufError):
    """A well-formed body of a kind this module has no message table for."""

    def __init__(self, api_version: str, kind: str) -> None:
        super().__init__(f"no protobuf message is known for {kind} in version {api_version!r}")
        self.api_version = api_version
        self.kind = kind


@dataclass(frozen=True)
class Field:
    """One field of a message: its JSON name and how its value reads."""

    name: str
    kind: str  # "string" | "bytes" | "int" | "bool" | "quantity" | "intstr" | "message"
    message: str = ""  # for kind "message": the name of the message's table
    repeated: bool = False
    map_of: bool = False  # a proto map: repeated entries {1 key (string), 2 value (`kind`)}
    keep_zero: bool = False  # a Go pointer, or a field without omitempty: a zero value is still a value


def text(name: str, keep_zero: bool = False) -> Field:
    return Field(name, "string", keep_zero=keep_zero)


def number(name: str, keep_zero: bool = False) -> Field:
    return Field(name, "int", keep_zero=keep_zero)


def flag(name: str, keep_zero: bool = False) -> Field:
    return Field(name, "bool", keep_zero=keep_zero)


def texts(name: str) -> Field:
    return Field(name, "string", repeated=True)


def message(name: str, table: str, repeated: bool = False) -> Field:
    return Field(name, "message", message=table, repeated=repeated)


def mapping(name: str, kind: str = "string") -> Field:
    return Field(name, kind, map_of=True)


def intstr(name: str) -> Field:
    return Field(name, "intstr", keep_zero=True)


# Field numbers from k8s.io/api core/v1 and apps/v1 and k8s.io/apimachinery meta/v1 generated.proto.
MESSAGES: dict[str, dict[int, Field]] = {
    "ObjectMeta": {
        1: text("name"), 2: text("generateName"), 3: text("namespace"), 5: text("uid"), 6: text("resourceVersion"),
        11: mapping("labels"), 12: mapping("annotations"), 13: message("ownerReferences", "OwnerReference", True),
        14: texts("finalizers"),
    },
    "OwnerReference": {
        5: text("apiVersion", True), 1: text("kind", True), 3: text("name", True), 4: text("uid", True),
        6: flag("controller", True), 7: flag("blockOwnerDeletion", True),
    },
    "LabelSelector": {1: mapping("matchLabels"), 2: message("matchExpressions", "LabelSelectorRequirement", True)},
    "LabelSelectorRequirement": {1: text("key", True), 2: text("operator", True), 3: texts("values")},
    # core/v1
    "Namespace": {1: message("metadata", "ObjectMeta"), 2: message("spec", "NamespaceSpec")},
    "NamespaceSpec": {1: texts("finalizers")},
    "ConfigMap": {
        1: message("metadata", "ObjectMeta"), 4: flag("immutable", True), 2: mapping("data"),
        3: mapping("binaryData", "bytes"),
    },
    "Secret": {
        1: message("metadata", "ObjectMeta"), 5: flag("immutable", True), 2: mapping("data", "bytes"),
        4: mapping("stringData"), 3: text("type"),
    },
    "Service": {1: message("metadata", "ObjectMeta"), 2: message("spec", "ServiceSpec")},
    "ServiceSpec": {
        1: message("ports", "ServicePort", True), 2: mapping("selector"), 3: text("clusterIP"), 18: texts("clusterIPs"),
        4: text("type"), 5: texts("externalIPs"), 7: text("sessionAffinity"), 8: text("loadBalancerIP"),
        9: texts("loadBalancerSourceRanges"), 10: text("externalName"), 11: text("externalTrafficPolicy"),
        12: number("healthCheckNodePort"), 13: flag("publishNotReadyAddresses"), 19: texts("ipFamilies"),
        17: text("ipFamilyPolicy", True), 20: flag("allocateLoadBalancerNodePorts", True),
        21: text("loadBalancerClass", True), 22: text("internalTrafficPolicy", True),
    },
    "ServicePort": {
        1: text("name"), 2: text("protocol"), 6: text("appProtocol", True), 3: number("port", True),
        4: intstr("targetPort"), 5: number("nodePort"),
    },
    "Pod": {1: message("metadata", "ObjectMeta"), 2: message("spec", "PodSpec")},
    "PodTemplateSpec": {1: message("metadata", "ObjectMeta"), 2: message("spec", "PodSpec")},
    "PodSpec": {
        20: message("initContainers", "Container", True), 2: message("containers", "Container", True),
        3: text("restartPolicy"), 4: number("terminationGracePeriodSeconds", True),
        5: number("activeDeadlineSeconds", True), 6: text("dnsPolicy"), 7: mapping("nodeSelector"),
        8: text("serviceAccountName"), 9: text("serviceAccount"), 21: flag("automountServiceAccountToken", True),
        10: text("nodeName"), 11: flag("hostNetwork"), 15: message("imagePullSecrets", "LocalObjectReference", True),
        16: text("hostname"), 17: text("subdomain"), 19: text("schedulerName"), 24: text("priorityClassName"),
        25: number("priority", True), 30: flag("enableServiceLinks", True),
    },
    "LocalObjectReference": {1: text("name")},
    "Container": {
        1: text("name", True), 2: text("image"), 3: texts("command"), 4: texts("args"), 5: text("workingDir"),
        6: message("ports", "ContainerPort", True), 7: message("env", "EnvVar", True),
        8: message("resources", "ResourceRequirements"), 13: text("terminationMessagePath"),
        20: text("terminationMessagePolicy"), 14: text("imagePullPolicy"), 16: flag("stdin"), 17: flag("stdinOnce"),
        18: flag("tty"),
    },
    "ContainerPort": {1: text("name"), 2: number("hostPort"), 3: number("containerPort", True), 4: text("protocol"),
                      5: text("hostIP")},
    "EnvVar": {1: text("name", True), 2: text("value")},
    "ResourceRequirements": {1: mapping("limits", "quantity"), 2: mapping("requests", "quantity")},
    # apps/v1
    "Deployment": {1: message("metadata", "ObjectMeta"), 2: message("spec", "DeploymentSpec")},
    "DeploymentSpec": {
        1: number("replicas", True), 2: message("selector", "LabelSelector"), 3: message("template", "PodTemplateSpec"),
        4: message("strategy", "DeploymentStrategy"), 5: number("minReadySeconds"),
        6: number("revisionHistoryLimit", True), 7: flag("paused"), 9: number("progressDeadlineSeconds", True),
    },
    "DeploymentStrategy": {1: text("type"), 2: message("rollingUpdate", "RollingUpdateDeployment")},
    "RollingUpdateDeployment": {1: intstr("maxUnavailable"), 2: intstr("maxSurge")},
    "ReplicaSet": {1: message("metadata", "ObjectMeta"), 2: message("spec", "ReplicaSetSpec")},
    "ReplicaSetSpec": {
        1: number("replicas", True), 4: number("minReadySeconds"), 2: message("selector", "LabelSelector"),
        3: message("template", "PodTemplateSpec"),
    },
}

# (apiVersion, kind) -> the top-level message
OBJECTS: dict[tuple[str, str], str] = {
    ("v1", "Namespace"): "Namespace",
    ("v1", "ConfigMap"): "ConfigMap",
    ("v1", "Secret"): "Secret",
    ("v1", "Service"): "Service",
    ("v1", "Pod"): "Pod",
    ("apps/v1", "Deployment"): "Deployment",
    ("apps/v1", "ReplicaSet"): "ReplicaSet",
}

# the wire type each kind of field must arrive in
WIRE_TYPES = {"string": LENGTH, "bytes": LENGTH, "quantity": LENGTH, "intstr": LENGTH, "message": LENGTH,
              "int": VARINT, "bool": VARINT}


# ---- the wire format -----------------------------------------------------------------------------------


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned varint at `pos`, and the position after it."""
    value = shift = 0
    while True:
        if pos >= len(data):
            raise ProtobufError("unexpected end of data in a varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift >= 70:
            raise ProtobufError("a varint longer than 10 bytes")


def fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) of each field of one message, in the order written."""
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtobufError("a field numbered 0")
        value: int | bytes
        if wire == VARINT:
            value, pos = read_varint(data, pos)
        elif wire in (FIXED64, FIXED32):
            size = 8 if wire == FIXED64 else 4
            if pos + size > len(data):
                raise ProtobufError("unexpected end of data in a fixed-size field")
            value, pos = int.from_bytes(data[pos:pos + size], "little"), pos + size
        elif wire == LENGTH:
            size, pos = read_varint(data, pos)
            if pos + size > len(data):
                raise ProtobufError("a length-delimited field runs past the end of its message")
            value, pos = data[pos:pos + size], pos + size
        else:
            raise ProtobufError(f"unsupported wire type {wire} (field {number})")
        yield number, wire, value


def signed(value: int) -> int:
    """A varint read as Go's int32/int64: negative numbers are written as 64-bit two's complement."""
    return value - (1 << 64) if value >= 1 << 63 else value


def utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtobufError(f"a string field is not valid UTF-8: {err}") from err


# ---- messages ------------------------------------------------------------------------------------------


def scalar(field: Field, raw: int | bytes) -> Any:
    """One value of `field` as JSON: bytes as base64, Quantity as its string, IntOrString as int or string."""
    if isinstance(raw, int):
        return bool(raw) if field.kind == "bool" else signed(raw)
    if field.kind == "string":
        return utf8(raw)
    if field.kind == "bytes":
        return base64.b64encode(raw).decode("ascii")
    if field.kind == "quantity":  # resource.Quantity {1 string}
        return next((utf8(v) for n, _, v in fields(raw) if n == 1 and isinstance(v, bytes)), "")
    if field.kind == "intstr":  # intstr.IntOrString {1 type (0 Int, 1 String), 2 intVal, 3 strVal}
        parts = {n: v for n, _, v in fields(raw)}
        str_val, int_val = parts.get(3, b""), parts.get(2, 0)
        if parts.get(1, 0) == 1:
            return utf8(str_val) if isinstance(str_val, bytes) else ""
        return signed(int_val) if isinstance(int_val, int) else 0
    return decode_message(raw, field.message)


def map_entry(field: Field, raw: bytes) -> tuple[str, Any]:
    """A proto map entry {1 key, 2 value}; a missing part is its zero value."""
    key, value = "", scalar(field, b"")
    for number, wire, part in fields(raw):
        if number == 1 and isinstance(part, bytes):
            key = utf8(part)
        elif number == 2 and wire == WIRE_TYPES[field.kind]:
            value = scalar(field, part)
    return key, value


def is_zero(value: Any) -> bool:
    return value is False or value == 0 or value == ""


def decode_message(raw: bytes, name: str) -> Obj:
    """The message `raw` as a JSON object, by the table `name`; fields the table does not know are skipped."""
    table = MESSAGES[name]
    out: Obj = {}
    for number, wire, value in fields(raw):
        field = table.get(number)
        if field is None:
            continue
        if wire != WIRE_TYPES[field.kind]:
            raise ProtobufError(f"field {name}.{field.name} has wire type {wire}, not {WIRE_TYPES[field.kind]}")
        if field.map_of:
            assert isinstance(value, bytes)
            key, entry = map_entry(field, value)
            out.setdefault(field.name, {})[key] = entry
        elif field.repeated:
            out.setdefault(field.name, []).append(scalar(field, value))
        else:
            decoded = scalar(field, value)
            if field.kind != "message" and not field.keep_zero and is_zero(decoded):
                out.pop(field.name, None)  # the zero value of an omitempty field: JSON leaves it out
            else:
                out[field.name] = decoded
    return out


def decode(body: bytes) -> Obj:
    """The object a protobuf request body carries, in the shape a JSON body of it would have."""
    if not body.startswith(MAGIC):
        # mirrors protobuf.Serializer.Decode
        prefix = " ".join(str(b) for b in MAGIC)  # Go's %v of a []byte
        raise ProtobufError(f"provided data does not appear to be a protobuf message, expected prefix [{prefix}]")
    api_version = kind = encoding = ""
    raw = b""
    for number, _, value in fields(body[len(MAGIC):]):
        if not isinstance(value, bytes):
            continue
        if number == 1:  # runtime.TypeMeta {1 apiVersion, 2 kind}
            type_meta = {n: utf8(v) for n, _, v in fields(value) if isinstance(v, bytes)}
            api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
        elif number == 2:
            raw = value
        elif number == 3:
            encoding = utf8(value)
    if encoding:
        raise ProtobufError(f"unsupported content encoding {encoding!r}")
    table = OBJECTS.get((api_version, kind))
    if table is None:
        raise UnsupportedKind(api_version, kind)
    return {"kind": kind, "apiVersion": api_version, **decode_message(raw, table)}
