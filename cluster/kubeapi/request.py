"""What every API request carries and names, shared by the handlers and the watch: its sandbox's token, the
resource its path names, its selectors, and the Status answers for what goes wrong."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from cluster.kubeapi import discovery
from cluster.kubeapi.selectors import Selector
from cluster.models import Sandbox
from cluster.sim.apimachinery import errors, labels
from cluster.sim.apimachinery.kinds import Kind
from cluster.sim.apiserver.fieldselectors import parse_field_selector


def unauthorized() -> errors.ApiError:
    return errors.ApiError(401, "Unauthorized", "Unauthorized")


def internal_error(text: str) -> errors.ApiError:
    """mirrors apierrors.NewInternalError."""
    return errors.ApiError(500, "InternalError", f"Internal error occurred: {text}", {"causes": [{"message": text}]})


def path_not_found() -> errors.ApiError:
    """What the apiserver answers for a path it does not serve."""
    return errors.ApiError(404, "NotFound", "the server could not find the requested resource", {})


def json_response(body: Any, status: int = 200, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(json.dumps(body, separators=(",", ":"), ensure_ascii=False), status=status,
                        content_type=content_type)


def status_response(err: errors.ApiError) -> HttpResponse:
    response = json_response(err.status(), status=err.code)
    if err.code == 429:
        response["Retry-After"] = "1"
    return response


def authenticate(request: HttpRequest, sandbox: str, path_token: str | None = None) -> Sandbox:
    """The sandbox, if the request carries its token (bearer header, or in the path); a 401 Status otherwise."""
    token = path_token
    if token is None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        token = given.strip() if scheme.lower() == "bearer" else ""
    row = Sandbox.objects.filter(name=sandbox).only("name", "token").first()
    if row is None or not token or not secrets.compare_digest(token.encode(), row.token.encode()):
        raise unauthorized()
    return row


def selector_for(request: HttpRequest, kind: Kind, namespace: str | None) -> Selector:
    return Selector(namespace, labels.parse(request.GET.get("labelSelector", "")),
                    parse_field_selector(request.GET.get("fieldSelector", ""), kind.kind))


@dataclass(frozen=True)
class Target:
    """What a resource path names: a kind, maybe a namespace, maybe one object and a subresource."""

    kind: Kind
    namespace: str | None  # None: every namespace (or a cluster-scoped kind)
    name: str | None
    subresource: str | None

    @property
    def store_namespace(self) -> str:
        return (self.namespace or "") if self.kind.namespaced else ""


def parse_target(group: str, version: str, rest: str) -> Target:
    """`namespaces/default/pods/web/status` -> Target(Pod, "default", "web", "status"); 404 if not served."""
    parts = rest.strip("/").split("/")
    namespace = None
    if len(parts) >= 3 and parts[0] == "namespaces":
        scoped = discovery.find_resource(group, version, parts[2])
        if scoped is not None and scoped.namespaced:
            namespace, parts = parts[1], parts[2:]
    kind = discovery.find_resource(group, version, parts[0])
    if kind is None or len(parts) > 3 or any(not p for p in parts):
        raise path_not_found()
    name = parts[1] if len(parts) > 1 else None
    sub = parts[2] if len(parts) > 2 else None
    if kind.namespaced and namespace is None and name is not None:
        raise path_not_found()
    if sub is not None and sub not in {s.name for s in discovery.subresources(kind)}:
        raise path_not_found()
    return Target(kind, namespace, name, sub)
