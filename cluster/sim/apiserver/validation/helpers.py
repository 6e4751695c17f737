"""What every validator reads with: accessors for bodies not yet validated, and Go's %#v renderings that
the messages quote."""

from __future__ import annotations

import json
from typing import Any

from cluster.sim.apimachinery.errors import FieldError, GoValue

Obj = dict[str, Any]
Errs = list[FieldError]


# ---- Go %#v renderings ---------------------------------------------------------------------------------


def go_string(value: Any) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def go_map(value: Any) -> str:
    if value is None:
        return "map[string]string(nil)"
    inner = ", ".join(f"{go_string(k)}:{go_string(v)}" for k, v in sorted(value.items()))
    return "map[string]string{" + inner + "}"


def go_strings(value: Any) -> str:
    if value is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(go_string(v) for v in value) + "}"


def label_selector_value(selector: Any) -> GoValue:
    """`v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`."""
    selector = selector if isinstance(selector, dict) else {}
    exprs = selector.get("matchExpressions")
    if exprs is None:
        rendered = "[]v1.LabelSelectorRequirement(nil)"
    else:
        rendered = "[]v1.LabelSelectorRequirement{" + ", ".join(
            f"v1.LabelSelectorRequirement{{Key:{go_string(e.get('key', ''))}, "
            f"Operator:{go_string(e.get('operator', ''))}, Values:{go_strings(e.get('values'))}}}"
            for e in exprs if isinstance(e, dict)) + "}"
    return GoValue(f"v1.LabelSelector{{MatchLabels:{go_map(selector.get('matchLabels'))}, "
                   f"MatchExpressions:{rendered}}}")


def int_or_string_value(value: Any) -> GoValue:
    """`intstr.IntOrString{Type:0, IntVal:0, StrVal:""}` (Type 0 is Int, 1 is String)."""
    if isinstance(value, str):
        return GoValue(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_string(value)}}}")
    return GoValue(f"intstr.IntOrString{{Type:0, IntVal:{int(value or 0)}, StrVal:\"\"}}")


def service_port_key_value(protocol: str, port: int) -> GoValue:
    """The (protocol, port) key of a duplicate Service port, as %#v of the internal core.ServicePort [D]."""
    return GoValue(f"core.ServicePort{{Name:\"\", Protocol:{go_string(protocol)}, AppProtocol:(*string)(nil), "
                   f"Port:{port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}")


# ---- small accessors -----------------------------------------------------------------------------------


def as_dict(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def as_int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def items_of(value: Any) -> list[tuple[int, Obj]]:
    return [(i, item) for i, item in enumerate(as_list(value)) if isinstance(item, dict)]
