"""The REST handlers: discovery, OpenAPI, and CRUD, list, patch and scale for the simulated kinds.

Every request names a sandbox in its path and must carry that sandbox's bearer token. Reads load the sandbox
advanced to now; writes go through `runtime.act`, so they are saved and published like any other change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from cluster import limits, runtime
from cluster.kubeapi import discovery, openapi, protobuf, tables
from cluster.kubeapi import health as healthchecks
from cluster.kubeapi.request import (
    Target,
    authenticate,
    internal_error,
    json_response,
    parse_target,
    path_not_found,
    selector_for,
    status_response,
    unauthorized,
)
from cluster.kubeapi.watch import serve_watch
from cluster.sim.apimachinery import errors, labels
from cluster.sim.apimachinery.kinds import KINDS, Kind
from cluster.sim.apiserver import decoding
from cluster.sim.apiserver.merge import apply_json_patch, json_merge_patch, strategic_merge_patch
from cluster.sim.apiserver.store import clone
from cluster.sim.cluster import Cluster
from cluster.sim.manifests.document import DEFAULT_LIMITS, Budget, ManifestError
from cluster.sim.manifests.gojson import well_formed_value
from cluster.sim.manifests.goyaml import yaml_stream

Obj = dict[str, Any]
log = logging.getLogger(__name__)

# The same limits as a manifest sent over the websocket (manifests.document.Limits): size, nesting, YAML aliases.
# (kube-apiserver's own body limit is 3 MiB, k8s.io/apiserver/pkg/server/config.go MaxRequestBodyBytes.)
BODY_LIMITS = DEFAULT_LIMITS

PATCH_TYPES = {
    "application/strategic-merge-patch+json": "strategic",
    "application/merge-patch+json": "merge",
    "application/json-patch+json": "json",
}
APPLY_PATCH = "application/apply-patch+yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"


def method_not_allowed(method: str) -> errors.ApiError:
    return errors.ApiError(405, "MethodNotAllowed", f"the server does not allow this method on the requested "
                           f"resource ({method})", {})


# ---- responses -----------------------------------------------------------------------------------------


def success_status(kind: Kind, obj: Obj) -> Obj:
    """The Status a DELETE answers with when the object is gone at once."""
    meta = obj.get("metadata") or {}
    details: Obj = {"name": meta.get("name", ""), "kind": kind.resource, "uid": meta.get("uid", "")}
    if kind.group:
        details["group"] = kind.group
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}


# ---- authentication and error mapping ------------------------------------------------------------------


def answer(fn: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Authenticate, run the handler while holding the engine lock, and answer every failure as a Status."""

    @wraps(fn)
    def wrapper(request: HttpRequest, sandbox: str, *args: Any, token: str | None = None,
                **kwargs: Any) -> HttpResponse:
        try:
            refused = limits.hit("address-commands", request.META.get("REMOTE_ADDR", ""))
            if refused is None:
                authenticate(request, sandbox, token)
                refused = limits.hit("sandbox-api", sandbox)  # counted once the token is right
            if refused is not None:
                return too_many_requests(refused)
            # the request reads the cluster runtime.load returns: it holds the sandbox's lock throughout
            with runtime.locked(sandbox):
                return fn(request, sandbox, *args, **kwargs)
        except errors.ApiError as err:
            return status_response(err)
        except runtime.SandboxNotFound:
            return status_response(unauthorized())
        except runtime.SandboxBusy:
            return status_response(errors.ApiError(
                429, "TooManyRequests", "the sandbox is busy with other changes; please try again", {}))
        except RequestDataTooBig:
            return status_response(too_large())
        except runtime.SandboxBroken as err:
            return status_response(internal_error(str(err)))
        except Exception:  # a bug answers as the apiserver answers a panic: a Status, never an HTML page
            log.exception("%s %s failed", request.method, request.path)
            return status_response(internal_error("an unexpected failure in this simulated cluster; nothing was "
                                                  "changed"))

    return wrapper


def too_large() -> errors.ApiError:
    """mirrors apierrors.NewRequestEntityTooLargeError for a body over the limit."""
    return errors.ApiError(413, "RequestEntityTooLarge",
                           f"Request entity too large: limit is {BODY_LIMITS.max_bytes}", {})



