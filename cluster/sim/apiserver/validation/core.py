"""The core group (pkg/apis/core/validation/validation.go): pods and their containers, Services, ConfigMaps,
Secrets, Endpoints and EndpointSlices."""

from __future__ import annotations

import ipaddress
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from cluster.sim.apimachinery import errors
from cluster.sim.apimachinery.errors import FieldError, GoValue
from cluster.sim.apimachinery.validation import (
    NEGATIVE_MSG,
    is_config_map_key,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_ip,
    is_valid_port_name,
    is_valid_port_num,
    parse_ip_sloppy,
)
from cluster.sim.apiserver.defaults import externally_accessible
from cluster.sim.apiserver.validation.helpers import (
    Errs,
    Obj,
    as_dict,
    as_int,
    as_list,
    as_str,
    go_strings,
    items_of,
    service_port_key_value,
)
from cluster.sim.apiserver.validation.meta import (
    validate_annotations,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)

# ---- quantities ----------------------------------------------------------------------------------------

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1), "k": Decimal(1000),
            "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"), "P": Decimal("1e15"),
            "E": Decimal("1e18")}

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
    return [errors.invalid(path, as_int(value), m) for m in is_valid_port_num(as_int(value))]


def _validate_container_ports(ports: Any, path: str) -> Errs:
    errs: Errs = []
    names: set[str] = set()
    for i, port in items_of(ports):
        port_path = f"{path}[{i}]"
        name = as_str(port.get("name"))
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [errors.invalid(f"{port_path}.name", name, m) for m in msgs]
            elif name in names:
                errs.append(errors.duplicate(f"{port_path}.name", name))
            else:
                names.add(name)
        container_port = as_int(port.get("containerPort"))
        if container_port == 0:
            errs.append(errors.required(f"{port_path}.containerPort"))
        else:
            errs += [errors.invalid(f"{port_path}.containerPort", container_port, m)
                     for m in is_valid_port_num(container_port)]
        host_port = as_int(port.get("hostPort"))
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
    for i, var in items_of(env):
        name = as_str(var.get("name"))
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
    for i, mount in items_of(mounts):
        mount_path = f"{path}[{i}]"
        name = as_str(mount.get("name"))
        if not name:
            errs.append(errors.required(f"{mount_path}.name"))
        if name not in volumes:
            errs.append(FieldError("not_found", f"{mount_path}.name", name))
        target = as_str(mount.get("mountPath"))
        if not target:
            errs.append(errors.required(f"{mount_path}.mountPath"))
        if target in seen:
            errs.append(errors.invalid(f"{mount_path}.mountPath", target, "must be unique"))
        seen.add(target)
    return errs


def _validate_resources(resources: Any, path: str) -> Errs:
    """mirrors ValidateResourceRequirements: names, non-negative, requests within limits."""
    resources = as_dict(resources)
    errs: Errs = []
    limits, requests = as_dict(resources.get("limits")), as_dict(resources.get("requests"))
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
        action = as_dict(action)
        if kind == "exec" and not as_list(action.get("command")):
            errs.append(errors.required(f"{path}.exec.command"))
        elif kind == "httpGet":
            if not action.get("path"):
                errs.append(errors.required(f"{path}.httpGet.path"))
            errs += validate_port_num_or_name(action.get("port"), f"{path}.httpGet.port")
            if action.get("scheme") not in ("HTTP", "HTTPS"):
                errs.append(errors.unsupported(f"{path}.httpGet.scheme", as_str(action.get("scheme")),
                                               ["HTTP", "HTTPS"]))
        elif kind == "tcpSocket":
            errs += validate_port_num_or_name(action.get("port"), f"{path}.tcpSocket.port")
        elif kind == "grpc":
            errs += [errors.invalid(f"{path}.grpc.port", as_int(action.get("port")), m)
                     for m in is_valid_port_num(as_int(action.get("port")))]
    if count == 0:
        errs.append(errors.required(path, "must specify a handler type"))
    return errs


def _validate_probe(probe: Any, path: str, kind: str) -> Errs:
    if not isinstance(probe, dict):
        return []
    errs = _validate_handler(probe, path)
    for field in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                  "failureThreshold"):
        if as_int(probe.get(field)) < 0:
            errs.append(errors.invalid(f"{path}.{field}", probe[field], NEGATIVE_MSG))
    grace = probe.get("terminationGracePeriodSeconds")
    if kind == "readinessProbe" and grace is not None:
        errs.append(errors.invalid(f"{path}.terminationGracePeriodSeconds", grace,
                                   "must not be set for readinessProbes"))
    elif isinstance(grace, int) and grace <= 0:
        errs.append(errors.invalid(f"{path}.terminationGracePeriodSeconds", grace, "must be greater than 0"))
    if kind != "readinessProbe" and as_int(probe.get("successThreshold")) != 1:
        errs.append(errors.invalid(f"{path}.successThreshold", as_int(probe.get("successThreshold")), "must be 1"))
    return errs


