"""Server-side printing: `meta.k8s.io/v1` Tables built from the engine's apiserver/tables.py, as `kubectl get` asks for them."""

from __future__ import annotations

from typing import Any

from cluster.sim.apiserver import tables
from cluster.sim.apiserver.store import clone

Obj = dict[str, Any]

TABLE_V1 = "application/json;as=Table;v=v1;g=meta.k8s.io"
TABLE_V1BETA1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io"


def negotiate(accept: str) -> str | None:
    """`meta.k8s.io/v1` or `meta.k8s.io/v1beta1` when the Accept header asks for a Table first, else None."""
    for part in accept.split(","):
        params = {p.strip() for p in part.split(";")}
        if "as=Table" in params and "g=meta.k8s.io" in params:
            if "v=v1" in params:
                return "meta.k8s.io/v1"
            if "v=v1beta1" in params:
                return "meta.k8s.io/v1beta1"
        elif part.split(";")[0].strip() in ("application/json", "*/*", "application/*"):
            return None
    return None


def content_type(api_version: str) -> str:
    return TABLE_V1 if api_version == "meta.k8s.io/v1" else TABLE_V1BETA1


def partial_metadata(obj: Obj, api_version: str = "meta.k8s.io/v1") -> Obj:
    """The row's object for includeObject=Metadata: kubectl reads namespace and labels from it."""
    meta = clone(obj.get("metadata") or {})
    meta.pop("managedFields", None)
    return {"kind": "PartialObjectMetadata", "apiVersion": api_version, "metadata": meta}


def columns(kind: str) -> list[Obj]:
    cols, _ = tables.table(kind, [], 0.0)
    return [{"name": c.name, "type": c.type, "format": c.format, "description": c.description,
             "priority": c.priority} for c in cols]


def table(kind: str, objs: list[Obj], now: float, *, resource_version: str = "", include_object: str = "Metadata",
          api_version: str = "meta.k8s.io/v1", with_columns: bool = True) -> Obj:
    """A metav1.Table: every column (kubectl hides priority > 0 unless -o wide), one row per object."""
    _, cells = tables.table(kind, objs, now)
    rows = []
    for obj, row in zip(objs, cells, strict=True):
        entry: Obj = {"cells": row}
        if include_object == "Object":
            entry["object"] = clone(obj)
        elif include_object != "None":
            entry["object"] = partial_metadata(obj, api_version)
        rows.append(entry)
    body: Obj = {"kind": "Table", "apiVersion": api_version, "metadata": {"resourceVersion": resource_version}}
    if with_columns:
        body["columnDefinitions"] = columns(kind)
    body["rows"] = rows
    return body