def too_many_requests(refused: limits.Refusal) -> HttpResponse:
    """A limit's refusal as the apiserver answers one: a 429 Status with Retry-After."""
    response = status_response(errors.ApiError(429, "TooManyRequests", refused.message))
    response["Retry-After"] = str(refused.retry_after)
    return response


def api_view(fn: Callable[..., HttpResponse]) -> Callable[..., Any]:
    """A CSRF-exempt view that runs `fn` in a worker thread (the API is served by ASGI)."""
    handler = answer(fn)

    @csrf_exempt
    @wraps(fn)
    async def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return await sync_to_async(handler)(request, *args, **kwargs)

    return view


# ---- request parsing -----------------------------------------------------------------------------------


def read_body(request: HttpRequest) -> Any:
    """The request body as JSON (or YAML or protobuf when the client says so), within BODY_LIMITS; a 400 Status
    when it does not parse, a 413 when it is too big."""
    media = (request.content_type or "").split(";")[0].strip()
    body = request.body
    if len(body) > BODY_LIMITS.max_bytes:
        raise too_large()
    if media == PROTOBUF:
        return read_protobuf(body)
    text = body.decode("utf-8", errors="replace")
    if media in ("application/yaml", "application/apply-patch+yaml"):
        return read_yaml(text)
    return read_json(text)


def read_json(text: str) -> Any:
    if not text.strip():
        return None
    budget = Budget(BODY_LIMITS)
    try:
        value = decoding.loads(text)
    except RecursionError:
        raise errors.bad_request(f"error decoding the request body: {budget.too_deep(None)}") from None
    except ValueError as err:
        raise errors.bad_request(f"error decoding the request body: {err}") from err
    if _depth(value) > BODY_LIMITS.max_depth:
        raise errors.bad_request(f"error decoding the request body: {budget.too_deep(None)}")
    return well_formed_value(value)


def read_yaml(text: str) -> Any:
    """YAML as the apiserver converts it to JSON (sigs.k8s.io/yaml), with the websocket's alias and depth limits."""
    try:
        for value, _lines in yaml_stream(text, "the request body", Budget(BODY_LIMITS)):
            return value
    except ManifestError as err:
        raise errors.bad_request(f"error decoding the request body: {err.message}") from None
    return None


def _depth(value: Any) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level <= BODY_LIMITS.max_depth:
                pending.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def read_protobuf(body: bytes) -> Any:
    """A protobuf body (kubectl's typed clients: `kubectl create deployment|service|namespace …`) as JSON."""
    try:
        return protobuf.decode(body)
    except protobuf.UnsupportedKind as err:
        raise errors.ApiError(415, "UnsupportedMediaType",
                              f"this simulated cluster reads {err.kind or 'this'} request bodies as JSON or YAML "
                              f"only, not protobuf; write the object as YAML and `kubectl apply -f` it") from err
    except protobuf.ProtobufError as err:
        raise errors.bad_request(f"error decoding the request body: {err}") from err


def dry_run(request: HttpRequest) -> bool:
    values = request.GET.getlist("dryRun")
    if any(v != "All" for v in values):
        raise errors.bad_request(f"Invalid dry run value: {values}")
    return bool(values)


def strict(request: HttpRequest) -> bool:
    """fieldValidation=Strict rejects unknown fields; kubectl sends it on every create and patch."""
    value = request.GET.get("fieldValidation", "")
    if value not in ("", "Ignore", "Warn", "Strict"):
        raise errors.bad_request(f'fieldValidation must be one of "Ignore", "Warn" or "Strict", got "{value}"')
    return value == "Strict"


