"""API validation as the v1.32 apiserver does it, with its exact texts and check order.

Mirrors pkg/apis/core/validation/validation.go, pkg/apis/apps/validation/validation.go and apimachinery's
util/validation and meta/v1/validation. Objects arrive decoded and defaulted; map iteration, random in Go,
is sorted here so multi-cause output is stable.
"""

from __future__ import annotations

import ipaddress
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from cluster.sim.apimachinery import errors
from cluster.sim.apimachinery.errors import FieldError, GoValue
from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.apimachinery.labels import selector_matches, selector_parses
from cluster.sim.apimachinery.validation import (
    IMMUTABLE_MSG,
    NEGATIVE_MSG,
    PERCENT_FMT,
    PERCENT_MSG,
    full_match,
    is_config_map_key,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_ip,
    is_valid_label_value,
    is_valid_port_name,
    is_valid_port_num,
    parse_ip_sloppy,
    regex_error,
)
from cluster.sim.apiserver.defaults import externally_accessible

Obj = dict[str, Any]
Errs = list[FieldError]

# ---- apimachinery/pkg/util/validation lives in cluster.sim.apimachinery.validation ----------------

TOTAL_ANNOTATION_SIZE = 256 * 1024
MAX_SECRET_SIZE = 1024 * 1024
KUBELET_PORT = 10250
MAX_CLIENT_IP_AFFINITY_SECONDS = 86400
STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)


# ---- Go %#v renderings ---------------------------------------------------------------------------------


def _go_string(value: Any) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def _go_map(value: Any) -> str:
    if value is None:
        return "map[string]string(nil)"
    inner = ", ".join(f"{_go_string(k)}:{_go_string(v)}" for k, v in sorted(value.items()))
    return "map[string]string{" + inner + "}"


def _go_strings(value: Any) -> str:
    if value is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(_go_string(v) for v in value) + "}"


def label_selector_value(selector: Any) -> GoValue:
    """`v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`."""
    selector = selector if isinstance(selector, dict) else {}
    exprs = selector.get("matchExpressions")
    if exprs is None:
        rendered = "[]v1.LabelSelectorRequirement(nil)"
    else:
        rendered = "[]v1.LabelSelectorRequirement{" + ", ".join(
            f"v1.LabelSelectorRequirement{{Key:{_go_string(e.get('key', ''))}, "
            f"Operator:{_go_string(e.get('operator', ''))}, Values:{_go_strings(e.get('values'))}}}"
            for e in exprs if isinstance(e, dict)) + "}"
    return GoValue(f"v1.LabelSelector{{MatchLabels:{_go_map(selector.get('matchLabels'))}, "
                   f"MatchExpressions:{rendered}}}")


def int_or_string_value(value: Any) -> GoValue:
    """`intstr.IntOrString{Type:0, IntVal:0, StrVal:""}` (Type 0 is Int, 1 is String)."""
    if isinstance(value, str):
        return GoValue(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{_go_string(value)}}}")
    return GoValue(f"intstr.IntOrString{{Type:0, IntVal:{int(value or 0)}, StrVal:\"\"}}")


def service_port_key_value(protocol: str, port: int) -> GoValue:
    """The (protocol, port) key of a duplicate Service port, as %#v of the internal core.ServicePort [D]."""
    return GoValue(f"core.ServicePort{{Name:\"\", Protocol:{_go_string(protocol)}, AppProtocol:(*string)(nil), "
                   f"Port:{port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}")


# ---- small accessors -----------------------------------------------------------------------------------


def _dict(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _items(value: Any) -> list[tuple[int, Obj]]:
    return [(i, item) for i, item in enumerate(_list(value)) if isinstance(item, dict)]


# ---- metadata ------------------------------------------------------------------------------------------


def validate_labels(labels: Any, path: str) -> Errs:
    """mirrors metav1validation.ValidateLabels: errors name the map, not the key."""
    errs: Errs = []
    for key, value in sorted(_dict(labels).items()):
        errs += [errors.invalid(path, key, msg) for msg in is_qualified_name(key)]
        errs += [errors.invalid(path, value, msg) for msg in is_valid_label_value(_str(value))]
    return errs


def validate_annotations(annotations: Any, path: str) -> Errs:
    errs: Errs = []
    annotations = _dict(annotations)
    for key in sorted(annotations):
        errs += [errors.invalid(path, key, msg) for msg in is_qualified_name(key.lower())]
    size = sum(len(k) + len(_str(v)) for k, v in annotations.items())
    if size > TOTAL_ANNOTATION_SIZE:
        errs.append(FieldError("too_long", path, None, f"may not be more than {TOTAL_ANNOTATION_SIZE} bytes"))
    return errs


def _name_checker(kind: str) -> Any:
    if kind == "Service":
        return is_dns1035_label
    if kind == "Namespace":
        return is_dns1123_label
    return is_dns1123_subdomain


def validate_object_meta(meta: Any, namespaced: bool, name_fn: Any, path: str = "metadata") -> Errs:
    """mirrors ValidateObjectMetaAccessor."""
    meta = _dict(meta)
    errs: Errs = []
    generate_name = _str(meta.get("generateName"))
    if generate_name:
        masked = generate_name[:-1] + "a" if generate_name.endswith("-") else generate_name
        errs += [errors.invalid(f"{path}.generateName", generate_name, m) for m in name_fn(masked)]
    name = _str(meta.get("name"))
    if not name:
        errs.append(errors.required(f"{path}.name", "name or generateName is required"))
    else:
        errs += [errors.invalid(f"{path}.name", name, m) for m in name_fn(name)]
    namespace = _str(meta.get("namespace"))
    if namespaced:
        if not namespace:
            errs.append(errors.required(f"{path}.namespace"))
        else:
            errs += [errors.invalid(f"{path}.namespace", namespace, m) for m in is_dns1123_label(namespace)]
    elif namespace:
        errs.append(errors.forbidden(f"{path}.namespace", "not allowed on this type"))
    if _int(meta.get("generation")) < 0:
        errs.append(errors.invalid(f"{path}.generation", meta["generation"], NEGATIVE_MSG))
    errs += validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    for i, ref in _items(meta.get("ownerReferences")):
        ref_path = f"{path}.ownerReferences[{i}]"
        for field in ("apiVersion", "kind", "name", "uid"):
            if not ref.get(field):
                errs.append(errors.invalid(f"{ref_path}.{field}", _str(ref.get(field)), "must not be empty")
                            if field != "uid" else errors.invalid(f"{ref_path}.uid", "", "uid must not be empty"))
    return errs


def validate_object_meta_update(new: Any, old: Any, path: str = "metadata") -> Errs:
    """mirrors ValidateObjectMetaAccessorUpdate (immutable identity, then labels and annotations)."""
    new, old = _dict(new), _dict(old)
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
    for i, expr in _items(selector.get("matchExpressions")):
        expr_path = f"{path}.matchExpressions[{i}]"
        operator = _str(expr.get("operator"))
        values = _list(expr.get("values"))
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
        key = _str(expr.get("key"))
        errs += [errors.invalid(f"{expr_path}.key", key, m) for m in is_qualified_name(key)]
        for j, value in enumerate(values):
            errs += [errors.invalid(f"{expr_path}.values[{j}]", value, m) for m in is_valid_label_value(_str(value))]
    return errs


# ---- quantities ----------------------------------------------------------------------------------------

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1), "k": Decimal(1000),
            "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"), "P": Decimal("1e15"),
            "E": Decimal("1e18")}


