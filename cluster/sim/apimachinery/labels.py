"""Labels and label selectors (k8s.io/apimachinery/pkg/labels and meta/v1's LabelSelector), the one implementation.

Three forms select pods: a selector string as `kubectl get -l` and list/watch requests send it (`parse`), a
`metav1.LabelSelector` with matchLabels and matchExpressions as Deployments and ReplicaSets carry it
(`selector_matches`), and a plain map as a Service's `spec.selector` is (`map_matches`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cluster.sim.apimachinery import errors
from cluster.sim.apimachinery.validation import is_qualified_name, is_valid_label_value

Labels = dict[str, str]


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # = != in notin exists !exists gt lt
    values: tuple[str, ...] = ()

    def matches(self, labels: Labels) -> bool:
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


@dataclass(frozen=True)
class Selector:
    """A parsed selector: every requirement must hold; no requirements select everything."""

    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Labels | None) -> bool:
        found = labels or {}
        return all(r.matches(found) for r in self.requirements)

    def empty(self) -> bool:
        return not self.requirements


# ---- selector strings (labels.Parse) ----------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(\(|\)|,|!=|==|=|!|>|<|[^\s(),!=<>]+)")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:  # pragma: no cover - the pattern accepts every non-space character
            raise _bad_selector(text)
        out.append(match.group(1))
        pos = match.end()
    return out


def _bad_selector(text: str, why: str = "") -> errors.ApiError:
    detail = f": {why}" if why else ""
    return errors.bad_request(f'unable to parse requirement: invalid label selector "{text}"{detail}')


def parse(text: str) -> Selector:
    """labels.Parse: `app=web,tier!=db`, `env in (a,b)`, `!canary`, `release`; an empty string selects all.

    A selector that does not parse raises the API server's 400 BadRequest."""
    tokens = _tokens(text)
    requirements: list[Requirement] = []
    i = 0

    def take() -> str:
        nonlocal i
        if i >= len(tokens):
            raise _bad_selector(text, "unexpected end of selector")
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
                        raise _bad_selector(text, "for 'Gt', 'Lt' operators, the value must be an integer")
                    requirements.append(Requirement(key, "gt" if op == ">" else "lt", (bound,)))
                elif op in ("in", "notin"):
                    if take() != "(":
                        raise _bad_selector(text, "expected '('")
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
                    raise _bad_selector(text, f"found '{op}', expected: in, notin, =, ==, !=, gt, lt")
        if i < len(tokens):
            if tokens[i] != ",":
                raise _bad_selector(text, f"found '{tokens[i]}', expected: ','")
            i += 1
    return Selector(tuple(requirements))


# ---- maps and metav1.LabelSelector -------------------------------------------------------------------------

def map_matches(selector: Labels | None, labels: Labels | None) -> bool:
    """labels.SelectorFromSet(selector).Matches(labels): every key/value present; an empty map selects all."""
    if not selector:
        return True
    found = labels or {}
    return all(found.get(k) == v for k, v in selector.items())


# Selectors reach these functions before validation has looked at them, so every field may be malformed.

def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _expressions(selector: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in _list(selector.get("matchExpressions")) if isinstance(e, dict)]


def selector_matches(selector: dict[str, Any] | None, labels: Labels | None) -> bool:
    """metav1.LabelSelectorAsSelector(selector).Matches(labels): nil selects nothing, `{}` everything."""
    if selector is None:
        return False
    found = labels or {}
    if not map_matches(_map(selector.get("matchLabels")), found):
        return False
    for expr in _expressions(selector):
        key, operator, values = _str(expr.get("key")), expr.get("operator"), _list(expr.get("values"))
        present = key in found
        if operator == "In" and not (present and found[key] in values):
            return False
        if operator == "NotIn" and present and found[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def selector_is_empty(selector: dict[str, Any] | None) -> bool:
    """Neither matchLabels nor matchExpressions: a selector that would select everything."""
    return not selector or (not selector.get("matchLabels") and not selector.get("matchExpressions"))


def selector_parses(selector: dict[str, Any]) -> bool:
    """Whether metav1.LabelSelectorAsSelector accepts the selector (keys, values and operators well formed)."""
    for key, value in _map(selector.get("matchLabels")).items():
        if is_qualified_name(key) or is_valid_label_value(_str(value)):
            return False
    for expr in _expressions(selector):
        operator, values = expr.get("operator"), _list(expr.get("values"))
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist") or is_qualified_name(_str(expr.get("key"))):
            return False
        if (operator in ("In", "NotIn")) != bool(values):
            return False
        if any(is_valid_label_value(_str(v)) for v in values):
            return False
    return True


# ---- printing ----------------------------------------------------------------------------------------------

def format_labels(labels: Labels | None) -> str:
    """labels.FormatLabels: sorted k=v joined by ',', or <none>."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def selector_string(selector: dict[str, Any] | None) -> str:
    """labels.Selector.String() of a metav1.LabelSelector (empty for nil or empty selectors)."""
    if not selector:
        return ""
    parts: list[tuple[str, str]] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        parts.append((key, f"{key}={value}"))
    for expr in _expressions(selector):
        key, op = expr["key"], expr["operator"]
        values = ",".join(sorted(expr.get("values") or []))
        text = {"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(op, key)
        parts.append((key, text))
    return ",".join(text for _, text in sorted(parts))


def format_label_selector(selector: dict[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: like selector_string, but `<none>` when empty."""
    return selector_string(selector) or "<none>"
