"""`kubectl get` and `kubectl describe`: resource arguments, label and field selectors, every output form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cluster.sim.apimachinery.kinds import Kind
from cluster.sim.kubectl import describe as describers
from cluster.sim.kubectl import jsonpath, printers
from cluster.sim.kubectl.flags import Parsed
from cluster.sim.kubectl.session import (
    ErrorItem,
    KubectlError,
    Obj,
    Session,
    Targets,
    errors_text,
    not_found,
    resolve_targets,
)

OUTPUT_FORMATS = ("custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
                  "jsonpath-file,name,template,templatefile,wide,yaml")


# ---- label selectors (labels.Parse) ------------------------------------------------------------------------

@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # = != in notin exists !
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        if self.op == "exists":
            return self.key in labels
        if self.op == "!":
            return self.key not in labels
        if self.op in ("=", "in"):
            return self.key in labels and labels[self.key] in self.values
        # != and notin also match objects without the key
        return labels.get(self.key) not in self.values


_KEY = r"[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?"
_VALUE = r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?"


def _split_top(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def parse_label_selector(text: str) -> list[Requirement]:
    """`app=web,tier!=db,env in (a,b),!legacy`; raises KubectlError as the API server rejects a bad one."""
    found: list[Requirement] = []
    if not text.strip():
        return found
    for part in _split_top(text):
        part = part.strip()
        m = re.fullmatch(rf"({_KEY})\s+(in|notin)\s+\(([^)]*)\)", part)
        if m:
            values = tuple(v.strip() for v in m.group(4).split(",") if v.strip())
            found.append(Requirement(m.group(1), m.group(3), values))
            continue
        m = re.fullmatch(rf"({_KEY})\s*(==|!=|=)\s*({_VALUE})", part)
        if m:
            op = "!=" if m.group(3) == "!=" else "="
            found.append(Requirement(m.group(1), op, (m.group(4),)))
            continue
        m = re.fullmatch(rf"(!?)\s*({_KEY})", part)
        if m:
            found.append(Requirement(m.group(2), "!" if m.group(1) else "exists"))
            continue
        raise KubectlError(f"Error from server (BadRequest): unable to parse requirement: invalid label selector "
                           f'"{text}"')
    return found


def matches_labels(obj: Obj, requirements: list[Requirement]) -> bool:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return all(r.matches(labels) for r in requirements)


# ---- field selectors (per-kind field label conversion) -------------------------------------------------------

_FIELDS: dict[str, dict[str, str]] = {
    "Pod": {"spec.nodeName": "spec.nodeName", "spec.restartPolicy": "spec.restartPolicy",
            "spec.schedulerName": "spec.schedulerName", "spec.serviceAccountName": "spec.serviceAccountName",
            "spec.hostNetwork": "spec.hostNetwork", "status.phase": "status.phase", "status.podIP": "status.podIP",
            "status.nominatedNodeName": "status.nominatedNodeName"},
    "Event": {"involvedObject.kind": "involvedObject.kind", "involvedObject.namespace": "involvedObject.namespace",
              "involvedObject.name": "involvedObject.name", "involvedObject.uid": "involvedObject.uid",
              "involvedObject.apiVersion": "involvedObject.apiVersion",
              "involvedObject.resourceVersion": "involvedObject.resourceVersion",
              "involvedObject.fieldPath": "involvedObject.fieldPath", "reason": "reason",
              "reportingComponent": "reportingComponent", "source": "source.component", "type": "type"},
    "Namespace": {"status.phase": "status.phase"},
    "Node": {"spec.unschedulable": "spec.unschedulable"},
    "ReplicaSet": {"status.replicas": "status.replicas"},
    "Secret": {"type": "type"},
}


def _field_value(obj: Obj, path: str) -> str:
    value: Any = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def parse_field_selector(text: str, kind: Kind, label_selector: str) -> list[tuple[str, str, str]]:
    """`metadata.name=x,status.phase!=Running` as (path, op, value); unknown fields are a 400 as the server says."""
    found = []
    for part in [p for p in text.split(",") if p.strip()]:
        m = re.fullmatch(r"\s*([^=!\s]+)\s*(==|!=|=)\s*(.*?)\s*", part)
        if not m:
            raise KubectlError(f"Error from server (BadRequest): invalid selector: '{text}'; can't understand "
                               f"'{part}'")
        field_name, op, value = m.group(1), "!=" if m.group(2) == "!=" else "=", m.group(3)
        known = {"metadata.name": "metadata.name", "metadata.namespace": "metadata.namespace",
                 **_FIELDS.get(kind.kind, {})}
        if field_name not in known:
            resource = f"{kind.group}/{kind.version}, Resource={kind.resource}"
            raise KubectlError(f'Error from server (BadRequest): Unable to find "{resource}" that match label '
                               f'selector "{label_selector}", field selector "{text}": field label not supported: '
                               f"{field_name}")
        found.append((known[field_name], op, value))
    return found


def matches_fields(obj: Obj, selectors: list[tuple[str, str, str]]) -> bool:
    for path, op, value in selectors:
        equal = _field_value(obj, path) == value
        if equal != (op == "="):
            return False
    return True


# ---- listing ---------------------------------------------------------------------------------------------

@dataclass
class Found:
    kind: Kind
    objs: list[Obj]


def list_objects(s: Session, kind: Kind, names: list[str], *, all_namespaces: bool, selector: str = "",
                 field_selector: str = "", ignore_not_found: bool = False) -> tuple[list[Obj], list[ErrorItem]]:
    """The objects a TYPE [NAME...] argument means, with NotFound errors for missing names."""
    requirements = parse_label_selector(selector)
    fields = parse_field_selector(field_selector, kind, selector)
    namespace = s.namespace if kind.namespaced else ""
    errs: list[ErrorItem] = []
    if names:
        objs = []
        for name in names:
            obj = s.store.get(kind.kind, namespace, name)
            if obj is None:
                if not ignore_not_found:
                    errs.append(not_found(kind, name))
                continue
            if matches_labels(obj, requirements) and matches_fields(obj, fields):
                objs.append(obj)
        return objs, errs
    scope = None if all_namespaces or not kind.namespaced else s.namespace
    objs = [o for o in s.store.list(kind.kind, scope) if matches_labels(o, requirements) and matches_fields(o, fields)]
    return objs, errs


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (1, value)
    if value is None:
        return (0, "")
    return (2, str(value))


def sort_objects(objs: list[Obj], sort_by: str) -> list[Obj]:
    """--sort-by: a JSONPath per object; objects without the field come first."""
    path = jsonpath.relaxed(sort_by)
    try:
        keyed = [(jsonpath.find(path, o), o) for o in objs]
    except Exception as exc:
        raise KubectlError(f"error: {exc}") from exc
    if objs and all(not found for found, _ in keyed):
        raise KubectlError(f'error: couldn\'t find any field with path "{path}" in the list of objects')
    keyed.sort(key=lambda pair: _sort_key(pair[0][0] if pair[0] else None))
    return [o for _, o in keyed]


# ---- get ---------------------------------------------------------------------------------------------------

def _check_output(output: str) -> None:
    if output in ("", "wide", "yaml", "json", "name"):
        return
    if output.startswith(("jsonpath=", "custom-columns=")):
        return
    if output in ("jsonpath", "custom-columns", "go-template", "template"):
        raise KubectlError("error: template format specified but no template given")
    raise KubectlError(f'error: unable to match a printer suitable for the output format "{output}", allowed '
                       f"formats are: {OUTPUT_FORMATS}")


def cmd_get(s: Session, p: Parsed) -> int:
    """kubectl get."""
    output: str = p["output"]
    _check_output(output)
    all_namespaces: bool = p["all-namespaces"]
    if not p.args and not p["filename"]:
        raise KubectlError(
            'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of '
            "supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for "
            "a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help "
            "and examples")
    if p["filename"]:
        from cluster.sim.kubectl.apply import objects_from_files

        targets = _targets_from_files(s, p, objects_from_files)
    else:
        targets = resolve_targets(p.args)
    if all_namespaces and any(t.names for t in targets.items):
        raise KubectlError("error: a resource cannot be retrieved by name across all namespaces")
    found: list[Found] = []
    errs: list[ErrorItem] = []
    for target in targets.items:
        objs, target_errs = list_objects(s, target.kind, target.names, all_namespaces=all_namespaces,
                                         selector=p["selector"], field_selector=p["field-selector"],
                                         ignore_not_found=p["ignore-not-found"])
        if p["sort-by"]:
            objs = sort_objects(objs, p["sort-by"])
        found.append(Found(target.kind, objs))
        errs.extend(target_errs)
    if output in ("", "wide"):
        _print_tables(s, p, found, targets)
    else:
        _print_generic(s, output, found, targets)
    if p["watch"] or p["watch-only"]:
        s.warn("Podium's kubectl runs each command once, so it cannot watch (-w): the live diagram beside the "
               "terminal shows every change as it happens.")
    if errs:
        s.warn(errors_text(errs))
        return 1
    return 0


def _targets_from_files(s: Session, p: Parsed, loader: Any) -> Targets:
    from cluster.sim.kubectl.session import Target

    items: list[Target] = []
    for doc, kind in loader(s, p["filename"], p["recursive"]):
        name = str((doc.obj.get("metadata") or {}).get("name") or "")
        if items and items[-1].kind == kind:
            items[-1].names.append(name)
        else:
            items.append(Target(kind, [name]))
    count = sum(len(t.names) for t in items)
    return Targets(items, len({t.kind.kind for t in items}) > 1, count == 1)


def _print_tables(s: Session, p: Parsed, found: list[Found], targets: Targets) -> None:
    show_kind = targets.multiple_types or p["show-kind"]
    tables = []
    for entry in found:
        if not entry.objs:
            continue
        tables.append(printers.get_output(
            entry.kind.kind, entry.objs, s.now, output=p["output"], namespace=s.namespace,
            all_namespaces=p["all-namespaces"], show_labels=p["show-labels"], label_columns=p["label-columns"],
            kind_prefix=entry.kind.type_name if show_kind else None, no_headers=p["no-headers"]))
    if tables:
        s.write("\n".join(tables))
        return
    if p["ignore-not-found"] or any(t.names for t in targets.items):
        return
    namespaced = not p["all-namespaces"] and all(t.kind.namespaced for t in targets.items)
    s.warn(printers.no_resources_message(s.namespace if namespaced else None))


def _print_generic(s: Session, output: str, found: list[Found], targets: Targets) -> None:
    objs = [o for entry in found for o in entry.objs]
    if not objs and targets.single_item:
        return
    kind = found[0].kind.kind if found else "Pod"
    try:
        s.write(printers.get_output(kind, objs, s.now, output=output, namespace=s.namespace,
                                    single_item=targets.single_item and len(objs) == 1))
    except jsonpath.JSONPathError as exc:
        raise KubectlError(f"error: {exc}") from exc


# ---- describe ------------------------------------------------------------------------------------------------

def cmd_describe(s: Session, p: Parsed) -> int:
    """kubectl describe: named objects, a name prefix, or every object of the type."""
    if not p.args and not p["filename"]:
        raise KubectlError(
            'You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of '
            "supported resources.\nerror: Required resource not specified.\nSee 'kubectl describe -h' for help "
            "and examples")
    if p["filename"]:
        from cluster.sim.kubectl.apply import objects_from_files

        targets = _targets_from_files(s, p, objects_from_files)
    else:
        targets = resolve_targets(p.args)
    all_namespaces: bool = p["all-namespaces"]
    texts: list[str] = []
    errs: list[ErrorItem] = []
    for target in targets.items:
        if target.kind.kind not in describers.DESCRIBERS:
            raise KubectlError(f"error: Podium's kubectl cannot describe {target.kind.resource}; "
                               f"use kubectl get {target.kind.resource} -o yaml")
        objs, target_errs = list_objects(s, target.kind, target.names, all_namespaces=all_namespaces,
                                         selector=p["selector"])
        if target_errs and len(p.args) == 2 and "/" not in p.args[0] and len(targets.items) == 1:
            # mirrors DescribeMatchingResources: a name that is not found is tried as a prefix
            prefix = target.names[0]
            scope = s.namespace if target.kind.namespaced else ""
            matching = [o for o in s.store.list(target.kind.kind, scope) if o["metadata"]["name"].startswith(prefix)]
            if not matching:
                raise KubectlError(errors_text(target_errs))
            for obj in matching:
                s.write(describers.describe(target.kind.kind, obj, s.store, s.now) + "\n")
            return 0
        errs.extend(target_errs)
        texts.extend(describers.describe(target.kind.kind, o, s.store, s.now) for o in objs)
    if texts:
        s.write(texts[0] + "".join("\n\n" + t for t in texts[1:]))
    elif not errs and not any(t.names for t in targets.items):
        namespaced = not all_namespaces and all(t.kind.namespaced for t in targets.items)
        s.warn(printers.no_resources_message(s.namespace if namespaced else None))
    if errs:
        s.warn(errors_text(errs))
        return 1
    return 0