def quantity_value(value: Any) -> Decimal | None:
    """The numeric value of a (decoded, so well-formed) resource quantity."""
    text = str(value).strip()
    match = re.fullmatch(r"([+-]?[0-9.]+)(.*)", text)
    if not match:
        return None
    try:
        number = Decimal(match[1])
    except InvalidOperation:
        return None
    suffix = match[2]
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * _DECIMAL[suffix]
    if re.fullmatch(r"[eE][-+]?[0-9]+", suffix):
        return number * Decimal(10) ** int(suffix[1:])
    return None


# ---- containers and pod specs --------------------------------------------------------------------------


def validate_port_num_or_name(value: Any, path: str) -> Errs:
    """mirrors ValidatePortNumOrName."""
    if isinstance(value, str):
        return [errors.invalid(path, value, m) for m in is_valid_port_name(value)]
    return [errors.invalid(path, _int(value), m) for m in is_valid_port_num(_int(value))]


def _validate_container_ports(ports: Any, path: str) -> Errs:
    errs: Errs = []
    names: set[str] = set()
    for i, port in _items(ports):
        port_path = f"{path}[{i}]"
        name = _str(port.get("name"))
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [errors.invalid(f"{port_path}.name", name, m) for m in msgs]
            elif name in names:
                errs.append(errors.duplicate(f"{port_path}.name", name))
            else:
                names.add(name)
        container_port = _int(port.get("containerPort"))
        if container_port == 0:
            errs.append(errors.required(f"{port_path}.containerPort"))
        else:
            errs += [errors.invalid(f"{port_path}.containerPort", container_port, m)
                     for m in is_valid_port_num(container_port)]
        host_port = _int(port.get("hostPort"))
        if host_port:
            errs += [errors.invalid(f"{port_path}.hostPort", host_port, m) for m in is_valid_port_num(host_port)]
        errs += _validate_protocol(port.get("protocol"), f"{port_path}.protocol")
    return errs


def _validate_protocol(protocol: Any, path: str) -> Errs:
    if not protocol:
        return [errors.required(path)]
    if protocol not in ("SCTP", "TCP", "UDP"):
        return [errors.unsupported(path, protocol, ["SCTP", "TCP", "UDP"])]
    return []


def _validate_env(env: Any, path: str) -> Errs:
    errs: Errs = []
    for i, var in _items(env):
        name = _str(var.get("name"))
        if not name:
            errs.append(errors.required(f"{path}[{i}].name"))
        # RelaxedEnvironmentVariableValidation is on by default in 1.32 [K]
        elif "=" in name or any(not (32 <= ord(c) <= 126) for c in name):
            errs.append(errors.invalid(f"{path}[{i}].name", name, "a valid environment variable name must consist "
                                       "only of printable ASCII characters other than '='"))
    return errs


def _validate_volume_mounts(mounts: Any, volumes: set[str], path: str) -> Errs:
    errs: Errs = []
    seen: set[str] = set()
    for i, mount in _items(mounts):
        mount_path = f"{path}[{i}]"
        name = _str(mount.get("name"))
        if not name:
            errs.append(errors.required(f"{mount_path}.name"))
        if name not in volumes:
            errs.append(FieldError("not_found", f"{mount_path}.name", name))
        target = _str(mount.get("mountPath"))
        if not target:
            errs.append(errors.required(f"{mount_path}.mountPath"))
        if target in seen:
            errs.append(errors.invalid(f"{mount_path}.mountPath", target, "must be unique"))
        seen.add(target)
    return errs


def _validate_resources(resources: Any, path: str) -> Errs:
    """mirrors ValidateResourceRequirements: names, non-negative, requests within limits."""
    resources = _dict(resources)
    errs: Errs = []
    limits, requests = _dict(resources.get("limits")), _dict(resources.get("requests"))
    for section, values in (("limits", limits), ("requests", requests)):
        for name in sorted(values):
            key_path = f"{path}.{section}[{name}]"
            if "/" not in name and name not in STANDARD_CONTAINER_RESOURCES and not name.startswith("hugepages-"):
                errs.append(errors.invalid(key_path, name, "must be a standard resource for containers"))
                continue
            amount = quantity_value(values[name])
            if amount is not None and amount < 0:
                errs.append(errors.invalid(key_path, str(values[name]), NEGATIVE_MSG))
    for name in sorted(requests):
        if name in limits:
            request, limit = quantity_value(requests[name]), quantity_value(limits[name])
            if request is not None and limit is not None and request > limit:
                errs.append(errors.invalid(f"{path}.requests[{name}]", str(requests[name]),
                                           f"must be less than or equal to {name} limit of {limits[name]}"))
    return errs


