"""Label and field selectors from list and watch query strings, parsed and matched as the apiserver does."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cluster.sim.apimachinery import errors

Obj = dict[str, Any]


# ---- label selectors (k8s.io/apimachinery/pkg/labels/selector.go) -----------------------------------------


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # = != in notin exists !exists gt lt
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        # mirrors Requirement.Matches
        present = self.key in labels
        value = labels.get(self.key, "")
        if self.op == "=":
            return present and value == self.values[0]
        if self.op == "in":
            return present and value in self.values
        if self.op == "!=":
            return not present or value != self.values[0]
        if self.op == "notin":
            return not present or value not in self.values
        if self.op == "exists":
            return present
        if self.op == "!exists":
            return not present
        if not present or not re.fullmatch(r"-?\d+", value):
            return False
        bound = int(self.values[0])
        return int(value) > bound if self.op == "gt" else int(value) < bound


_TOKEN = re.compile(r"\s*(\(|\)|,|!=|==|=|!|>|<|[^\s(),!=<>]+)")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:  # pragma: no cover - the pattern accepts every non-space character
            raise _bad_label_selector(text)
        out.append(match.group(1))
        pos = match.end()
    return out


def _bad_label_selector(text: str, why: str = "") -> errors.ApiError:
    detail = f": {why}" if why else ""
    return errors.bad_request(f"unable to parse requirement: invalid label selector {text!r}{detail}")


def parse_label_selector(text: str) -> list[Requirement]:
    """labels.Parse: `app=web,tier!=db`, `env in (a,b)`, `!canary`, `release`; an empty string selects all."""
    tokens = _tokens(text)
    requirements: list[Requirement] = []
    i = 0

    def take() -> str:
        nonlocal i
        if i >= len(tokens):
            raise _bad_label_selector(text, "unexpected end of selector")
        i += 1
        return tokens[i - 1]

    while i < len(tokens):
        token = take()
        if token == "!":
            requirements.append(Requirement(take(), "!exists"))
        else:
            key = token
            if i >= len(tokens) or tokens[i] == ",":
                requirements.append(Requirement(key, "exists"))
            else:
                op = take()
                if op in ("=", "==", "!="):
                    value = ""  # `key=` is legal and matches an empty label value
                    if i < len(tokens) and tokens[i] != ",":
                        value = take()
                    requirements.append(Requirement(key, "!=" if op == "!=" else "=", (value,)))
                elif op in (">", "<"):
                    bound = take()
                    if not re.fullmatch(r"-?\d+", bound):
                        raise _bad_label_selector(text, "for 'Gt', 'Lt' operators, the value must be an integer")
                    requirements.append(Requirement(key, "gt" if op == ">" else "lt", (bound,)))
                elif op in ("in", "notin"):
                    if take() != "(":
                        raise _bad_label_selector(text, "expected '('")
                    values: list[str] = []
                    while True:
                        item = take()
                        if item == ")":
                            break
                        if item == ",":
                            continue
                        values.append(item)
                    requirements.append(Requirement(key, op, tuple(values)))
                else:
                    raise _bad_label_selector(text, f"found '{op}', expected: in, notin, =, ==, !=, gt, lt")
        if i < len(tokens):
            if tokens[i] != ",":
                raise _bad_label_selector(text, f"found '{tokens[i]}', expected: ','")
            i += 1
    return requirements


def labels_match(requirements: list[Requirement], labels: dict[str, str] | None) -> bool:
    found = labels or {}
    return all(r.matches(found) for r in requirements)


# ---- field selectors (k8s.io/apimachinery/pkg/fields) -----------------------------------------------------

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


@dataclass(frozen=True)
class Selector:
    """What a list or watch request selects: a namespace (or all), label requirements, field terms."""

    namespace: str | None
    labels: list[Requirement]
    fields: list[FieldTerm]

    def matches(self, obj: Obj) -> bool:
        meta = obj.get("metadata") or {}
        if self.namespace is not None and meta.get("namespace", "") != self.namespace:
            return False
        return labels_match(self.labels, meta.get("labels")) and fields_match(self.fields, obj)