def checked_body(request: HttpRequest, target: Target) -> Obj:
    """A create or update body: an object of the URL's kind (defaulted from the URL when left out)."""
    body = read_body(request)
    kind = target.kind
    if not isinstance(body, dict):
        raise errors.bad_request(f"the object provided is unrecognized (must be of type {kind.kind})")
    body.setdefault("apiVersion", kind.api_version)
    body.setdefault("kind", kind.kind)
    if (body["kind"], body["apiVersion"]) != (kind.kind, kind.api_version):
        version = str(body["apiVersion"]).rsplit("/", 1)[-1]
        if KINDS.get(str(body["kind"])) is None or body["apiVersion"] != kind.api_version:
            # mirrors transformDecodeError over runtime.NewNotRegisteredErrForKind [K: the scheme's name]
            raise errors.bad_request(
                f'{body["kind"]} in version "{version}" cannot be handled as a {kind.kind}: no kind '
                f'"{body["kind"]}" is registered for version "{body["apiVersion"]}" in scheme '
                f'"pkg/api/legacyscheme/scheme.go:30"')
        raise errors.bad_request(f"the API version in the data ({body['apiVersion']}) does not match the "
                                 f"expected API version ({kind.api_version})")
    return body


# ---- discovery, version, OpenAPI -----------------------------------------------------------------------


@api_view
def version(request: HttpRequest, sandbox: str) -> HttpResponse:
    return json_response(discovery.VERSION_INFO)


@api_view
def health(request: HttpRequest, sandbox: str, endpoint: str, check: str = "") -> HttpResponse:
    return _health(request, endpoint, check)


@csrf_exempt
def public_health(request: HttpRequest, endpoint: str, check: str = "") -> HttpResponse:
    """/readyz at the server's root, where `kubectl get --raw /readyz` asks (AbsPath drops the sandbox's prefix):
    public, as the apiserver's system:public-info-viewer role makes it, and counted per address."""
    refused = limits.hit("address-commands", request.META.get("REMOTE_ADDR", ""))
    if refused is not None:
        return too_many_requests(refused)
    try:
        return _health(request, endpoint, check)
    except errors.ApiError as err:
        return status_response(err)