def _validate_handler(handler: Obj, path: str) -> Errs:
    """mirrors validateHandler: exactly one of exec, httpGet, tcpSocket, grpc, sleep."""
    errs: Errs = []
    count = 0
    for kind in ("exec", "httpGet", "tcpSocket", "grpc", "sleep"):
        action = handler.get(kind)
        if action is None:
            continue
        if count:
            errs.append(errors.forbidden(f"{path}.{kind}", "may not specify more than 1 handler type"))
            continue
        count += 1
        action = _dict(action)
        if kind == "exec" and not _list(action.get("command")):
            errs.append(errors.required(f"{path}.exec.command"))
        elif kind == "httpGet":
            if not action.get("path"):
                errs.append(errors.required(f"{path}.httpGet.path"))
            errs += validate_port_num_or_name(action.get("port"), f"{path}.httpGet.port")
            if action.get("scheme") not in ("HTTP", "HTTPS"):
                errs.append(errors.unsupported(f"{path}.httpGet.scheme", _str(action.get("scheme")),
                                               ["HTTP", "HTTPS"]))
        elif kind == "tcpSocket":
            errs += validate_port_num_or_name(action.get("port"), f"{path}.tcpSocket.port")
        elif kind == "grpc":
            errs += [errors.invalid(f"{path}.grpc.port", _int(action.get("port")), m)
                     for m in is_valid_port_num(_int(action.get("port")))]
    if count == 0:
        errs.append(errors.required(path, "must specify a handler type"))
    return errs


def _validate_probe(probe: Any, path: str, kind: str) -> Errs:
    if not isinstance(probe, dict):
        return []
    errs = _validate_handler(probe, path)
    for field in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                  "failureThreshold"):
        if _int(probe.get(field)) < 0:
            errs.append(errors.invalid(f"{path}.{field}", probe[field], NEGATIVE_MSG))
    grace = probe.get("terminationGracePeriodSeconds")
    if kind == "readinessProbe" and grace is not None:
        errs.append(errors.invalid(f"{path}.terminationGracePeriodSeconds", grace,
                                   "must not be set for readinessProbes"))
    elif isinstance(grace, int) and grace <= 0:
        errs.append(errors.invalid(f"{path}.terminationGracePeriodSeconds", grace, "must be greater than 0"))
    if kind != "readinessProbe" and _int(probe.get("successThreshold")) != 1:
        errs.append(errors.invalid(f"{path}.successThreshold", _int(probe.get("successThreshold")), "must be 1"))
    return errs


def _validate_container_common(container: Obj, volumes: set[str], path: str) -> Errs:
    """mirrors validateContainerCommon."""
    errs: Errs = []
    name = _str(container.get("name"))
    if not name:
        errs.append(errors.required(f"{path}.name"))
    else:
        errs += [errors.invalid(f"{path}.name", name, m) for m in is_dns1123_label(name)]
    if not _str(container.get("image")):
        errs.append(errors.required(f"{path}.image"))
    policy = container.get("terminationMessagePolicy")
    if not policy:
        errs.append(errors.required(f"{path}.terminationMessagePolicy"))
    elif policy not in ("File", "FallbackToLogsOnError"):
        errs.append(errors.unsupported(f"{path}.terminationMessagePolicy", policy, ["File", "FallbackToLogsOnError"]))
    errs += _validate_container_ports(container.get("ports"), f"{path}.ports")
    errs += _validate_env(container.get("env"), f"{path}.env")
    errs += _validate_volume_mounts(container.get("volumeMounts"), volumes, f"{path}.volumeMounts")
    pull = container.get("imagePullPolicy")
    if not pull:
        errs.append(errors.required(f"{path}.imagePullPolicy"))
    elif pull not in ("Always", "IfNotPresent", "Never"):
        errs.append(errors.unsupported(f"{path}.imagePullPolicy", pull, ["Always", "IfNotPresent", "Never"]))
    errs += _validate_resources(container.get("resources"), f"{path}.resources")
    return errs


def _validate_containers(containers: Any, volumes: set[str], path: str, init: bool) -> Errs:
    """mirrors validateContainers / validateInitContainers."""
    items = _items(containers)
    if not items:
        return [] if init else [errors.required(path)]
    errs: Errs = []
    names: set[str] = set()
    for i, container in items:
        container_path = f"{path}[{i}]"
        errs += _validate_container_common(container, volumes, container_path)
        name = _str(container.get("name"))
        if name in names:
            errs.append(errors.duplicate(f"{container_path}.name", name))
        else:
            names.add(name)
        if not init:
            for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
                errs += _validate_probe(container.get(kind), f"{container_path}.{kind}", kind)
            if container.get("restartPolicy") is not None:
                errs.append(errors.forbidden(f"{container_path}.restartPolicy",
                                             "may not be set for non-init containers"))
    return errs


def _validate_volumes(volumes: Any, path: str) -> tuple[set[str], Errs]:
    errs: Errs = []
    names: set[str] = set()
    for i, volume in _items(volumes):
        name_path = f"{path}[{i}].name"
        name = _str(volume.get("name"))
        sources = [k for k in volume if k != "name"]
        if not sources:
            errs.append(errors.required(f"{path}[{i}]", "must specify a volume type"))
        for extra in sources[1:]:
            errs.append(errors.forbidden(f"{path}[{i}].{extra}", "may not specify more than 1 volume type"))
        if not name:
            errs.append(errors.required(name_path))
        else:
            errs += [errors.invalid(name_path, name, m) for m in is_dns1123_label(name)]
        if name in names:
            errs.append(errors.duplicate(name_path, name))
        names.add(name)
    return names, errs