def _validate_container_common(container: Obj, volumes: set[str], path: str) -> Errs:
    """mirrors validateContainerCommon."""
    errs: Errs = []
    name = as_str(container.get("name"))
    if not name:
        errs.append(errors.required(f"{path}.name"))
    else:
        errs += [errors.invalid(f"{path}.name", name, m) for m in is_dns1123_label(name)]
    if not as_str(container.get("image")):
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
    items = items_of(containers)
    if not items:
        return [] if init else [errors.required(path)]
    errs: Errs = []
    names: set[str] = set()
    for i, container in items:
        container_path = f"{path}[{i}]"
        errs += _validate_container_common(container, volumes, container_path)
        name = as_str(container.get("name"))
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
    for i, volume in items_of(volumes):
        name_path = f"{path}[{i}].name"
        name = as_str(volume.get("name"))
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
    spec = as_dict(spec)
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
    account = as_str(spec.get("serviceAccountName"))
    if account:
        errs += [errors.invalid(f"{path}.serviceAccountName", account, m) for m in is_dns1123_subdomain(account)]
    node = as_str(spec.get("nodeName"))
    if node:
        errs += [errors.invalid(f"{path}.nodeName", node, m) for m in is_dns1123_subdomain(node)]
    deadline = spec.get("activeDeadlineSeconds")
    if isinstance(deadline, int) and not 1 <= deadline <= 2**31 - 1:
        errs.append(errors.invalid(f"{path}.activeDeadlineSeconds", deadline,
                                   "must be between 1 and 2147483647, inclusive"))
    for field in ("hostname", "subdomain"):
        value = as_str(spec.get(field))
        if value:
            errs += [errors.invalid(f"{path}.{field}", value, m) for m in is_dns1123_label(value)]
    grace = spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace < 0:
        errs.append(errors.invalid(f"{path}.terminationGracePeriodSeconds", grace, NEGATIVE_MSG))
    return errs


def validate_pod_template(template: Any, path: str) -> Errs:
    """mirrors ValidatePodTemplateSpec: labels are reported at `<path>.labels` (sic, not metadata.labels)."""
    template = as_dict(template)
    meta = as_dict(template.get("metadata"))
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errs += validate_pod_spec(template.get("spec"), f"{path}.spec")
    if as_list(as_dict(template.get("spec")).get("ephemeralContainers")):
        errs.append(errors.forbidden(f"{path}.spec.ephemeralContainers",
                                     "ephemeral containers not allowed in pod template"))
    return errs


# ---- Pods ----------------------------------------------------------------------------------------------


def _validate_containers_only_for_pod(spec: Obj) -> Errs:
    """mirrors validateContainersOnlyForPod: a pod's (not a template's) images have no surrounding whitespace."""
    errs: Errs = []
    for field in ("containers", "initContainers"):
        for i, container in enumerate(as_list(spec.get(field))):
            image = as_dict(container).get("image")
            if isinstance(image, str) and image != image.strip(" \t\n\r\v\f"):
                errs.append(errors.invalid(f"spec.{field}[{i}].image", image,
                                           "must not have leading or trailing whitespace"))
    return errs