def _health(request: HttpRequest, endpoint: str, check: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        raise method_not_allowed(request.method or "")
    try:
        text = healthchecks.answer(endpoint, check, "verbose" in request.GET, request.GET.getlist("exclude"))
    except healthchecks.UnknownCheck:
        raise path_not_found() from None
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@api_view
def core_group(request: HttpRequest, sandbox: str) -> HttpResponse:
    wanted = discovery.negotiate_aggregated(request.headers.get("Accept", ""))
    if wanted:
        api_version = "apidiscovery.k8s.io/" + ("v2" if wanted == discovery.AGGREGATED_V2 else "v2beta1")
        return json_response(discovery.aggregated(True, api_version), content_type=wanted)
    return json_response(discovery.api_versions(request.get_host()))


@api_view
def named_groups(request: HttpRequest, sandbox: str) -> HttpResponse:
    wanted = discovery.negotiate_aggregated(request.headers.get("Accept", ""))
    if wanted:
        api_version = "apidiscovery.k8s.io/" + ("v2" if wanted == discovery.AGGREGATED_V2 else "v2beta1")
        return json_response(discovery.aggregated(False, api_version), content_type=wanted)
    return json_response(discovery.api_group_list())


@api_view
def named_group(request: HttpRequest, sandbox: str, group: str) -> HttpResponse:
    found = discovery.api_group(group)
    if found is None:
        raise path_not_found()
    return json_response(found)


@api_view
def resource_list(request: HttpRequest, sandbox: str, version: str, group: str = "") -> HttpResponse:
    found = discovery.resource_list(group, version)
    if found is None:
        raise path_not_found()
    return json_response(found)


@api_view
def openapi_v2(request: HttpRequest, sandbox: str) -> HttpResponse:
    if "protobuf" in request.headers.get("Accept", ""):
        return HttpResponse(b"", content_type=openapi.OPENAPI_V2_PROTOBUF)
    return json_response(openapi.v2_json())


@api_view
def openapi_v3_index(request: HttpRequest, sandbox: str) -> HttpResponse:
    prefix = request.path[: -len("/openapi/v3")]
    return json_response(openapi.v3_index(prefix))


@api_view
def openapi_v3(request: HttpRequest, sandbox: str, gv: str) -> HttpResponse:
    parsed = openapi.parse_gv_path(gv)
    text = openapi.v3_document(*parsed) if parsed else None
    if text is None:
        raise path_not_found()
    response = HttpResponse(text, content_type="application/json")
    if request.GET.get("hash"):
        response["Cache-Control"] = "public, immutable"  # the hash names this exact document
    return response


@api_view
def unknown_path(request: HttpRequest, sandbox: str, rest: str = "") -> HttpResponse:
    raise path_not_found()


@csrf_exempt
def no_such_sandbox(request: HttpRequest, rest: str = "") -> HttpResponse:
    """A path under /k8s/ that names no sandbox Podium could have made: the 401 any unknown sandbox gets."""
    return status_response(unauthorized())


# ---- resources -----------------------------------------------------------------------------------------


@csrf_exempt
async def resources(request: HttpRequest, sandbox: str, version: str, rest: str, group: str = "",
                    token: str | None = None) -> HttpResponse:
    """Everything under /api/v1/… and /apis/<group>/<version>/…; watches stream, the rest answer at once."""
    if request.method == "GET" and request.GET.get("watch") in ("true", "1"):
        return await serve_watch(request, sandbox, group, version, rest, token)
    return await sync_to_async(_resources)(request, sandbox, version, rest, group, token=token)


@answer
def _resources(request: HttpRequest, sandbox: str, version: str, rest: str, group: str) -> HttpResponse:
    target = parse_target(group, version, rest)
    method = request.method or "GET"
    if target.subresource == "scale":
        return scale(request, sandbox, target, method)
    if target.name is None:
        handler = {"GET": list_objects, "POST": create, "DELETE": delete_collection}.get(method)
    else:
        handler = {"GET": get_object, "PUT": replace, "PATCH": patch, "DELETE": delete}.get(method)
    if handler is None:
        raise method_not_allowed(method)
    return handler(request, sandbox, target)


def _table_or(request: HttpRequest, kind: Kind, objs: list[Obj], now: float, rv: str,
              plain: Callable[[], Any]) -> HttpResponse:
    """A Table when the client asks for one (kubectl get), else the plain object or list."""
    table_version = tables.negotiate(request.headers.get("Accept", ""))
    if table_version is None:
        return json_response(plain())
    include = request.GET.get("includeObject", "Metadata")
    return json_response(tables.table(kind.kind, objs, now, resource_version=rv, include_object=include,
                                      api_version=table_version), content_type=tables.content_type(table_version))


def list_objects(request: HttpRequest, sandbox: str, target: Target) -> HttpResponse:
    kind = target.kind
    selector = selector_for(request, kind, target.namespace if kind.namespaced else None)
    _, cluster = runtime.load(sandbox)
    objs = [clone(o) for o in cluster.store.list(kind.kind, selector.namespace) if selector.matches(o)]
    rv = str(cluster.store.rv)
    return _table_or(request, kind, objs, cluster.now, rv, lambda: {
        "kind": f"{kind.kind}List", "apiVersion": kind.api_version, "metadata": {"resourceVersion": rv},
        "items": objs})


def _current(cluster: Cluster, target: Target) -> Obj:
    kind = target.kind
    obj = cluster.store.get(kind.kind, target.store_namespace, target.name or "")
    if obj is None:
        raise errors.not_found(kind.resource, kind.group, target.name or "")
    return clone(obj)  # type: ignore[no-any-return]


def get_object(request: HttpRequest, sandbox: str, target: Target) -> HttpResponse:
    _, cluster = runtime.load(sandbox)
    obj = _current(cluster, target)
    return _table_or(request, target.kind, [obj], cluster.now, obj["metadata"].get("resourceVersion", ""),
                     lambda: obj)


def create(request: HttpRequest, sandbox: str, target: Target) -> HttpResponse:
    body = checked_body(request, target)
    is_dry, is_strict = dry_run(request), strict(request)
    namespace = target.namespace if target.kind.namespaced else None

    def act(cluster: Cluster) -> Obj:
        return clone(cluster.api.create(body, namespace=namespace, dry_run=is_dry, strict=is_strict))  # type: ignore[no-any-return]

    return json_response(runtime.act(sandbox, act).result, status=201)


def replace(request: HttpRequest, sandbox: str, target: Target) -> HttpResponse:
    body = checked_body(request, target)
    meta = body.setdefault("metadata", {})
    if meta.get("name") != target.name:
        raise errors.bad_request(f"the name of the object ({meta.get('name', '')}) does not match the name on "
                                 f"the URL ({target.name})")
    if target.kind.namespaced and meta.get("namespace") not in (None, "", target.namespace):
        raise errors.bad_request("the namespace of the provided object does not match the namespace sent on "
                                 "the request")
    is_dry, is_strict = dry_run(request), strict(request)

    def act(cluster: Cluster) -> Obj:
        return clone(cluster.api.update(body, namespace=target.namespace, dry_run=is_dry, strict=is_strict,  # type: ignore[no-any-return]
                                        subresource=target.subresource or ""))

    return json_response(runtime.act(sandbox, act).result)


def patch_type(request: HttpRequest) -> str:
    media = (request.content_type or "").split(";")[0].strip()
    if media == APPLY_PATCH:
        raise errors.ApiError(415, "UnsupportedMediaType",
                              "server-side apply is not supported by this simulated cluster; use client-side "
                              "apply (kubectl apply without --server-side)")
    found = PATCH_TYPES.get(media)
    if found is None:
        raise errors.ApiError(415, "UnsupportedMediaType",
                              f"the body of the request was in an unknown format - accepted media types include: "
                              f"{', '.join(PATCH_TYPES)}")
    return found


def patched(current: Any, body: Any, kind: str) -> Any:
    if kind == "merge":
        return json_merge_patch(current, body)
    if kind == "strategic":
        return strategic_merge_patch(current, body)
    return apply_json_patch(current, body)


def patch(request: HttpRequest, sandbox: str, target: Target) -> HttpResponse:
    kind_of_patch = patch_type(request)
    body = read_body(request)
    is_dry, is_strict = dry_run(request), strict(request)
    kind = target.kind

    def act(cluster: Cluster) -> Obj:
        if target.subresource == "status":
            changed = patched(_current(cluster, target), body, kind_of_patch)
            return clone(cluster.api.update(changed, namespace=target.namespace, dry_run=is_dry,  # type: ignore[no-any-return]
                                            strict=is_strict, subresource="status"))
        return clone(cluster.api.patch(kind.kind, target.store_namespace, target.name or "", body,  # type: ignore[no-any-return]
                                       kind_of_patch, dry_run=is_dry, strict=is_strict))

    return json_response(runtime.act(sandbox, act).result)


def delete_options(request: HttpRequest) -> tuple[int | None, str]:
    """gracePeriodSeconds and propagationPolicy from the DeleteOptions body or the query string."""
    body = read_body(request) if request.body else None
    options = body if isinstance(body, dict) else {}
    grace: Any = options.get("gracePeriodSeconds", request.GET.get("gracePeriodSeconds"))
    propagation = options.get("propagationPolicy") or request.GET.get("propagationPolicy") or "Background"
    if propagation not in ("Orphan", "Background", "Foreground"):
        raise errors.bad_request(f'propagationPolicy: Unsupported value: "{propagation}": supported values: '
                                 '"Foreground", "Background", "Orphan"')
    try:
        return (None if grace is None else int(grace)), str(propagation)
    except (TypeError, ValueError) as err:
        raise errors.bad_request(f"invalid gracePeriodSeconds: {grace!r}") from err


def _delete_one(cluster: Cluster, kind: Kind, namespace: str, name: str, grace: int | None, propagation: str,
                is_dry: bool) -> Obj:
    gone = clone(cluster.api.delete(kind.kind, namespace, name, grace_period=grace, propagation=propagation,
                                    dry_run=is_dry))
    still = cluster.store.get(kind.kind, namespace, name)
    if kind.kind == "Pod":
        # the pod registry answers with the object: terminating while its grace period runs, else as deleted
        return clone(still) if still is not None else gone  # type: ignore[no-any-return]
    if still is not None and not is_dry:
        return clone(still)  # type: ignore[no-any-return]
    return success_status(kind, gone)


def delete(request: HttpRequest, sandbox: str, target: Target) -> HttpResponse:
    grace, propagation = delete_options(request)
    is_dry = dry_run(request)

    def act(cluster: Cluster) -> Obj:
        return _delete_one(cluster, target.kind, target.store_namespace, target.name or "", grace, propagation,
                           is_dry)

    return json_response(runtime.act(sandbox, act).result)


def delete_collection(request: HttpRequest, sandbox: str, target: Target) -> HttpResponse:
    kind = target.kind
    if "deletecollection" not in kind.verbs:
        raise method_not_allowed("DELETE")
    grace, propagation = delete_options(request)
    is_dry = dry_run(request)
    selector = selector_for(request, kind, target.namespace if kind.namespaced else None)

    def act(cluster: Cluster) -> list[Obj]:
        doomed = [o for o in cluster.store.list(kind.kind, selector.namespace) if selector.matches(o)]
        items = []
        for obj in doomed:
            meta = obj["metadata"]
            if cluster.store.get(kind.kind, meta.get("namespace", ""), meta["name"]) is not None:
                items.append(clone(cluster.api.delete(kind.kind, meta.get("namespace", ""), meta["name"],
                                                      grace_period=grace, propagation=propagation,
                                                      dry_run=is_dry)))
        return items

    items = runtime.act(sandbox, act).result
    return json_response({"kind": f"{kind.kind}List", "apiVersion": kind.api_version,
                          "metadata": {"resourceVersion": ""}, "items": items})


# ---- the scale subresource -----------------------------------------------------------------------------


def scale_of(obj: Obj) -> Obj:
    """The autoscaling/v1 Scale of a Deployment or ReplicaSet."""
    meta = obj["metadata"]
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                     if k in meta},
        "spec": {"replicas": spec.get("replicas", 1)},
        "status": {"replicas": status.get("replicas", 0), "selector": labels.selector_string(spec.get("selector"))},
    }