def validate_pod_spec(spec: Any, path: str) -> Errs:
    """mirrors ValidatePodSpec, in its order, for the fields learners write."""
    spec = _dict(spec)
    volumes, errs = _validate_volumes(spec.get("volumes"), f"{path}.volumes")
    errs += _validate_containers(spec.get("containers"), volumes, f"{path}.containers", init=False)
    errs += _validate_containers(spec.get("initContainers"), volumes, f"{path}.initContainers", init=True)
    restart = spec.get("restartPolicy")
    if not restart:
        errs.append(errors.required(f"{path}.restartPolicy"))
    elif restart not in ("Always", "OnFailure", "Never"):
        errs.append(errors.unsupported(f"{path}.restartPolicy", restart, ["Always", "OnFailure", "Never"]))
    dns = spec.get("dnsPolicy")
    if not dns:
        errs.append(errors.required(f"{path}.dnsPolicy"))
    elif dns not in ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"):
        errs.append(errors.unsupported(f"{path}.dnsPolicy", dns,
                                       ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]))
    errs += validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector")
    account = _str(spec.get("serviceAccountName"))
    if account:
        errs += [errors.invalid(f"{path}.serviceAccountName", account, m) for m in is_dns1123_subdomain(account)]
    node = _str(spec.get("nodeName"))
    if node:
        errs += [errors.invalid(f"{path}.nodeName", node, m) for m in is_dns1123_subdomain(node)]
    deadline = spec.get("activeDeadlineSeconds")
    if isinstance(deadline, int) and not 1 <= deadline <= 2**31 - 1:
        errs.append(errors.invalid(f"{path}.activeDeadlineSeconds", deadline,
                                   "must be between 1 and 2147483647, inclusive"))
    for field in ("hostname", "subdomain"):
        value = _str(spec.get(field))
        if value:
            errs += [errors.invalid(f"{path}.{field}", value, m) for m in is_dns1123_label(value)]
    grace = spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace < 0:
        errs.append(errors.invalid(f"{path}.terminationGracePeriodSeconds", grace, NEGATIVE_MSG))
    return errs


def validate_pod_template(template: Any, path: str) -> Errs:
    """mirrors ValidatePodTemplateSpec: labels are reported at `<path>.labels` (sic, not metadata.labels)."""
    template = _dict(template)
    meta = _dict(template.get("metadata"))
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errs += validate_pod_spec(template.get("spec"), f"{path}.spec")
    if _list(_dict(template.get("spec")).get("ephemeralContainers")):
        errs.append(errors.forbidden(f"{path}.spec.ephemeralContainers",
                                     "ephemeral containers not allowed in pod template"))
    return errs


# ---- Pods ----------------------------------------------------------------------------------------------