def validate_pod(pod: Obj) -> Errs:
    """mirrors ValidatePodCreate."""
    errs = validate_object_meta(pod.get("metadata"), True, is_dns1123_subdomain)
    errs += validate_pod_spec(pod.get("spec"), "spec")
    errs += _validate_containers_only_for_pod(as_dict(pod.get("spec")))
    spec = as_dict(pod.get("spec"))
    if as_list(spec.get("ephemeralContainers")):
        errs.append(errors.forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if spec.get("nodeName") and as_list(spec.get("schedulingGates")):
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
    errs += _validate_containers_only_for_pod(as_dict(new.get("spec")))
    new_spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    for field in ("containers", "initContainers"):
        new_list, old_list = as_list(new_spec.get(field)), as_list(old_spec.get(field))
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
    old_tolerations = as_list(old_spec.get("tolerations"))
    new_tolerations = as_list(new_spec.get("tolerations"))
    for i, toleration in enumerate(old_tolerations):
        if toleration not in new_tolerations:
            errs.append(errors.forbidden(f"spec.tolerations[{i}]", "existing toleration can not be modified except "
                                         "its tolerationSeconds"))
    if new_spec == old_spec:
        return errs
    munged = dict(new_spec)
    for field in ("containers", "initContainers"):
        olds = as_list(old_spec.get(field))
        munged[field] = [dict(c, image=as_dict(o).get("image")) if isinstance(c, dict) else c
                         for c, o in zip(as_list(new_spec.get(field)), olds, strict=False)] if field in new_spec else None
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



# ---- Services ------------------------------------------------------------------------------------------


def _cluster_ips(spec: Obj) -> list[str]:
    """spec.clusterIPs, or [clusterIP] when only that is set (the registry syncs them before validation)."""
    ips = [ip for ip in as_list(spec.get("clusterIPs")) if isinstance(ip, str)]
    if not ips and as_str(spec.get("clusterIP")):
        ips = [spec["clusterIP"]]
    return ips


def _is_headless(spec: Obj) -> bool:
    ips = _cluster_ips(spec)
    return len(ips) == 1 and ips[0] == "None"


def _validate_service_port(port: Obj, require_name: bool, names: set[str], path: str) -> Errs:
    """mirrors validateServicePort."""
    errs: Errs = []
    name = as_str(port.get("name"))
    if require_name and not name:
        errs.append(errors.required(f"{path}.name"))
    elif name:
        errs += [errors.invalid(f"{path}.name", name, m) for m in is_dns1123_label(name)]
        if name in names:
            errs.append(errors.duplicate(f"{path}.name", name))
        else:
            names.add(name)
    number = as_int(port.get("port"))
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
    cluster_ip = as_str(spec.get("clusterIP"))
    ips = _cluster_ips(spec)
    if cluster_ip and ips and ips[0] != cluster_ip:
        errs.append(errors.invalid("spec.clusterIPs", GoValue(go_strings(ips)), "first value must match `clusterIP`"))
    elif not cluster_ip and ips:
        errs.append(errors.invalid("spec.clusterIPs", GoValue(go_strings(ips)),
                                   "must be empty when `clusterIP` is not specified"))
    families = as_list(spec.get("ipFamilies"))
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
                errs.append(errors.invalid("spec.clusterIPs", GoValue(go_strings(ips)),
                                           "'None' must be the first and only value"))
            continue
        errs += is_valid_ip(f"spec.clusterIPs[{i}]", ip)
    if len(ips) > 2:
        errs.append(errors.invalid("spec.clusterIPs", GoValue(go_strings(ips)), "may only hold up to 2 values"))
    return errs


def validate_service(service: Obj) -> Errs:
    """mirrors ValidateService, in its order."""
    errs = validate_object_meta(service.get("metadata"), True, is_dns1035_label)
    spec = as_dict(service.get("spec"))
    kind = spec.get("type")
    ports = items_of(spec.get("ports"))
    headless = _is_headless(spec)
    if not ports and not headless and kind != "ExternalName":
        errs.append(errors.required("spec.ports"))
    if kind == "LoadBalancer":
        if headless:
            errs.append(errors.invalid("spec.clusterIPs[0]", "None",
                                       "may not be set to 'None' for LoadBalancer services"))
        for i, port in ports:
            if as_int(port.get("port")) == KUBELET_PORT:
                errs.append(errors.invalid(f"spec.ports[{i}]", KUBELET_PORT,
                                           f"may not expose port {KUBELET_PORT} externally since it is used by kubelet"))
    elif kind == "NodePort":
        if headless:
            errs.append(errors.invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for NodePort services"))
    elif kind == "ExternalName":
        if _cluster_ips(spec):
            errs.append(errors.forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if as_list(spec.get("ipFamilies")):
            errs.append(errors.forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(errors.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
        cname = as_str(spec.get("externalName")).removesuffix(".")
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
        client_ip = as_dict(config).get("clientIP")
        if not isinstance(client_ip, dict):
            path = "spec.sessionAffinityConfig" if config is None else "spec.sessionAffinityConfig.clientIP"
            errs.append(errors.required(path, "when session affinity type is ClientIP"))
        else:
            timeout = as_int(client_ip.get("timeoutSeconds"))
            if not 0 < timeout <= MAX_CLIENT_IP_AFFINITY_SECONDS:
                errs.append(errors.invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout,
                                           f"must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}"))
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(errors.forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    errs += _validate_cluster_ips(spec)
    for i, ip in enumerate(as_list(spec.get("externalIPs"))):
        ip_errs = is_valid_ip(f"spec.externalIPs[{i}]", as_str(ip))
        errs += ip_errs or _validate_non_special_ip(as_str(ip), f"spec.externalIPs[{i}]")
    if not kind:
        errs.append(errors.required("spec.type"))
    elif kind not in ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"):
        errs.append(errors.unsupported("spec.type", kind, ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]))
    if kind == "ClusterIP":
        for i, port in ports:
            if as_int(port.get("nodePort")):
                errs.append(errors.forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"))
    node_ports: set[tuple[str, int]] = set()
    for i, port in ports:
        node_port = as_int(port.get("nodePort"))
        if not node_port:
            continue
        key = (as_str(port.get("protocol")), node_port)
        if key in node_ports:
            errs.append(errors.duplicate(f"spec.ports[{i}].nodePort", node_port))
        node_ports.add(key)
    seen_ports: set[tuple[str, int]] = set()
    for i, port in ports:
        key = (as_str(port.get("protocol")), as_int(port.get("port")))
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
    annotations = as_dict(as_dict(service.get("metadata")).get("annotations"))
    ranges = [r for r in as_list(spec.get("loadBalancerSourceRanges")) if isinstance(r, str)]
    if not ranges and annotation not in annotations:
        return []
    if ranges:
        # sic: the apiserver names this field with a capital L
        path, value, cidrs = "spec.LoadBalancerSourceRanges", "[" + " ".join(ranges) + "]", ranges
    else:
        path = f"metadata.annotations[{annotation}]"
        value = as_str(annotations[annotation])
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
    health = as_int(spec.get("healthCheckNodePort"))
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
    new_spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    if "ExternalName" not in (new_spec.get("type"), old_spec.get("type")) and not (
            _is_headless(new_spec) and _is_headless(old_spec)):
        new_ips, old_ips = _cluster_ips(new_spec), _cluster_ips(old_spec)
        value = GoValue(go_strings(new_ips if new_ips else None))
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
    for key in sorted(as_dict(data)):
        errs += [errors.invalid(f"{path}[{key}]", key, m) for m in is_config_map_key(key)]
        if key in as_dict(other):
            errs.append(errors.invalid(f"{path}[{key}]", key, f"duplicate of key present in {other_name}"))
    return errs


def validate_config_map_data(config_map: Obj) -> Errs:
    errs = _validate_data_keys(config_map.get("data"), config_map.get("binaryData"), "data", "binaryData")
    errs += _validate_data_keys(config_map.get("binaryData"), config_map.get("data"), "binaryData", "data")
    size = sum(len(as_str(v)) for v in as_dict(config_map.get("data")).values())
    if size > MAX_SECRET_SIZE:
        errs.append(FieldError("too_long", "", None, f"may not be more than {MAX_SECRET_SIZE} bytes"))
    return errs


def validate_secret_data(secret: Obj) -> Errs:
    errs: Errs = []
    data = as_dict(secret.get("data"))
    for key in sorted(data):
        errs += [errors.invalid(f"data[{key}]", key, m) for m in is_config_map_key(key)]
    required = {"kubernetes.io/tls": ("tls.crt", "tls.key"),
                "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
                "kubernetes.io/basic-auth": (),
                "kubernetes.io/ssh-auth": ("ssh-privatekey",)}.get(as_str(secret.get("type")), ())
    for key in required:
        if key not in data:
            errs.append(errors.required(f"data[{key}]"))
    return errs


def validate_endpoints_subsets(endpoints: Obj) -> Errs:
    errs: Errs = []
    for i, subset in items_of(endpoints.get("subsets")):
        path = f"subsets[{i}]"
        for field in ("addresses", "notReadyAddresses"):
            for j, address in items_of(subset.get(field)):
                errs += is_valid_ip(f"{path}.{field}[{j}].ip", as_str(address.get("ip")))
        names: set[str] = set()
        for j, port in items_of(subset.get("ports")):
            port_path = f"{path}.ports[{j}]"
            name = as_str(port.get("name"))
            if len(as_list(subset.get("ports"))) > 1 and not name:
                errs.append(errors.required(f"{port_path}.name"))
            elif name:
                errs += [errors.invalid(f"{port_path}.name", name, m) for m in is_dns1123_label(name)]
                if name in names:
                    errs.append(errors.duplicate(f"{port_path}.name", name))
                names.add(name)
            number = as_int(port.get("port"))
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
    for i, endpoint in items_of(endpoint_slice.get("endpoints")):
        addresses = as_list(endpoint.get("addresses"))
        if not addresses:
            errs.append(errors.required(f"endpoints[{i}].addresses", "must contain at least 1 address"))
        for j, address in enumerate(addresses):
            if address_type in ("IPv4", "IPv6"):
                errs += is_valid_ip(f"endpoints[{i}].addresses[{j}]", as_str(address))
    for i, port in items_of(endpoint_slice.get("ports")):
        name = as_str(port.get("name"))
        if name:
            errs += [errors.invalid(f"ports[{i}].name", name, m) for m in is_dns1123_label(name)]
        errs += _validate_protocol(port.get("protocol"), f"ports[{i}].protocol")
    return errs


# kind -> the checks after ObjectMeta (create and update alike)
