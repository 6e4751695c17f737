"""What a list or watch request selects, from its query string, as the apiserver reads it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cluster.sim.apimachinery.labels import Selector as LabelSelector
from cluster.sim.apiserver.fieldselectors import FieldTerm, fields_match

Obj = dict[str, Any]


@dataclass(frozen=True)
class Selector:
    """What a list or watch request selects: a namespace (or all), label requirements, field terms."""

    namespace: str | None
    labels: LabelSelector
    fields: list[FieldTerm]

    def matches(self, obj: Obj) -> bool:
        meta = obj.get("metadata") or {}
        if self.namespace is not None and meta.get("namespace", "") != self.namespace:
            return False
        return self.labels.matches(meta.get("labels")) and fields_match(self.fields, obj)
