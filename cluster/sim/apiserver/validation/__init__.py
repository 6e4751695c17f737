"""API validation as the v1.32 apiserver does it, with its exact texts and check order.

One module per Kubernetes source it mirrors: `meta` (apimachinery's api/validation and meta/v1/validation),
`core` (pkg/apis/core/validation), `apps` (pkg/apis/apps/validation); `helpers` reads bodies not yet validated
and renders Go values as the messages quote them; apimachinery's util/validation name rules live in
`cluster.sim.apimachinery.validation`. Objects arrive decoded and defaulted; map iteration, random in Go, is
sorted here so multi-cause output is stable. This module picks the checks for a kind.
"""

from __future__ import annotations

from cluster.sim.apimachinery import errors
from cluster.sim.apimachinery.errors import FieldError
from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.apimachinery.validation import IMMUTABLE_MSG
from cluster.sim.apiserver.validation.apps import (
    selector_immutable,
    validate_deployment_spec,
    validate_replica_set_spec,
)
from cluster.sim.apiserver.validation.core import (
    validate_config_map_data,
    validate_endpoint_slice_fields,
    validate_endpoints_subsets,
    validate_pod,
    validate_pod_update,
    validate_secret_data,
    validate_service,
    validate_service_update,
)
from cluster.sim.apiserver.validation.helpers import Errs, Obj, as_dict, as_str
from cluster.sim.apiserver.validation.meta import (
    name_checker,
    validate_object_meta,
    validate_object_meta_update,
)

_BODY_CHECKS = {
    "Deployment": validate_deployment_spec,
    "ReplicaSet": validate_replica_set_spec,
    "ConfigMap": validate_config_map_data,
    "Secret": validate_secret_data,
    "Endpoints": validate_endpoints_subsets,
    "EndpointSlice": validate_endpoint_slice_fields,
}


def _validate_meta(obj: Obj) -> Errs:
    kind_name = as_str(obj.get("kind"))
    kind = KINDS.get(kind_name)
    namespaced = kind.namespaced if kind else True
    return validate_object_meta(obj.get("metadata"), namespaced, name_checker(kind_name))


def _no_checks(obj: Obj) -> Errs:
    return []


def validate_create(obj: Obj) -> list[FieldError]:
    """All field errors the apiserver reports when this (decoded, defaulted) object is created."""
    kind = as_str(obj.get("kind"))
    if kind == "Pod":
        return validate_pod(obj)
    if kind == "Service":
        return validate_service(obj)
    return _validate_meta(obj) + _BODY_CHECKS.get(kind, _no_checks)(obj)


def validate_update(new: Obj, old: Obj) -> list[FieldError]:
    """All field errors the apiserver reports when `old` is replaced by `new`."""
    kind = as_str(new.get("kind"))
    if kind == "Pod":
        return validate_pod_update(new, old)
    if kind == "Service":
        return validate_service_update(new, old)
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += _BODY_CHECKS.get(kind, _no_checks)(new)
    if kind in ("Deployment", "ReplicaSet"):
        errs += selector_immutable(new, old)
    if kind == "Secret" and old.get("type") != new.get("type"):
        errs.append(errors.invalid("type", as_str(new.get("type")), IMMUTABLE_MSG))
    if kind in ("Secret", "ConfigMap") and old.get("immutable") is True:
        for field in ("data", "binaryData"):
            if new.get(field) != old.get(field):
                errs.append(errors.forbidden(field, "field is immutable when `immutable` is set"))
    return errs


def validation_error(obj: Obj, errs: list[FieldError]) -> errors.ApiError:
    """The 422 Invalid ApiError for these field errors (apierrors.NewInvalid)."""
    kind_name = as_str(obj.get("kind"))
    kind = KINDS.get(kind_name)
    group = kind.group if kind else as_str(obj.get("apiVersion")).rpartition("/")[0]
    name = as_str(as_dict(obj.get("metadata")).get("name"))
    return errors.invalid_object(kind_name, group, name, errs)


def kubectl_invalid_text(err: errors.ApiError) -> str:
    """What kubectl's checkErr prints for a reason-Invalid error (without the final newline)."""
    details = err.details or {}
    kind, name = details.get("kind", ""), details.get("name", "")
    prefix = f'The {kind} "{name}" is invalid' if kind or name else "The request is invalid"
    causes: list[str] = []
    for cause in err.causes:
        line = f"{cause.get('field', '')}: {cause.get('message', '')}"
        if line not in causes:
            causes.append(line)
    if not causes:
        return f"{prefix}: {err.message}"
    if len(causes) == 1:
        return f"{prefix}: {causes[0]}"
    return f"{prefix}: \n" + "\n".join(f"* {c}" for c in causes)