def scale(request: HttpRequest, sandbox: str, target: Target, method: str) -> HttpResponse:
    kind = target.kind
    if method == "GET":
        _, cluster = runtime.load(sandbox)
        return json_response(scale_of(_current(cluster, target)))
    if method == "PUT":
        body = read_body(request)
        change: Callable[[Obj], Any] = lambda _current_scale: body  # noqa: E731
    elif method == "PATCH":
        kind_of_patch = patch_type(request)
        body = read_body(request)
        change = lambda current_scale: patched(current_scale, body, kind_of_patch)  # noqa: E731
    else:
        raise method_not_allowed(method)
    is_dry = dry_run(request)

    def act(cluster: Cluster) -> Obj:
        current = _current(cluster, target)
        wanted = change(scale_of(current))
        if not isinstance(wanted, dict):
            raise errors.bad_request("the object provided is unrecognized (must be of type Scale)")
        given = (wanted.get("metadata") or {}).get("resourceVersion")
        if given and given != current["metadata"]["resourceVersion"]:
            raise errors.conflict(kind.resource, kind.group, target.name or "",
                                  "the object has been modified; please apply your changes to the latest "
                                  "version and try again")
        spec = wanted.get("spec") or {}
        replicas = spec.get("replicas", 0) if isinstance(spec, dict) else spec
        if not isinstance(replicas, int) or isinstance(replicas, bool) or not -(2**31) <= replicas < 2**31:
            what = decoding.json_kind(replicas)
            if what == "number":
                what += " " + (replicas.literal if isinstance(replicas, decoding.JsonNumber)
                               else decoding.go_number(replicas))
            field = "Go struct field ScaleSpec.spec.replicas of type int32" if isinstance(spec, dict) \
                else "Go struct field Scale.spec of type v1.ScaleSpec"
            raise errors.bad_request(f'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal '
                                     f"{what} into {field}")
        if replicas < 0:
            raise errors.invalid_object("Scale", "autoscaling", target.name or "", [
                errors.invalid("spec.replicas", replicas, "must be greater than or equal to 0")])
        if is_dry:
            current["spec"]["replicas"] = replicas
            return scale_of(current)
        return scale_of(clone(cluster.api.scale(kind.kind, target.store_namespace, target.name or "", replicas)))

    return json_response(runtime.act(sandbox, act).result)