def validate_pod(pod: Obj) -> Errs:
    """mirrors ValidatePodCreate."""
    errs = validate_object_meta(pod.get("metadata"), True, is_dns1123_subdomain)
    errs += validate_pod_spec(pod.get("spec"), "spec")
    spec = _dict(pod.get("spec"))
    if _list(spec.get("ephemeralContainers")):
        errs.append(errors.forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if spec.get("nodeName") and _list(spec.get("schedulingGates")):
        errs.append(errors.forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"))
    return errs


def _without(spec: Obj, *fields: str) -> Obj:
    return {k: v for k, v in spec.items() if k not in fields}


def _pod_spec_diff(old: Obj, new: Obj) -> str:
    """A short stand-in for the go-cmp diff the apiserver appends (the real one lists Go fields) [K]."""
    lines = ["  core.PodSpec{"]
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            go_field = key[0].upper() + key[1:]
            if key in old:
                lines.append(f"- \t{go_field}: {json.dumps(old[key], sort_keys=True)},")
            if key in new:
                lines.append(f"+ \t{go_field}: {json.dumps(new[key], sort_keys=True)},")
    lines.append("  }")
    return "\n".join(lines)


def validate_pod_update(new: Obj, old: Obj) -> Errs:
    """mirrors ValidatePodUpdate: only images, activeDeadlineSeconds and added tolerations may change."""
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += validate_pod_spec(new.get("spec"), "spec")
    new_spec, old_spec = _dict(new.get("spec")), _dict(old.get("spec"))
    for field in ("containers", "initContainers"):
        new_list, old_list = _list(new_spec.get(field)), _list(old_spec.get(field))
        if len(new_list) != len(old_list):
            errs.append(errors.forbidden(f"spec.{field}", "pod updates may not add or remove containers"))
            return errs
    new_deadline, old_deadline = new_spec.get("activeDeadlineSeconds"), old_spec.get("activeDeadlineSeconds")
    if isinstance(new_deadline, int):
        if not 0 <= new_deadline <= 2**31 - 1:
            errs.append(errors.invalid("spec.activeDeadlineSeconds", new_deadline,
                                       "must be between 0 and 2147483647, inclusive"))
            return errs
        if isinstance(old_deadline, int) and old_deadline < new_deadline:
            errs.append(errors.invalid("spec.activeDeadlineSeconds", new_deadline,
                                       "must be less than or equal to previous value"))
            return errs
    elif old_deadline is not None:
        errs.append(errors.invalid("spec.activeDeadlineSeconds", None,
                                   "must not update from a positive integer to nil value"))
    old_tolerations = _list(old_spec.get("tolerations"))
    new_tolerations = _list(new_spec.get("tolerations"))
    for i, toleration in enumerate(old_tolerations):
        if toleration not in new_tolerations:
            errs.append(errors.forbidden(f"spec.tolerations[{i}]", "existing toleration can not be modified except "
                                         "its tolerationSeconds"))
    if new_spec == old_spec:
        return errs
    munged = dict(new_spec)
    for field in ("containers", "initContainers"):
        olds = _list(old_spec.get(field))
        munged[field] = [dict(c, image=_dict(o).get("image")) if isinstance(c, dict) else c
                         for c, o in zip(_list(new_spec.get(field)), olds, strict=False)] if field in new_spec else None
        if munged[field] is None:
            del munged[field]
    for field in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
        if field in old_spec:
            munged[field] = old_spec[field]
        else:
            munged.pop(field, None)
    if munged != old_spec:
        errs.append(errors.forbidden("spec", "pod updates may not change fields other than "
                                     + ",".join(UPDATABLE_POD_SPEC_FIELDS) + "\n" + _pod_spec_diff(old_spec, munged)))
    return errs


# ---- Deployments and ReplicaSets -----------------------------------------------------------------------


def _validate_selector_and_template(spec: Obj, path: str) -> Errs:
    """The selector checks shared by ValidateDeploymentSpec and ValidateReplicaSetSpec, then the template."""
    errs: Errs = []
    selector = spec.get("selector")
    if selector is None:
        errs.append(errors.required(f"{path}.selector"))
    else:
        selector = _dict(selector)
        errs += validate_label_selector(selector, f"{path}.selector")
        if not _dict(selector.get("matchLabels")) and not _list(selector.get("matchExpressions")):
            errs.append(errors.invalid(f"{path}.selector", label_selector_value(selector),
                                       "empty selector is invalid for deployment"))
    if selector is not None and not selector_parses(selector):
        errs.append(errors.invalid(f"{path}.selector", label_selector_value(selector), "invalid label selector"))
        return errs
    errs += _validate_template_for_replica_set(spec.get("template"), selector, f"{path}.template")
    return errs


def _validate_template_for_replica_set(template: Any, selector: Obj | None, path: str) -> Errs:
    """mirrors ValidatePodTemplateSpecForReplicaSet (a nil selector is labels.Nothing(): it matches nothing)."""
    template = _dict(template)
    raw_labels = _dict(template.get("metadata")).get("labels")
    labels = _dict(raw_labels)
    errs: Errs = []
    everything = selector is not None and not selector.get("matchLabels") and not selector.get("matchExpressions")
    if not everything and (selector is None or not selector_matches(selector, labels)):
        rendered = GoValue(_go_map(raw_labels if isinstance(raw_labels, dict) else None))
        errs.append(errors.invalid(f"{path}.metadata.labels", rendered, "`selector` does not match template `labels`"))
    errs += validate_pod_template(template, path)
    template_spec = _dict(template.get("spec"))
    if template_spec.get("restartPolicy") != "Always":
        errs.append(errors.unsupported(f"{path}.spec.restartPolicy", _str(template_spec.get("restartPolicy")),
                                       ["Always"]))
    if template_spec.get("activeDeadlineSeconds") is not None:
        errs.append(errors.forbidden(f"{path}.spec.activeDeadlineSeconds",
                                     "activeDeadlineSeconds in ReplicaSet is not Supported"))
    return errs


def _percent(value: Any) -> int | None:
    if isinstance(value, str) and full_match(PERCENT_FMT, value):
        return int(value[:-1])
    return None


def _int_or_percent(value: Any) -> int:
    """getIntOrPercentValue: a percent's number, an int, or Atoi of a string (0 if it fails)."""
    percent = _percent(value)
    if percent is not None:
        return percent
    if isinstance(value, str):
        return int(value) if re.fullmatch(r"[+-]?\d+", value) else 0
    return _int(value)


def _validate_positive_int_or_percent(value: Any, path: str) -> Errs:
    if isinstance(value, str):
        if _percent(value) is None:
            return [errors.invalid(path, int_or_string_value(value),
                                   regex_error(PERCENT_MSG, PERCENT_FMT, "1%", "93%"))]
        return []
    if _int(value) < 0:
        return [errors.invalid(path, _int(value), NEGATIVE_MSG)]
    return []


def _strategy_value(strategy: Obj) -> GoValue:
    rolling = "(*apps.RollingUpdateDeployment)(nil)" if strategy.get("rollingUpdate") is None \
        else "(*apps.RollingUpdateDeployment)(0xc000a3e1b0)"  # Go prints the pointer's address
    return GoValue(f"apps.DeploymentStrategy{{Type:{_go_string(_str(strategy.get('type')))}, RollingUpdate:{rolling}}}")


def _validate_strategy(strategy: Any, path: str) -> Errs:
    """mirrors ValidateDeploymentStrategy and ValidateRollingUpdateDeployment."""
    strategy = _dict(strategy)
    kind = strategy.get("type")
    errs: Errs = []
    if kind == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            errs.append(errors.forbidden(f"{path}.rollingUpdate",
                                         "may not be specified when strategy `type` is 'Recreate'"))
    elif kind == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if rolling is None:
            errs.append(errors.required(f"{path}.rollingUpdate", "this should be defaulted and never be nil"))
            return errs
        rolling = _dict(rolling)
        unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
        errs += _validate_positive_int_or_percent(unavailable, f"{path}.rollingUpdate.maxUnavailable")
        errs += _validate_positive_int_or_percent(surge, f"{path}.rollingUpdate.maxSurge")
        if _int_or_percent(unavailable) == 0 and _int_or_percent(surge) == 0:
            errs.append(errors.invalid(f"{path}.rollingUpdate.maxUnavailable", int_or_string_value(unavailable),
                                       "may not be 0 when `maxSurge` is 0"))
        percent = _percent(unavailable)
        if percent is not None and percent > 100:
            errs.append(errors.invalid(f"{path}.rollingUpdate.maxUnavailable", int_or_string_value(unavailable),
                                       "must not be greater than 100%"))
    else:
        errs.append(errors.unsupported(path, _strategy_value(strategy), ["Recreate", "RollingUpdate"]))
    return errs


def validate_deployment_spec(deployment: Obj) -> Errs:
    """mirrors ValidateDeploymentSpec."""
    errs: Errs = []
    spec = _dict(deployment.get("spec"))
    if _int(spec.get("replicas")) < 0:
        errs.append(errors.invalid("spec.replicas", spec["replicas"], NEGATIVE_MSG))
    errs += _validate_selector_and_template(spec, "spec")
    errs += _validate_strategy(spec.get("strategy"), "spec.strategy")
    min_ready = _int(spec.get("minReadySeconds"))
    if min_ready < 0:
        errs.append(errors.invalid("spec.minReadySeconds", min_ready, NEGATIVE_MSG))
    history = spec.get("revisionHistoryLimit")
    if isinstance(history, int) and history < 0:
        errs.append(errors.invalid("spec.revisionHistoryLimit", history, NEGATIVE_MSG))
    deadline = spec.get("progressDeadlineSeconds")
    if isinstance(deadline, int):
        if deadline < 0:
            errs.append(errors.invalid("spec.progressDeadlineSeconds", deadline, NEGATIVE_MSG))
        if deadline <= min_ready:
            errs.append(errors.invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"))
    return errs


def validate_replica_set_spec(replica_set: Obj) -> Errs:
    """mirrors ValidateReplicaSetSpec."""
    errs: Errs = []
    spec = _dict(replica_set.get("spec"))
    if _int(spec.get("replicas")) < 0:
        errs.append(errors.invalid("spec.replicas", spec["replicas"], NEGATIVE_MSG))
    if _int(spec.get("minReadySeconds")) < 0:
        errs.append(errors.invalid("spec.minReadySeconds", spec["minReadySeconds"], NEGATIVE_MSG))
    errs += _validate_selector_and_template(spec, "spec")
    return errs


def _selector_immutable(new: Obj, old: Obj) -> Errs:
    """apps/v1 strategies: `spec.selector` may not change (registry/apps/*/strategy.go ValidateUpdate) [K]."""
    selector = _dict(new.get("spec")).get("selector")
    if selector != _dict(old.get("spec")).get("selector"):
        return [errors.invalid("spec.selector", label_selector_value(selector), IMMUTABLE_MSG)]
    return []


# ---- Services ------------------------------------------------------------------------------------------


def _cluster_ips(spec: Obj) -> list[str]:
    """spec.clusterIPs, or [clusterIP] when only that is set (the registry syncs them before validation)."""
    ips = [ip for ip in _list(spec.get("clusterIPs")) if isinstance(ip, str)]
    if not ips and _str(spec.get("clusterIP")):
        ips = [spec["clusterIP"]]
    return ips


def _is_headless(spec: Obj) -> bool:
    ips = _cluster_ips(spec)
    return len(ips) == 1 and ips[0] == "None"


def _validate_service_port(port: Obj, require_name: bool, names: set[str], path: str) -> Errs:
    """mirrors validateServicePort."""
    errs: Errs = []
    name = _str(port.get("name"))
    if require_name and not name:
        errs.append(errors.required(f"{path}.name"))
    elif name:
        errs += [errors.invalid(f"{path}.name", name, m) for m in is_dns1123_label(name)]
        if name in names:
            errs.append(errors.duplicate(f"{path}.name", name))
        else:
            names.add(name)
    number = _int(port.get("port"))
    errs += [errors.invalid(f"{path}.port", number, m) for m in is_valid_port_num(number)]
    errs += _validate_protocol(port.get("protocol"), f"{path}.protocol")
    errs += validate_port_num_or_name(port.get("targetPort"), f"{path}.targetPort")
    app_protocol = port.get("appProtocol")
    if isinstance(app_protocol, str):
        errs += [errors.invalid(f"{path}.appProtocol", app_protocol, m) for m in is_qualified_name(app_protocol)]
    return errs


def _validate_non_special_ip(ip: str, path: str) -> Errs:
    address = parse_ip_sloppy(ip)
    if address is None:
        return []
    if address.is_unspecified:
        return [errors.invalid(path, ip, "may not be unspecified (0.0.0.0)")]
    if address.is_loopback:
        return [errors.invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    if address.is_link_local:
        return [errors.invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")]
    if address in ipaddress.ip_network("224.0.0.0/24") or (address.version == 6 and address in
                                                           ipaddress.ip_network("ff02::/16")):
        return [errors.invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")]
    return []


def _validate_cluster_ips(spec: Obj) -> Errs:
    """mirrors ValidateServiceClusterIPsRelatedFields (single-stack part)."""
    if spec.get("type") == "ExternalName":
        return []
    errs: Errs = []
    cluster_ip = _str(spec.get("clusterIP"))
    ips = _cluster_ips(spec)
    if cluster_ip and ips and ips[0] != cluster_ip:
        errs.append(errors.invalid("spec.clusterIPs", GoValue(_go_strings(ips)), "first value must match `clusterIP`"))
    elif not cluster_ip and ips:
        errs.append(errors.invalid("spec.clusterIPs", GoValue(_go_strings(ips)),
                                   "must be empty when `clusterIP` is not specified"))
    families = _list(spec.get("ipFamilies"))
    seen: set[str] = set()
    for i, family in enumerate(families):
        if family not in ("IPv4", "IPv6"):
            errs.append(errors.unsupported(f"spec.ipFamilies[{i}]", family, ["IPv4", "IPv6"]))
        if family in seen:
            errs.append(errors.duplicate(f"spec.ipFamilies[{i}]", family))
        seen.add(family)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in ("PreferDualStack", "RequireDualStack", "SingleStack"):
        errs.append(errors.unsupported("spec.ipFamilyPolicy", policy,
                                       ["PreferDualStack", "RequireDualStack", "SingleStack"]))
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                errs.append(errors.invalid("spec.clusterIPs", GoValue(_go_strings(ips)),
                                           "'None' must be the first and only value"))
            continue
        errs += is_valid_ip(f"spec.clusterIPs[{i}]", ip)
    if len(ips) > 2:
        errs.append(errors.invalid("spec.clusterIPs", GoValue(_go_strings(ips)), "may only hold up to 2 values"))
    return errs


def validate_service(service: Obj) -> Errs:
    """mirrors ValidateService, in its order."""
    errs = validate_object_meta(service.get("metadata"), True, is_dns1035_label)
    spec = _dict(service.get("spec"))
    kind = spec.get("type")
    ports = _items(spec.get("ports"))
    headless = _is_headless(spec)
    if not ports and not headless and kind != "ExternalName":
        errs.append(errors.required("spec.ports"))
    if kind == "LoadBalancer":
        if headless:
            errs.append(errors.invalid("spec.clusterIPs[0]", "None",
                                       "may not be set to 'None' for LoadBalancer services"))
        for i, port in ports:
            if _int(port.get("port")) == KUBELET_PORT:
                errs.append(errors.invalid(f"spec.ports[{i}]", KUBELET_PORT,
                                           f"may not expose port {KUBELET_PORT} externally since it is used by kubelet"))
    elif kind == "NodePort":
        if headless:
            errs.append(errors.invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for NodePort services"))
    elif kind == "ExternalName":
        if _cluster_ips(spec):
            errs.append(errors.forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if _list(spec.get("ipFamilies")):
            errs.append(errors.forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(errors.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
        cname = _str(spec.get("externalName")).removesuffix(".")
        if cname:
            errs += [errors.invalid("spec.externalName", cname, m) for m in is_dns1123_subdomain(cname)]
        else:
            errs.append(errors.required("spec.externalName"))
    names: set[str] = set()
    for i, port in ports:
        errs += _validate_service_port(port, len(ports) > 1, names, f"spec.ports[{i}]")
    if spec.get("selector") is not None:
        errs += validate_labels(spec.get("selector"), "spec.selector")
    affinity = spec.get("sessionAffinity")
    if not affinity:
        errs.append(errors.required("spec.sessionAffinity"))
    elif affinity not in ("ClientIP", "None"):
        errs.append(errors.unsupported("spec.sessionAffinity", affinity, ["ClientIP", "None"]))
    if affinity == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client_ip = _dict(config).get("clientIP")
        if not isinstance(client_ip, dict):
            path = "spec.sessionAffinityConfig" if config is None else "spec.sessionAffinityConfig.clientIP"
            errs.append(errors.required(path, "when session affinity type is ClientIP"))
        else:
            timeout = _int(client_ip.get("timeoutSeconds"))
            if not 0 < timeout <= MAX_CLIENT_IP_AFFINITY_SECONDS:
                errs.append(errors.invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout,
                                           f"must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}"))
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(errors.forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    errs += _validate_cluster_ips(spec)
    for i, ip in enumerate(_list(spec.get("externalIPs"))):
        ip_errs = is_valid_ip(f"spec.externalIPs[{i}]", _str(ip))
        errs += ip_errs or _validate_non_special_ip(_str(ip), f"spec.externalIPs[{i}]")
    if not kind:
        errs.append(errors.required("spec.type"))
    elif kind not in ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"):
        errs.append(errors.unsupported("spec.type", kind, ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]))
    if kind == "ClusterIP":
        for i, port in ports:
            if _int(port.get("nodePort")):
                errs.append(errors.forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"))
    node_ports: set[tuple[str, int]] = set()
    for i, port in ports:
        node_port = _int(port.get("nodePort"))
        if not node_port:
            continue
        key = (_str(port.get("protocol")), node_port)
        if key in node_ports:
            errs.append(errors.duplicate(f"spec.ports[{i}].nodePort", node_port))
        node_ports.add(key)
    seen_ports: set[tuple[str, int]] = set()
    for i, port in ports:
        key = (_str(port.get("protocol")), _int(port.get("port")))
        if key in seen_ports:
            errs.append(errors.duplicate(f"spec.ports[{i}]", service_port_key_value(*key)))
        seen_ports.add(key)
    errs += _validate_source_ranges(service, spec)
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        errs.append(errors.forbidden("spec.allocateLoadBalancerNodePorts",
                                     "may only be used when `type` is 'LoadBalancer'"))
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(errors.required("allocateLoadBalancerNodePorts"))
    errs += _validate_traffic_policies(service, spec)
    return errs


def _validate_source_ranges(service: Obj, spec: Obj) -> Errs:
    annotation = "service.beta.kubernetes.io/load-balancer-source-ranges"
    annotations = _dict(_dict(service.get("metadata")).get("annotations"))
    ranges = [r for r in _list(spec.get("loadBalancerSourceRanges")) if isinstance(r, str)]
    if not ranges and annotation not in annotations:
        return []
    if ranges:
        # sic: the apiserver names this field with a capital L
        path, value, cidrs = "spec.LoadBalancerSourceRanges", "[" + " ".join(ranges) + "]", ranges
    else:
        path = f"metadata.annotations[{annotation}]"
        value = _str(annotations[annotation])
        cidrs = [c.strip() for c in value.split(",") if c.strip()]
    errs: Errs = []
    if spec.get("type") != "LoadBalancer":
        errs.append(errors.forbidden(path, "may only be used when `type` is 'LoadBalancer'"))
    try:
        for cidr in cidrs:
            ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        errs.append(errors.invalid(path, value, "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 "))
    return errs


def _validate_traffic_policies(service: Obj, spec: Obj) -> Errs:
    """mirrors validateServiceExternalTrafficPolicy and validateServiceInternalTrafficFieldsValue."""
    errs: Errs = []
    external = spec.get("externalTrafficPolicy")
    if not externally_accessible(service):
        if external:
            errs.append(errors.invalid("spec.externalTrafficPolicy", external,
                                       "may only be set for externally-accessible services"))
    elif not external:
        errs.append(errors.required("spec.externalTrafficPolicy"))
    elif external not in ("Cluster", "Local"):
        errs.append(errors.unsupported("spec.externalTrafficPolicy", external, ["Cluster", "Local"]))
    health = _int(spec.get("healthCheckNodePort"))
    if health and not (spec.get("type") == "LoadBalancer" and external == "Local"):
        errs.append(errors.invalid("spec.healthCheckNodePort", health,
                                   "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
    internal = spec.get("internalTrafficPolicy")
    if internal is None and spec.get("type") in ("NodePort", "LoadBalancer", "ClusterIP"):
        errs.append(errors.required("spec.internalTrafficPolicy"))
    if internal is not None and internal not in ("Cluster", "Local"):
        errs.append(errors.unsupported("spec.internalTrafficPolicy", internal, ["Cluster", "Local"]))
    return errs


def validate_service_update(new: Obj, old: Obj) -> Errs:
    """mirrors ValidateServiceUpdate: the primary cluster IP may not change once set [K for the wording]."""
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    new_spec, old_spec = _dict(new.get("spec")), _dict(old.get("spec"))
    if "ExternalName" not in (new_spec.get("type"), old_spec.get("type")) and not (
            _is_headless(new_spec) and _is_headless(old_spec)):
        new_ips, old_ips = _cluster_ips(new_spec), _cluster_ips(old_spec)
        value = GoValue(_go_strings(new_ips if new_ips else None))
        if len(old_ips) == len(new_ips):
            errs += [errors.invalid(f"spec.clusterIPs[{i}]", value, "may not change once set")
                     for i, ip in enumerate(old_ips) if ip != new_ips[i]]
        elif len(old_ips) > len(new_ips):
            if not new_ips:
                errs.append(errors.invalid("spec.clusterIPs[0]", value, "primary clusterIP can not be unset"))
            elif new_ips[0] != old_ips[0]:
                errs.append(errors.invalid("spec.clusterIPs[0]", value, "may not change once set"))
        elif old_ips and new_ips[0] != old_ips[0]:
            errs.append(errors.invalid("spec.clusterIPs[0]", value, "may not change once set"))
    return errs + validate_service(new)


# ---- the other kinds -----------------------------------------------------------------------------------


def _validate_data_keys(data: Any, other: Any, path: str, other_name: str) -> Errs:
    errs: Errs = []
    for key in sorted(_dict(data)):
        errs += [errors.invalid(f"{path}[{key}]", key, m) for m in is_config_map_key(key)]
        if key in _dict(other):
            errs.append(errors.invalid(f"{path}[{key}]", key, f"duplicate of key present in {other_name}"))
    return errs


def validate_config_map_data(config_map: Obj) -> Errs:
    errs = _validate_data_keys(config_map.get("data"), config_map.get("binaryData"), "data", "binaryData")
    errs += _validate_data_keys(config_map.get("binaryData"), config_map.get("data"), "binaryData", "data")
    size = sum(len(_str(v)) for v in _dict(config_map.get("data")).values())
    if size > MAX_SECRET_SIZE:
        errs.append(FieldError("too_long", "", None, f"may not be more than {MAX_SECRET_SIZE} bytes"))
    return errs


def validate_secret_data(secret: Obj) -> Errs:
    errs: Errs = []
    data = _dict(secret.get("data"))
    for key in sorted(data):
        errs += [errors.invalid(f"data[{key}]", key, m) for m in is_config_map_key(key)]
    required = {"kubernetes.io/tls": ("tls.crt", "tls.key"),
                "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
                "kubernetes.io/basic-auth": (),
                "kubernetes.io/ssh-auth": ("ssh-privatekey",)}.get(_str(secret.get("type")), ())
    for key in required:
        if key not in data:
            errs.append(errors.required(f"data[{key}]"))
    return errs


def validate_endpoints_subsets(endpoints: Obj) -> Errs:
    errs: Errs = []
    for i, subset in _items(endpoints.get("subsets")):
        path = f"subsets[{i}]"
        for field in ("addresses", "notReadyAddresses"):
            for j, address in _items(subset.get(field)):
                errs += is_valid_ip(f"{path}.{field}[{j}].ip", _str(address.get("ip")))
        names: set[str] = set()
        for j, port in _items(subset.get("ports")):
            port_path = f"{path}.ports[{j}]"
            name = _str(port.get("name"))
            if len(_list(subset.get("ports"))) > 1 and not name:
                errs.append(errors.required(f"{port_path}.name"))
            elif name:
                errs += [errors.invalid(f"{port_path}.name", name, m) for m in is_dns1123_label(name)]
                if name in names:
                    errs.append(errors.duplicate(f"{port_path}.name", name))
                names.add(name)
            number = _int(port.get("port"))
            errs += [errors.invalid(f"{port_path}.port", number, m) for m in is_valid_port_num(number)]
            errs += _validate_protocol(port.get("protocol"), f"{port_path}.protocol")
    return errs


def validate_endpoint_slice_fields(endpoint_slice: Obj) -> Errs:
    errs: Errs = []
    address_type = endpoint_slice.get("addressType")
    if not address_type:
        errs.append(errors.required("addressType"))
    elif address_type not in ("FQDN", "IPv4", "IPv6"):
        errs.append(errors.unsupported("addressType", address_type, ["FQDN", "IPv4", "IPv6"]))
    for i, endpoint in _items(endpoint_slice.get("endpoints")):
        addresses = _list(endpoint.get("addresses"))
        if not addresses:
            errs.append(errors.required(f"endpoints[{i}].addresses", "must contain at least 1 address"))
        for j, address in enumerate(addresses):
            if address_type in ("IPv4", "IPv6"):
                errs += is_valid_ip(f"endpoints[{i}].addresses[{j}]", _str(address))
    for i, port in _items(endpoint_slice.get("ports")):
        name = _str(port.get("name"))
        if name:
            errs += [errors.invalid(f"ports[{i}].name", name, m) for m in is_dns1123_label(name)]
        errs += _validate_protocol(port.get("protocol"), f"ports[{i}].protocol")
    return errs


# kind -> the checks after ObjectMeta (create and update alike)
_BODY_CHECKS = {
    "Deployment": validate_deployment_spec,
    "ReplicaSet": validate_replica_set_spec,
    "ConfigMap": validate_config_map_data,
    "Secret": validate_secret_data,
    "Endpoints": validate_endpoints_subsets,
    "EndpointSlice": validate_endpoint_slice_fields,
}


def _validate_meta(obj: Obj) -> Errs:
    kind_name = _str(obj.get("kind"))
    kind = KINDS.get(kind_name)
    namespaced = kind.namespaced if kind else True
    return validate_object_meta(obj.get("metadata"), namespaced, _name_checker(kind_name))


def _no_checks(obj: Obj) -> Errs:
    return []


def validate_create(obj: Obj) -> list[FieldError]:
    """All field errors the apiserver reports when this (decoded, defaulted) object is created."""
    kind = _str(obj.get("kind"))
    if kind == "Pod":
        return validate_pod(obj)
    if kind == "Service":
        return validate_service(obj)
    return _validate_meta(obj) + _BODY_CHECKS.get(kind, _no_checks)(obj)


def validate_update(new: Obj, old: Obj) -> list[FieldError]:
    """All field errors the apiserver reports when `old` is replaced by `new`."""
    kind = _str(new.get("kind"))
    if kind == "Pod":
        return validate_pod_update(new, old)
    if kind == "Service":
        return validate_service_update(new, old)
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += _BODY_CHECKS.get(kind, _no_checks)(new)
    if kind in ("Deployment", "ReplicaSet"):
        errs += _selector_immutable(new, old)
    if kind == "Secret" and old.get("type") != new.get("type"):
        errs.append(errors.invalid("type", _str(new.get("type")), IMMUTABLE_MSG))
    if kind in ("Secret", "ConfigMap") and old.get("immutable") is True:
        for field in ("data", "binaryData"):
            if new.get(field) != old.get(field):
                errs.append(errors.forbidden(field, "field is immutable when `immutable` is set"))
    return errs


def validation_error(obj: Obj, errs: list[FieldError]) -> errors.ApiError:
    """The 422 Invalid ApiError for these field errors (apierrors.NewInvalid)."""
    kind_name = _str(obj.get("kind"))
    kind = KINDS.get(kind_name)
    group = kind.group if kind else _str(obj.get("apiVersion")).rpartition("/")[0]
    name = _str(_dict(obj.get("metadata")).get("name"))
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
