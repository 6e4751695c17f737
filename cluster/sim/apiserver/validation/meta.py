"""Object metadata, labels, annotations and label selectors (apimachinery/pkg/api/validation and
meta/v1/validation)."""

from __future__ import annotations

from typing import Any

from cluster.sim.apimachinery import errors
from cluster.sim.apimachinery.errors import FieldError
from cluster.sim.apimachinery.validation import (
    IMMUTABLE_MSG,
    NEGATIVE_MSG,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
)
from cluster.sim.apiserver.validation.helpers import (
    Errs,
    Obj,
    as_dict,
    as_int,
    as_list,
    as_str,
    items_of,
)

# ---- metadata ------------------------------------------------------------------------------------------

TOTAL_ANNOTATION_SIZE = 256 * 1024


def validate_labels(labels: Any, path: str) -> Errs:
    """mirrors metav1validation.ValidateLabels: errors name the map, not the key."""
    errs: Errs = []
    for key, value in sorted(as_dict(labels).items()):
        errs += [errors.invalid(path, key, msg) for msg in is_qualified_name(key)]
        errs += [errors.invalid(path, value, msg) for msg in is_valid_label_value(as_str(value))]
    return errs


def validate_annotations(annotations: Any, path: str) -> Errs:
    errs: Errs = []
    annotations = as_dict(annotations)
    for key in sorted(annotations):
        errs += [errors.invalid(path, key, msg) for msg in is_qualified_name(key.lower())]
    size = sum(len(k) + len(as_str(v)) for k, v in annotations.items())
    if size > TOTAL_ANNOTATION_SIZE:
        errs.append(FieldError("too_long", path, None, f"may not be more than {TOTAL_ANNOTATION_SIZE} bytes"))
    return errs


def name_checker(kind: str) -> Any:
    if kind == "Service":
        return is_dns1035_label
    if kind == "Namespace":
        return is_dns1123_label
    return is_dns1123_subdomain


def validate_object_meta(meta: Any, namespaced: bool, name_fn: Any, path: str = "metadata") -> Errs:
    """mirrors ValidateObjectMetaAccessor."""
    meta = as_dict(meta)
    errs: Errs = []
    generate_name = as_str(meta.get("generateName"))
    if generate_name:
        masked = generate_name[:-1] + "a" if generate_name.endswith("-") else generate_name
        errs += [errors.invalid(f"{path}.generateName", generate_name, m) for m in name_fn(masked)]
    name = as_str(meta.get("name"))
    if not name:
        errs.append(errors.required(f"{path}.name", "name or generateName is required"))
    else:
        errs += [errors.invalid(f"{path}.name", name, m) for m in name_fn(name)]
    namespace = as_str(meta.get("namespace"))
    if namespaced:
        if not namespace:
            errs.append(errors.required(f"{path}.namespace"))
        else:
            errs += [errors.invalid(f"{path}.namespace", namespace, m) for m in is_dns1123_label(namespace)]
    elif namespace:
        errs.append(errors.forbidden(f"{path}.namespace", "not allowed on this type"))
    if as_int(meta.get("generation")) < 0:
        errs.append(errors.invalid(f"{path}.generation", meta["generation"], NEGATIVE_MSG))
    errs += validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    for i, ref in items_of(meta.get("ownerReferences")):
        ref_path = f"{path}.ownerReferences[{i}]"
        for field in ("apiVersion", "kind", "name", "uid"):
            if not ref.get(field):
                errs.append(errors.invalid(f"{ref_path}.{field}", as_str(ref.get(field)), "must not be empty")
                            if field != "uid" else errors.invalid(f"{ref_path}.uid", "", "uid must not be empty"))
    return errs


def validate_object_meta_update(new: Any, old: Any, path: str = "metadata") -> Errs:
    """mirrors ValidateObjectMetaAccessorUpdate (immutable identity, then labels and annotations)."""
    new, old = as_dict(new), as_dict(old)
    errs: Errs = []
    for field in ("name", "namespace", "uid", "creationTimestamp"):
        if field in old and new.get(field, old[field]) != old[field]:
            errs.append(errors.invalid(f"{path}.{field}", new.get(field), IMMUTABLE_MSG))
    errs += validate_labels(new.get("labels"), f"{path}.labels")
    errs += validate_annotations(new.get("annotations"), f"{path}.annotations")
    return errs


# ---- label selectors -----------------------------------------------------------------------------------


def validate_label_selector(selector: Obj, path: str) -> Errs:
    """mirrors metav1validation.ValidateLabelSelector."""
    errs = validate_labels(selector.get("matchLabels"), f"{path}.matchLabels")
    for i, expr in items_of(selector.get("matchExpressions")):
        expr_path = f"{path}.matchExpressions[{i}]"
        operator = as_str(expr.get("operator"))
        values = as_list(expr.get("values"))
        if operator in ("In", "NotIn"):
            if not values:
                errs.append(errors.required(f"{expr_path}.values",
                                            "must be specified when `operator` is 'In' or 'NotIn'"))
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errs.append(errors.forbidden(f"{expr_path}.values",
                                             "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        else:
            errs.append(errors.invalid(f"{expr_path}.operator", operator, "not a valid selector operator"))
        key = as_str(expr.get("key"))
        errs += [errors.invalid(f"{expr_path}.key", key, m) for m in is_qualified_name(key)]
        for j, value in enumerate(values):
            errs += [errors.invalid(f"{expr_path}.values[{j}]", value, m) for m in is_valid_label_value(as_str(value))]
    return errs
