"""The OpenAPI documents kubectl fetches before apply and create: /openapi/v3 (per group-version) and /openapi/v2.

kubectl reads /openapi/v3 to learn that the server validates fields itself (a `fieldValidation` query parameter
on each kind's PATCH operation), so it sends `fieldValidation=Strict` and skips client-side schema validation
(cli-runtime `query_param_verifier_v3.go`). The documents carry operations only, no schemas.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from cluster.kubeapi.discovery import group_versions, kinds_in, subresources
from cluster.sim.apimachinery.kinds import Kind
from cluster.sim.settings import KUBERNETES_VERSION

# An empty body is a valid, empty gnostic protobuf document; kubectl accepts it only with this exact type.
OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

FIELD_VALIDATION = {
    "name": "fieldValidation",
    "in": "query",
    "description": "fieldValidation instructs the server on how to handle objects in the request "
                   "(POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn "
                   "- Strict",
    "schema": {"type": "string", "uniqueItems": True},
}

# Strategic merge is left out on purpose: kubectl's patcher then builds its patches from its compiled-in Go
# types (exactly the patchMergeKeys a full document would give) instead of asking for schemas we don't ship.
PATCH_TYPES = ("application/json-patch+json", "application/merge-patch+json")


def gv_path(group: str, version: str) -> str:
    """`api/v1`, `apis/apps/v1`: the key of a group-version in the /openapi/v3 index."""
    return f"apis/{group}/{version}" if group else f"api/{version}"


def _operation_id(verb: str, kind: Kind, namespaced: bool, suffix: str = "") -> str:
    group = "".join(part.capitalize() for part in (kind.group or "core").split(".")[:1])
    scope = "Namespaced" if namespaced else ""
    return f"{verb}{group}{kind.version.capitalize()}{scope}{kind.kind}{suffix}"


def _gvk(group: str, version: str, kind: str) -> dict[str, str]:
    return {"group": group, "kind": kind, "version": version}


def _paths(kind: Kind) -> dict[str, Any]:
    base = "/" + gv_path(kind.group, kind.version)
    scope = f"{base}/namespaces/{{namespace}}/{kind.resource}" if kind.namespaced else f"{base}/{kind.resource}"
    gvk = _gvk(kind.group, kind.version, kind.kind)
    ok = {"200": {"description": "OK"}}
    paths: dict[str, Any] = {
        scope: {
            "get": {"operationId": _operation_id("list", kind, kind.namespaced), "responses": ok,
                    "x-kubernetes-action": "list", "x-kubernetes-group-version-kind": gvk},
            "post": {"operationId": _operation_id("create", kind, kind.namespaced), "responses": ok,
                     "parameters": [FIELD_VALIDATION],
                     "x-kubernetes-action": "post", "x-kubernetes-group-version-kind": gvk},
        },
    }
    items = [(f"{scope}/{{name}}", kind.group, kind.version, kind.kind, "")]
    items += [(f"{scope}/{{name}}/{s.name}", s.group, s.version, s.kind, s.name.capitalize())
              for s in subresources(kind)]
    for path, group, version, kind_name, suffix in items:
        sub_gvk = _gvk(group, version, kind_name)
        paths[path] = {
            "get": {"operationId": _operation_id("read", kind, kind.namespaced, suffix), "responses": ok,
                    "x-kubernetes-action": "get", "x-kubernetes-group-version-kind": sub_gvk},
            "put": {"operationId": _operation_id("replace", kind, kind.namespaced, suffix), "responses": ok,
                    "parameters": [FIELD_VALIDATION],
                    "x-kubernetes-action": "put", "x-kubernetes-group-version-kind": sub_gvk},
            "patch": {"operationId": _operation_id("patch", kind, kind.namespaced, suffix), "responses": ok,
                      "parameters": [FIELD_VALIDATION],
                      "requestBody": {"content": {t: {"schema": {"type": "object"}} for t in PATCH_TYPES}},
                      "x-kubernetes-action": "patch", "x-kubernetes-group-version-kind": sub_gvk},
        }
    return paths


@lru_cache(maxsize=16)
def _document_text(group: str, version: str) -> str:
    paths: dict[str, Any] = {}
    for kind in kinds_in(group, version):
        paths.update(_paths(kind))
    document = {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION},
                "paths": paths, "components": {"schemas": {}}}
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def v3_document(group: str, version: str) -> str | None:
    """The OpenAPI v3 document of one group-version, as JSON text (None if not served)."""
    if (group, version) not in group_versions():
        return None
    return _document_text(group, version)


def v3_hash(group: str, version: str) -> str:
    return hashlib.sha512(_document_text(group, version).encode()).hexdigest().upper()


def v3_index(prefix: str) -> dict[str, Any]:
    """GET /openapi/v3: where each group-version's document lives (server-relative, so with Podium's prefix)."""
    return {
        "paths": {
            gv_path(g, v): {"serverRelativeURL": f"{prefix}/openapi/v3/{gv_path(g, v)}?hash={v3_hash(g, v)}"}
            for g, v in group_versions()
        }
    }


def parse_gv_path(path: str) -> tuple[str, str] | None:
    """`apis/apps/v1` -> ("apps", "v1"); `api/v1` -> ("", "v1")."""
    parts = path.strip("/").split("/")
    if len(parts) == 2 and parts[0] == "api":
        return "", parts[1]
    if len(parts) == 3 and parts[0] == "apis":
        return parts[1], parts[2]
    return None


def v2_json() -> dict[str, Any]:
    """/openapi/v2 for clients that ask for JSON: a valid, empty Swagger document."""
    return {"swagger": "2.0", "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION},
            "paths": {}, "definitions": {}}
