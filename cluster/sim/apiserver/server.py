"""The API server's write path: decode, default, allocate, validate, store; graceful deletion; patches."""

from __future__ import annotations

import json
from random import Random
from typing import Any

from cluster.sim.apimachinery import errors
from cluster.sim.apimachinery.kinds import KINDS, Kind
from cluster.sim.apimachinery.timeutil import rfc3339
from cluster.sim.apiserver import decoding, defaults, validation
from cluster.sim.apiserver.allocators import NodePortRange, ServiceIPRange
from cluster.sim.apiserver.merge import (
    apply_json_patch,
    json_merge_patch,
    strategic_merge_patch,
    three_way_merge,
)
from cluster.sim.apiserver.store import Obj, Store, clone
from cluster.sim.clock import Clock
from cluster.sim.settings import Settings

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
READ_ONLY_META = ("uid", "resourceVersion", "creationTimestamp", "generation", "deletionTimestamp",
                  "deletionGracePeriodSeconds", "managedFields", "selfLink")


def kind_of(obj: Obj) -> Kind:
    kind = KINDS.get(obj.get("kind", ""))
    if kind is None:
        raise errors.bad_request(f'no kind "{obj.get("kind")}" is registered for version "{obj.get("apiVersion")}"')
    return kind


class ApiServer:
    """Every change from outside the control plane comes through here, checked as the apiserver checks it."""

    def __init__(self, store: Store, clock: Clock, rng: Random, settings: Settings, service_ips: ServiceIPRange,
                 node_ports: NodePortRange) -> None:
        self.store = store
        self.clock = clock
        self.rng = rng
        self.settings = settings
        self.service_ips = service_ips
        self.node_ports = node_ports

    # ---- create ---------------------------------------------------------------------------------------

    def create(self, obj: Obj, *, namespace: str | None = None, dry_run: bool = False, strict: bool = True,
               trusted: bool = False) -> Obj:
        """POST. `trusted` is for controllers creating from an already validated template: no decode or validation."""
        kind = kind_of(obj)
        if not trusted:
            obj = clone(obj)
            decoding.decode(obj, strict=strict)
        meta = obj.setdefault("metadata", {}) or {}
        obj["metadata"] = meta
        if kind.namespaced:
            given = meta.get("namespace")
            ns = namespace or given or "default"
            if namespace and given and given != namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request")
            meta["namespace"] = ns
            if self.store.get("Namespace", "", ns) is None:
                raise errors.not_found("namespaces", "", ns)
        for field in READ_ONLY_META:
            meta.pop(field, None)
        if obj["kind"] == "Pod":
            # status is reset on create: the kubelet owns it
            obj["status"] = {}
        elif "status" in obj and obj["kind"] in ("Deployment", "ReplicaSet", "Service"):
            obj["status"] = {}
        defaults.apply_defaults(obj)
        if not meta.get("name") and meta.get("generateName"):
            # BeforeCreate: names.SimpleNameGenerator, before validation sees the object
            meta["name"] = self.store.generate_name(obj["kind"], meta.get("namespace", ""), meta["generateName"])
        self._check_limits(obj, creating=not trusted)  # controllers' creates follow from objects already admitted
        if obj["kind"] == "Service":
            self._allocate_service(obj, None, dry_run=True)
        errs = [] if trusted else validation.validate_create(obj)
        if errs:
            raise validation.validation_error(obj, errs)
        if self.store.get(obj["kind"], meta.get("namespace", ""), meta.get("name", "")) is not None:
            raise errors.already_exists(kind.resource, kind.group, meta["name"])
        if dry_run:
            return obj
        if obj["kind"] == "Service":
            self._allocate_service(obj, None, dry_run=False)
        if obj["kind"] == "Pod":
            defaults.admit_pod(obj, self.rng)
            obj["status"] = {"phase": "Pending", "qosClass": _qos_class(obj)}
        if obj["kind"] == "Service":
            obj.setdefault("status", {"loadBalancer": {}})
        return self.store.create(obj)

    # ---- update ---------------------------------------------------------------------------------------

    def update(self, obj: Obj, *, namespace: str | None = None, dry_run: bool = False,
               strict: bool = True, subresource: str = "") -> Obj:
        """PUT: replace the object; a stale resourceVersion is a Conflict."""
        kind = kind_of(obj)
        obj = clone(obj)
        decoding.decode(obj, strict=strict)
        meta = obj.setdefault("metadata", {})
        ns = (namespace or meta.get("namespace") or "default") if kind.namespaced else ""
        if kind.namespaced:
            meta["namespace"] = ns
        current = self.store.get(kind.kind, ns, meta.get("name", ""))
        if current is None:
            raise errors.not_found(kind.resource, kind.group, meta.get("name", ""))
        given = meta.get("resourceVersion")
        if given and given != current["metadata"]["resourceVersion"]:
            raise errors.conflict(kind.resource, kind.group, meta["name"],
                                  "the object has been modified; please apply your changes to the latest "
                                  "version and try again")
        for field in ("uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"):
            if field in current["metadata"]:
                meta[field] = current["metadata"][field]
        if "ownerReferences" not in meta and "ownerReferences" in current["metadata"]:
            meta["ownerReferences"] = current["metadata"]["ownerReferences"]
        if subresource != "status" and "status" in current:
            obj["status"] = clone(current["status"])
        defaults.apply_defaults(obj)
        self._check_limits(obj)
        if obj["kind"] == "Service":
            self._allocate_service(obj, current, dry_run=True)
        errs = validation.validate_update(obj, current)
        if errs:
            raise validation.validation_error(obj, errs)
        if dry_run:
            return obj
        if obj["kind"] == "Service":
            self._allocate_service(obj, current, dry_run=False)
        meta["resourceVersion"] = current["metadata"]["resourceVersion"]
        return self.store.update(obj)

    def patch(self, kind_name: str, namespace: str, name: str, patch: Any, patch_type: str, *,
              dry_run: bool = False, strict: bool = True) -> Obj:
        """PATCH with a JSON merge patch, a strategic merge patch or a JSON patch."""
        kind = KINDS[kind_name]
        current = self.store.get(kind_name, namespace if kind.namespaced else "", name)
        if current is None:
            raise errors.not_found(kind.resource, kind.group, name)
        if patch_type == "merge":
            patched = json_merge_patch(clone(current), patch)
        elif patch_type == "strategic":
            patched = strategic_merge_patch(clone(current), patch)
        elif patch_type == "json":
            patched = apply_json_patch(clone(current), patch)
        else:
            raise errors.ApiError(415, "UnsupportedMediaType", f"unsupported patch type {patch_type!r}")
        if not isinstance(patched, dict):
            raise errors.bad_request("the patch did not produce an object")
        patched.setdefault("metadata", {})["resourceVersion"] = current["metadata"]["resourceVersion"]
        return self.update(patched, namespace=namespace, dry_run=dry_run, strict=strict)

    def apply(self, manifest: Obj, *, namespace: str | None = None, dry_run: bool = False) -> tuple[str, Obj]:
        """kubectl's client-side apply: create, or 3-way merge against last-applied; created|configured|unchanged."""
        kind = kind_of(manifest)
        modified = clone(manifest)
        meta = modified.setdefault("metadata", {})
        if kind.namespaced:
            meta["namespace"] = namespace or meta.get("namespace") or "default"
        annotation = last_applied_configuration(modified)
        meta.setdefault("annotations", {})
        ns = meta.get("namespace", "") if kind.namespaced else ""
        current = self.store.get(kind.kind, ns, meta.get("name", ""))
        with_annotation = clone(modified)
        with_annotation["metadata"]["annotations"][LAST_APPLIED] = annotation
        if current is None:
            return "created", self.create(with_annotation, namespace=namespace, dry_run=dry_run)
        original_text = (current["metadata"].get("annotations") or {}).get(LAST_APPLIED)
        original = json.loads(original_text) if original_text else {}
        merged = three_way_merge(original, with_annotation, clone(current))
        if merged == current:
            return "unchanged", current
        merged["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
        updated = self.update(merged, namespace=namespace, dry_run=dry_run)
        if updated == current or (updated["metadata"]["resourceVersion"] == current["metadata"]["resourceVersion"]
                                  and not dry_run):
            return "unchanged", updated
        return "configured", updated

    def scale(self, kind_name: str, namespace: str, name: str, replicas: int) -> Obj:
        kind = KINDS[kind_name]
        current = self.store.get(kind_name, namespace, name)
        if current is None:
            raise errors.not_found(kind.resource, kind.group, name)
        obj = clone(current)
        obj["spec"]["replicas"] = replicas
        return self.update(obj, namespace=namespace)

    # ---- delete ---------------------------------------------------------------------------------------

    def delete(self, kind_name: str, namespace: str, name: str, *, grace_period: int | None = None,
               propagation: str = "Background", dry_run: bool = False) -> Obj:
        """DELETE: pods on a node terminate gracefully; dependents follow through garbage collection."""
        kind = KINDS[kind_name]
        ns = namespace if kind.namespaced else ""
        current = self.store.get(kind_name, ns, name)
        if current is None:
            raise errors.not_found(kind.resource, kind.group, name)
        if dry_run:
            return current
        if kind_name == "Namespace":
            if name in ("default", "kube-system", "kube-public", "kube-node-lease"):
                raise errors.ApiError(403, "Forbidden", f'namespaces "{name}" is forbidden: this namespace may not '
                                      "be deleted")
            return self._delete_namespace(current)
        if propagation == "Orphan":
            self._orphan_dependents(current)
        if kind_name == "Pod":
            return self._delete_pod(current, grace_period)
        return self.store.delete(kind_name, ns, name)

    def _delete_pod(self, pod: Obj, grace_period: int | None) -> Obj:
        meta = pod["metadata"]
        spec_grace = pod.get("spec", {}).get("terminationGracePeriodSeconds", 30)
        grace = spec_grace if grace_period is None or grace_period < 0 else grace_period
        if not pod.get("spec", {}).get("nodeName") or grace == 0 or \
                pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            return self.store.delete("Pod", meta["namespace"], meta["name"])
        if meta.get("deletionTimestamp") and grace >= meta.get("deletionGracePeriodSeconds", grace):
            return pod  # a second delete may only shorten the grace period
        updated = clone(pod)
        updated["metadata"]["deletionTimestamp"] = rfc3339(self.clock.now + grace)
        updated["metadata"]["deletionGracePeriodSeconds"] = grace
        updated["spec"]["terminationGracePeriodSeconds"] = grace
        return self.store.update(updated, check_version=False)

    def _delete_namespace(self, namespace: Obj) -> Obj:
        name = namespace["metadata"]["name"]
        for kind in KINDS.values():
            if not kind.namespaced:
                continue
            for obj in self.store.list(kind.kind, name):
                if self.store.get(kind.kind, name, obj["metadata"]["name"]) is not None:
                    self.store.delete(kind.kind, name, obj["metadata"]["name"])
        return self.store.delete("Namespace", "", name)

    def _orphan_dependents(self, owner: Obj) -> None:
        uid = owner["metadata"]["uid"]
        ns = owner["metadata"].get("namespace")
        for kind in ("ReplicaSet", "Pod", "EndpointSlice"):
            for obj in self.store.list(kind, ns):
                refs = obj["metadata"].get("ownerReferences") or []
                if any(r.get("uid") == uid for r in refs):
                    updated = clone(obj)
                    kept = [r for r in refs if r.get("uid") != uid]
                    if kept:
                        updated["metadata"]["ownerReferences"] = kept
                    else:
                        updated["metadata"].pop("ownerReferences", None)
                    self.store.update(updated, check_version=False)

    # ---- limits and allocation ------------------------------------------------------------------------

    def _check_limits(self, obj: Obj, *, creating: bool = False) -> None:
        settings = self.settings
        replicas = (obj.get("spec") or {}).get("replicas")
        if obj["kind"] in ("Deployment", "ReplicaSet") and isinstance(replicas, int) \
                and replicas > settings.max_replicas:
            raise errors.TooMuch(
                f'{obj["kind"]} "{obj["metadata"].get("name", "")}": spec.replicas {replicas} is more than this '
                f"sandbox allows (at most {settings.max_replicas} replicas per {obj['kind']})")
        used = self.store.count() - self.store.count("Event")
        if creating and used >= settings.max_objects:
            # worded as the ResourceQuota admission plugin words it
            kind = KINDS[obj["kind"]]
            qualified = f"{kind.resource}.{kind.group}" if kind.group else kind.resource
            raise errors.ApiError(403, "Forbidden", (
                f'{qualified} "{obj["metadata"].get("name", "")}" is forbidden: exceeded quota: sandbox-objects, '
                f"requested: count=1, used: count={used}, limited: count={settings.max_objects}"),
                {"name": obj["metadata"].get("name", ""), "kind": kind.resource})

    def _allocate_service(self, svc: Obj, old: Obj | None, *, dry_run: bool) -> None:
        """Cluster IP and node port allocation (BeginCreate/BeginUpdate): failures are reported alone."""
        spec = svc.setdefault("spec", {})
        name = svc["metadata"].get("name", "")
        svc_type = spec.get("type", "ClusterIP")
        ips = self.service_ips
        used_ips = {s["spec"].get("clusterIP") for s in self.store.list("Service")
                    if s["spec"].get("clusterIP") and s is not old}
        if svc_type == "ExternalName":
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        elif old is not None and old["spec"].get("clusterIP"):
            if spec.get("clusterIP") in (None, "", old["spec"]["clusterIP"]):
                spec["clusterIP"] = old["spec"]["clusterIP"]
                spec["clusterIPs"] = list(old["spec"].get("clusterIPs") or [old["spec"]["clusterIP"]])
        else:
            requested = spec.get("clusterIP") or (spec.get("clusterIPs") or [""])[0]
            if requested == "None":
                spec["clusterIP"] = "None"
                spec["clusterIPs"] = ["None"]
            elif requested:
                if not _is_ipv4(requested):
                    pass  # validation reports the malformed address
                elif not ips.contains(requested):
                    raise errors.invalid_object("Service", "", name, [errors.invalid(
                        "spec.clusterIPs", errors.GoValue('[]string{"' + requested + '"}'),
                        f"failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid "
                        f"range. The range of valid IPs is {ips.cidr}")])
                elif requested in used_ips:
                    raise errors.invalid_object("Service", "", name, [errors.invalid(
                        "spec.clusterIPs", errors.GoValue('[]string{"' + requested + '"}'),
                        f"failed to allocate IP {requested}: provided IP is already allocated")])
                else:
                    spec["clusterIPs"] = [requested]
            elif not dry_run:
                allocated = ips.allocate({ip for ip in used_ips if ip}, self.rng)
                if allocated is None:
                    raise errors.ApiError(500, "InternalError",
                                          "Internal error occurred: failed to allocate a serviceIP: range is full")
                spec["clusterIP"] = allocated
                spec["clusterIPs"] = [allocated]
            if spec.get("clusterIP") or spec.get("clusterIPs"):
                spec.setdefault("ipFamilies", ["IPv4"])
                spec.setdefault("ipFamilyPolicy", "SingleStack")
        if spec.get("clusterIPs") and not spec.get("clusterIP"):
            spec["clusterIP"] = spec["clusterIPs"][0]
        if svc_type not in ("NodePort", "LoadBalancer"):
            if old is not None and old["spec"].get("type") in ("NodePort", "LoadBalancer"):
                # dropTypeDependentFields: node ports the user did not change go with the type
                for port in spec.get("ports") or []:
                    port.pop("nodePort", None)
            return
        used_ports = {p.get("nodePort") for s in self.store.list("Service") if s is not old
                      for p in (s["spec"].get("ports") or []) if p.get("nodePort")}
        old_ports = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
                     for p in ((old or {}).get("spec", {}).get("ports") or [])}
        for i, port in enumerate(spec.get("ports") or []):
            if not isinstance(port, dict):
                continue
            wanted = port.get("nodePort")
            if not wanted:
                kept = old_ports.get((port.get("port"), port.get("protocol", "TCP")))
                if kept:
                    port["nodePort"] = kept
                    continue
                if not dry_run:
                    chosen = self.node_ports.allocate({p for p in used_ports if p}, self.rng)
                    port["nodePort"] = chosen
                    used_ports.add(chosen)
                continue
            if not isinstance(wanted, int):
                continue
            if wanted == old_ports.get((port.get("port"), port.get("protocol", "TCP"))):
                continue
            if not self.node_ports.contains(wanted):
                raise errors.invalid_object("Service", "", name, [errors.invalid(
                    f"spec.ports[{i}].nodePort", wanted,
                    f"provided port is not in the valid range. The range of valid ports is "
                    f"{self.node_ports.text()}")])
            if wanted in used_ports:
                raise errors.invalid_object("Service", "", name, [errors.invalid(
                    f"spec.ports[{i}].nodePort", wanted, "provided port is already allocated")])
            used_ports.add(wanted)


def last_applied_configuration(manifest: Obj) -> str:
    """GetModifiedConfiguration: compact JSON, sorted keys, with annotations {} and the namespace, plus a newline."""
    body = clone(manifest)
    annotations = dict(body.setdefault("metadata", {}).get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    body["metadata"]["annotations"] = annotations
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def _is_ipv4(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() and 0 <= int(p) <= 255 for p in parts)


def _qos_class(pod: Obj) -> str:
    """getPodQOS, simplified over cpu and memory."""
    containers = pod.get("spec", {}).get("containers") or []
    requests_any = limits_all = False
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        if req or lim:
            requests_any = True
        for r in ("cpu", "memory"):
            if r not in lim or req.get(r, lim.get(r)) != lim.get(r):
                guaranteed = False
        limits_all = limits_all or bool(lim)
    if not requests_any:
        return "BestEffort"
    return "Guaranteed" if guaranteed and limits_all else "Burstable"
