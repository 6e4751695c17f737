"""`kubectl apply`, `create` and `delete`: manifests from files, per-object results, errors as kubectl reports them."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from cluster.sim.apimachinery.errors import ApiError
from cluster.sim.apimachinery.kinds import KINDS, Kind
from cluster.sim.apiserver.server import LAST_APPLIED, last_applied_configuration
from cluster.sim.apiserver.store import clone
from cluster.sim.kubectl import printers
from cluster.sim.kubectl.flags import Parsed, UsageError, parse_duration
from cluster.sim.kubectl.resource import list_objects, load, objects_from_files, record_error
from cluster.sim.kubectl.session import (
    NO_RESOURCES_GIVEN,
    ErrorItem,
    KubectlError,
    Obj,
    Session,
    Target,
    errors_text,
    not_found,
    resolve_targets,
    with_source,
)
from cluster.sim.manifests.loader import Document


def _namespace_of(s: Session, doc: Document, kind: Kind) -> str:
    if not kind.namespaced:
        return ""
    meta = doc.obj.get("metadata") or {}
    # unstructured's accessors read a metadata that is not a map as empty
    return str((meta.get("namespace") if isinstance(meta, dict) else None) or s.namespace)


def _name_of(doc: Document) -> str:
    meta = doc.obj.get("metadata") or {}
    return str(meta.get("name") or "") if isinstance(meta, dict) else ""


def _empty_name_error(doc: Document, kind: Kind, namespace: str) -> str:
    # mirrors the error of a GET with an empty name, with cli-runtime's Info.String()
    return ("error when retrieving current configuration of:\n"
            f'Resource: "{kind.group}/{kind.version}, Resource={kind.resource}", GroupVersionKind: '
            f'"{kind.group}/{kind.version}, Kind={kind.kind}"\n'
            f'Name: "", Namespace: "{namespace}"\n'
            f'from server for: "{doc.source}": resource name may not be empty')


def _record_api_error(s: Session, doc: Document, err: ApiError) -> None:
    causes = err.causes
    if not causes:
        # a decoding error names its fields apart from the message: mark the first of them
        where = doc.position_of(err.field_paths[0]) if err.field_paths else None
        record_error(s, where or doc.start_line, err.message)
        return
    for cause in causes:
        text = f"{cause.get('field', '')}: {cause.get('message', '')}" if cause.get("field") else cause.get(
            "message", "")
        record_error(s, doc.position_of(cause.get("field", "")) if cause.get("field") else doc.start_line, text)


def _dry_run(p: Parsed) -> str:
    """GetDryRunStrategy: none, client or server."""
    value = p["dry-run"]
    if value == "unchanged":
        raise KubectlError('error: --dry-run flag without a value was specified. A value must be set: "none", '
                           '"server", or "client".')
    if value in ("", "none", "false"):
        return "none"
    if value == "true":
        return "client"
    if value not in ("client", "server"):
        raise KubectlError(f'error: Invalid dry-run value ({value}). Must be "none", "server", or "client".')
    return str(value)


def dry_run_suffix(dry_run: str) -> str:
    """What kubectl appends to an operation for --dry-run: ` (dry run)` or ` (server dry run)`."""
    return {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")


def _print_result(s: Session, p: Parsed, kind: Kind, name: str, operation: str) -> None:
    if p.values.get("output") == "name":
        s.print(f"{kind.type_name}/{name}")
    else:
        s.print(f"{kind.type_name}/{name} {operation}")


def _finish(s: Session, errs: list[ErrorItem]) -> int:
    if errs:
        s.warn(errors_text(errs))
        return 1
    return 0


def _require_files(p: Parsed, command: str) -> None:
    if not p["filename"]:
        if command == "apply":
            raise KubectlError("error: must specify one of -f and -k")
        raise KubectlError("error: must specify one of -f and -k")


# ---- apply ----------------------------------------------------------------------------------------------------

def _patch_text(original: Any, modified: Any, current: Any) -> Any:
    """A readable stand-in for the 3-way strategic merge patch kubectl quotes when a patch fails."""
    if not isinstance(modified, dict):
        return modified
    patch: dict[str, Any] = {}
    for key, value in modified.items():
        cur = current.get(key) if isinstance(current, dict) else None
        if value != cur:
            orig = original.get(key) if isinstance(original, dict) else None
            patch[key] = _patch_text(orig, value, cur) if isinstance(value, dict) and isinstance(cur, dict) else value
    for key in (original or {}) if isinstance(original, dict) else ():
        if key not in modified:
            patch[key] = None
    return patch


def cmd_apply(s: Session, p: Parsed) -> int:
    """kubectl apply -f: create, or patch against the last applied configuration."""
    if p["server-side"]:
        raise KubectlError("error: Podium's kubectl applies client-side only; drop --server-side")
    _require_files(p, "apply")
    dry_run = _dry_run(p)
    loaded = load(s, p["filename"], p["recursive"])
    if not loaded.docs and not loaded.errors:
        raise KubectlError("error: no objects passed to apply")
    errs: list[ErrorItem] = []
    for doc, kind in loaded.docs:
        namespace = _namespace_of(s, doc, kind)
        name = _name_of(doc)
        if not name:
            errs.append(_empty_name_error(doc, kind, namespace or s.namespace))
            record_error(s, doc.start_line, "resource name may not be empty")
            continue
        existing = s.store.get(kind.kind, namespace, name)
        if dry_run == "client":
            _print_result(s, p, kind, name, ("created" if existing is None else "configured") + dry_run_suffix(dry_run))
            continue
        if existing is not None and LAST_APPLIED not in (existing["metadata"].get("annotations") or {}):
            s.warn(f"Warning: resource {kind.resource}/{name} is missing the {LAST_APPLIED} annotation which is "
                   "required by kubectl apply. kubectl apply should only be used on resources created "
                   "declaratively by either kubectl create --save-config or kubectl apply. The missing annotation "
                   "will be patched automatically.")
        try:
            operation, _ = s.cluster.api.apply(doc.obj, namespace=namespace or None, dry_run=dry_run == "server")
        except ApiError as err:
            _record_api_error(s, doc, err)
            errs.append(_wrap_apply_error(doc, kind, namespace, existing, err))
            continue
        if operation != "unchanged" and dry_run == "none":
            s.changed = True
        _print_result(s, p, kind, name, operation + dry_run_suffix(dry_run))
    return _finish(s, loaded.errors + errs)


def _wrap_apply_error(doc: Document, kind: Kind, namespace: str, existing: Obj | None, err: ApiError) -> ApiError:
    if existing is None:
        return with_source(err, "creating", doc.source)
    patched = with_source(err, "patching", doc.source)
    annotations = (existing["metadata"].get("annotations") or {})
    original = json.loads(annotations[LAST_APPLIED]) if annotations.get(LAST_APPLIED) else {}
    modified = clone(doc.obj)
    modified.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = \
        last_applied_configuration(doc.obj)
    patch = json.dumps(_patch_text(original, modified, existing), separators=(",", ":"), sort_keys=True)
    info = (f'Resource: "{kind.group}/{kind.version}, Resource={kind.resource}", GroupVersionKind: '
            f'"{kind.group}/{kind.version}, Kind={kind.kind}"\nName: "{_name_of(doc)}", Namespace: "{namespace}"')
    return with_source(patched, f"applying patch:\n{patch}\nto:\n{info}\nfor:", doc.source)


# ---- create -----------------------------------------------------------------------------------------------------

def cmd_create(s: Session, p: Parsed) -> int:
    """kubectl create -f (and the generator subcommands, dispatched before this)."""
    if p.args:
        raise UsageError(f'unknown command "{p.args[0]}" for "kubectl create"')
    _require_files(p, "create")
    dry_run = _dry_run(p)
    loaded = load(s, p["filename"], p["recursive"])
    if not loaded.docs and not loaded.errors:
        raise KubectlError("error: no objects passed to create")
    errs: list[ErrorItem] = []
    for doc, kind in loaded.docs:
        namespace = _namespace_of(s, doc, kind)
        name = _name_of(doc)
        if dry_run == "client":
            _print_result(s, p, kind, name, "created" + dry_run_suffix(dry_run))
            continue
        obj = clone(doc.obj)
        if p["save-config"]:
            obj.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = \
                last_applied_configuration(doc.obj)
        try:
            s.cluster.api.create(obj, namespace=namespace or None, dry_run=dry_run == "server")
        except ApiError as err:
            _record_api_error(s, doc, err)
            errs.append(with_source(err, "creating", doc.source))
            continue
        if dry_run == "none":
            s.changed = True
        _print_result(s, p, kind, name, "created" + dry_run_suffix(dry_run))
    return _finish(s, loaded.errors + errs)


def create_object(s: Session, p: Parsed, obj: Obj) -> int:
    """The last step of every `kubectl create <generator>`: print with -o, or send it."""
    dry_run = _dry_run(p)
    kind = KINDS[obj["kind"]]
    name = obj["metadata"]["name"]
    output = p.values.get("output", "")
    if kind.namespaced:
        obj["metadata"]["namespace"] = s.namespace if (s.namespace_given or dry_run == "none") else \
            obj["metadata"].get("namespace", "")
        if not obj["metadata"]["namespace"]:
            obj["metadata"].pop("namespace")
    if dry_run != "client":
        try:
            obj = s.cluster.api.create(obj, namespace=s.namespace if kind.namespaced else None,
                                       dry_run=dry_run == "server")
        except ApiError as err:
            raise KubectlError(errors_text([err])) from err
        if dry_run == "none":
            s.changed = True
    if output in ("yaml", "json"):
        document = clone(obj)
        document["metadata"].setdefault("creationTimestamp", None)
        if dry_run == "client":
            document = _client_order(document)
        s.write(printers.to_yaml(document) if output == "yaml" else printers.to_json(document))
        return 0
    if output == "name":
        s.print(f"{kind.type_name}/{name}")
        return 0
    if output:
        raise KubectlError(f'error: unable to match a printer suitable for the output format "{output}", allowed '
                           "formats are: json,name,yaml")
    s.print(f"{kind.type_name}/{name} {p.values.get('_operation', 'created')}{dry_run_suffix(dry_run)}")
    return 0


def _client_order(obj: Obj) -> Obj:
    # a client-side object prints an empty status, as Go's zero-value structs do
    obj.setdefault("status", {})
    return obj


def _image_container_name(image: str) -> str:
    name = image.split("/")[-1]
    name = name.split("@")[0].split(":")[0]
    return name.replace("_", "-")


def create_deployment(s: Session, p: Parsed) -> int:
    if len(p.args) != 1:
        raise UsageError("exactly one NAME is required, got " + str(len(p.args)))
    if not p["image"]:
        raise KubectlError('error: required flag(s) "image" not set')
    name = p.args[0]
    labels = {"app": name}
    containers: list[Obj] = []
    seen: dict[str, int] = {}
    for image in p["image"]:
        base = _image_container_name(image)
        count = seen.get(base, 0)
        seen[base] = count + 1
        container: Obj = {"image": image, "name": base if count == 0 else f"{base}-{count}", "resources": {}}
        if p["port"] >= 0 and not containers and p.changed("port"):
            container["ports"] = [{"containerPort": p["port"]}]
        containers.append(container)
    if p.dash_args:
        containers[0]["command"] = list(p.dash_args)
    obj: Obj = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"labels": dict(labels), "name": name},
        "spec": {"replicas": p["replicas"], "selector": {"matchLabels": dict(labels)}, "strategy": {},
                 "template": {"metadata": {"creationTimestamp": None, "labels": dict(labels)},
                              "spec": {"containers": containers}}},
    }
    return create_object(s, p, obj)


def create_service(s: Session, p: Parsed, service_type: str) -> int:
    if len(p.args) != 1:
        raise UsageError("exactly one NAME is required, got " + str(len(p.args)))
    name = p.args[0]
    ports: list[Obj] = []
    for spec in p["tcp"]:
        port_text, _, target_text = spec.partition(":")
        target_text = target_text or port_text
        if not port_text.isdigit():
            raise KubectlError(f'error: strconv.Atoi: parsing "{port_text}": invalid syntax')
        port: Obj = {"name": spec.replace(":", "-"), "port": int(port_text), "protocol": "TCP",
                     "targetPort": int(target_text) if target_text.isdigit() else target_text}
        if service_type == "NodePort" and p["node-port"]:
            port["nodePort"] = p["node-port"]
        ports.append(port)
    if not ports and p["clusterip"] != "None":
        raise KubectlError("error: at least one tcp port specifier must be provided")
    spec_obj: Obj = {"ports": ports, "selector": {"app": name}, "type": service_type}
    if p["clusterip"]:
        spec_obj["clusterIP"] = p["clusterip"]
    obj: Obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"labels": {"app": name}, "name": name},
                "spec": spec_obj}
    return create_object(s, p, obj)


def create_namespace(s: Session, p: Parsed) -> int:
    if len(p.args) != 1:
        raise UsageError("exactly one NAME is required, got " + str(len(p.args)))
    return create_object(s, p, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": p.args[0]},
                                "spec": {}})


def _literals(p: Parsed) -> dict[str, str]:
    data: dict[str, str] = {}
    for literal in p["from-literal"]:
        key, eq, value = literal.partition("=")
        if not eq or not key:
            raise KubectlError(f"error: invalid literal source {literal}, expected key=value")
        if key in data:
            raise KubectlError(f'error: cannot add key "{key}", another key by that name already exists in Data '
                               f"for ConfigMap \"{p.args[0]}\"")
        data[key] = value
    return data


def create_configmap(s: Session, p: Parsed) -> int:
    if len(p.args) != 1:
        raise UsageError("exactly one NAME is required, got " + str(len(p.args)))
    obj: Obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": p.args[0]}}
    data = _literals(p)
    if data:
        obj["data"] = data
    return create_object(s, p, obj)


def create_secret(s: Session, p: Parsed) -> int:
    if len(p.args) != 1:
        raise UsageError("exactly one NAME is required, got " + str(len(p.args)))
    data = {k: base64.b64encode(v.encode()).decode() for k, v in _literals(p).items()}
    obj: Obj = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": p.args[0]}, "type": p["type"] or "Opaque"}
    if data:
        obj["data"] = data
    return create_object(s, p, obj)


# ---- delete -----------------------------------------------------------------------------------------------------

_CASCADE = {"background": "Background", "true": "Background", "orphan": "Orphan", "false": "Orphan",
            "foreground": "Foreground"}


def _grace_period(p: Parsed) -> int:
    """DeleteOptions.Complete/Validate: --now, --force and --grace-period as kubectl reconciles them."""
    grace: int = p["grace-period"]
    if p["now"]:
        if grace != -1:
            raise KubectlError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not p["force"]:
        grace = 1
    if p["force"] and grace < 0:
        grace = 0
    if p["force"] and grace > 0:
        raise KubectlError("error: --force and --grace-period greater than 0 cannot be specified together")
    return grace


def cmd_delete(s: Session, p: Parsed) -> int:
    """kubectl delete: objects by name, file, selector or --all; then wait until they are gone."""
    output = p["output"]
    if output not in ("", "name"):
        raise KubectlError(f"error: unexpected -o output mode: {output}. We only support '-o name'")
    if p["all"] and p["selector"]:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if p["all"] and p["field-selector"]:
        raise KubectlError("error: cannot set --all and --field-selector at the same time")
    cascade = _CASCADE.get(p["cascade"])
    if cascade is None:
        raise KubectlError(f'error: invalid cascade value ({p["cascade"]}). Must be "background", "foreground", '
                           'or "orphan".')
    if p["cascade"] in ("true", "false"):
        replacement = "background" if p["cascade"] == "true" else "orphan"
        s.warn(f"warning: --cascade={p['cascade']} is deprecated (boolean value) and can be replaced with "
               f"--cascade={replacement}.")
    grace = _grace_period(p)
    dry_run = _dry_run(p)
    timeout = parse_duration(p["timeout"], "--timeout")
    if grace == 0 and p["force"]:
        s.warn("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
               "terminated. The resource may continue to run on the cluster indefinitely.")
    selecting = bool(p["all"] or p["selector"] or p["field-selector"])
    ignore_not_found = p["ignore-not-found"] if p.changed("ignore-not-found") else selecting
    targets = _delete_targets(s, p, selecting)
    errs: list[ErrorItem] = []
    deleted: list[tuple[Kind, str, str, str]] = []  # kind, namespace, name, uid
    found = 0
    for kind, namespace, name in targets:
        if isinstance(name, ApiError):
            if not ignore_not_found:
                errs.append(name)
            continue
        obj = s.store.get(kind.kind, namespace, name)
        if obj is None:
            if not ignore_not_found:
                errs.append(not_found(kind, name))
            continue
        found += 1
        operation = "force deleted" if grace == 0 else "deleted"
        operation += dry_run_suffix(dry_run)
        if dry_run != "client":
            try:
                s.cluster.api.delete(kind.kind, namespace, name, grace_period=grace if grace >= 0 else None,
                                     propagation=cascade, dry_run=dry_run == "server")
            except ApiError as err:
                errs.append(with_source(err, "deleting", ""))
                continue
            if dry_run == "none":
                s.changed = True
                deleted.append((kind, namespace, name, obj["metadata"].get("uid", "")))
        if output == "name":
            s.print(f"{kind.type_name}/{name}")
        else:
            s.print(f'{kind.type_name} "{name}" {operation}')
    if errs:
        return _finish(s, errs)
    if found == 0:
        s.print("No resources found")
        return 0
    if p["wait"] and deleted:
        _wait_gone(s, deleted, timeout, grace)
    return 0


def _delete_targets(s: Session, p: Parsed, selecting: bool) -> list[tuple[Kind, str, Any]]:
    if p["filename"]:
        if p.args:
            raise KubectlError("error: resource(s) were provided, but no name was specified")
        return [(kind, _namespace_of(s, doc, kind), _name_of(doc))
                for doc, kind in objects_from_files(s, p["filename"], p["recursive"])]
    if not p.args:
        raise KubectlError(NO_RESOURCES_GIVEN)
    resolved = resolve_targets(p.args)
    if selecting and any(t.names for t in resolved.items):
        raise KubectlError("error: name cannot be provided when a selector is specified")
    if not selecting and not any(t.names for t in resolved.items):
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    found: list[tuple[Kind, str, Any]] = []
    target: Target
    for target in resolved.items:
        namespace = s.namespace if target.kind.namespaced else ""
        if target.names:
            found.extend((target.kind, namespace, name) for name in target.names)
            continue
        objs, _ = list_objects(s, target.kind, [], all_namespaces=p["all-namespaces"], selector=p["selector"],
                               field_selector=p["field-selector"])
        found.extend((target.kind, o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in objs)
    return found


WAIT_MARGIN_SECONDS = 5.0


def _wait_gone(s: Session, deleted: list[tuple[Kind, str, str, str]], timeout: float, grace: int) -> None:
    """kubectl's wait --for=delete after a delete: time moves until every object is gone (or the timeout)."""
    def remaining() -> list[tuple[Kind, str, str, str]]:
        left = []
        for entry in deleted:
            obj = s.store.get(entry[0].kind, entry[1], entry[2])
            if obj is not None and obj["metadata"].get("uid") == entry[3]:
                left.append(entry)
        return left

    longest = max([grace] + [_grace_of(s, entry) for entry in deleted])
    deadline = s.now + (timeout if timeout > 0 else longest + WAIT_MARGIN_SECONDS)
    left = remaining()
    while left and s.now < deadline:
        nxt = s.cluster.clock.next_time()
        s.cluster.advance(deadline if nxt is None else min(max(nxt, s.now), deadline))
        left = remaining()
    if left:
        kind, _, name, _ = left[0]
        raise KubectlError(f"error: timed out waiting for the condition on {kind.resource}/{name}")


def _grace_of(s: Session, entry: tuple[Kind, str, str, str]) -> int:
    obj = s.store.get(entry[0].kind, entry[1], entry[2])
    if obj is None:
        return 0
    value = obj["metadata"].get("deletionGracePeriodSeconds")
    if value is None:
        value = (obj.get("spec") or {}).get("terminationGracePeriodSeconds", 0)
    return int(value) if isinstance(value, int) else 0


def parse_key_value(text: str) -> tuple[str, str] | None:
    m = re.fullmatch(r"([^=]+)=(.*)", text)
    return (m.group(1), m.group(2)) if m else None
