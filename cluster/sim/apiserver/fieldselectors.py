"""Field selectors (k8s.io/apimachinery/pkg/fields) and the field labels each kind's registry offers: one table."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cluster.sim.apimachinery import errors

Obj = dict[str, Any]

FieldGetter = Callable[[Obj], str]


def _path(*keys: str) -> FieldGetter:
    def get(obj: Obj) -> str:
        value: Any = obj
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return get


COMMON_FIELDS: dict[str, FieldGetter] = {
    "metadata.name": _path("metadata", "name"),
    "metadata.namespace": _path("metadata", "namespace"),
}

# Field labels each registry's GetAttrs/SelectableFields offers (pkg/registry/*/strategy.go).
KIND_FIELDS: dict[str, dict[str, FieldGetter]] = {
    "Pod": {
        "spec.nodeName": _path("spec", "nodeName"),
        "spec.restartPolicy": _path("spec", "restartPolicy"),
        "spec.schedulerName": _path("spec", "schedulerName"),
        "spec.serviceAccountName": _path("spec", "serviceAccountName"),
        "spec.hostNetwork": lambda o: "true" if (o.get("spec") or {}).get("hostNetwork") else "false",
        "status.phase": _path("status", "phase"),
        "status.podIP": _path("status", "podIP"),
        "status.nominatedNodeName": _path("status", "nominatedNodeName"),
    },
    "Event": {
        "involvedObject.kind": _path("involvedObject", "kind"),
        "involvedObject.namespace": _path("involvedObject", "namespace"),
        "involvedObject.name": _path("involvedObject", "name"),
        "involvedObject.uid": _path("involvedObject", "uid"),
        "involvedObject.apiVersion": _path("involvedObject", "apiVersion"),
        "involvedObject.resourceVersion": _path("involvedObject", "resourceVersion"),
        "involvedObject.fieldPath": _path("involvedObject", "fieldPath"),
        "reason": _path("reason"),
        "reportingComponent": _path("reportingComponent"),
        "source": _path("source", "component"),
        "type": _path("type"),
    },
    "Node": {"spec.unschedulable": lambda o: "true" if (o.get("spec") or {}).get("unschedulable") else "false"},
    "Namespace": {"status.phase": _path("status", "phase")},
    "Secret": {"type": _path("type")},
    "ReplicaSet": {"status.replicas": lambda o: str((o.get("status") or {}).get("replicas", 0))},
}


@dataclass(frozen=True)
class FieldTerm:
    field: str
    equal: bool
    value: str
    getter: FieldGetter

    def matches(self, obj: Obj) -> bool:
        return (self.getter(obj) == self.value) == self.equal


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, current, escaped = [], "", False
    for char in text:
        if escaped:
            current += "\\" + char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == sep:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current + ("\\" if escaped else ""))
    return parts


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def parse_field_selector(text: str, kind: str) -> list[FieldTerm]:
    """fields.ParseSelector plus the kind's supported field labels; an unsupported label is a 400."""
    terms: list[FieldTerm] = []
    if not text.strip():
        return terms
    known = {**COMMON_FIELDS, **KIND_FIELDS.get(kind, {})}
    for part in _split_unescaped(text, ","):
        match = re.fullmatch(r"([^=!]+?)\s*(!=|==|=)\s*(.*)", part.strip(), re.DOTALL)
        if match is None:
            raise errors.bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        field, op, value = match.groups()
        getter = known.get(field)
        if getter is None:
            raise errors.bad_request(f'field label not supported: {field}')
        terms.append(FieldTerm(field, op != "!=", _unescape(value), getter))
    return terms


def fields_match(terms: list[FieldTerm], obj: Obj) -> bool:
    return all(t.matches(obj) for t in terms)
