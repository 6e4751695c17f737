"""`kubectl get` and `kubectl describe`: resource arguments, label and field selectors, every output form."""

from __future__ import annotations

from typing import Any

from cluster.sim.kubectl import describe as describers
from cluster.sim.kubectl import jsonpath, printers, watch
from cluster.sim.kubectl.flags import Parsed
from cluster.sim.kubectl.resource import Found, list_objects, objects_from_files
from cluster.sim.kubectl.session import (
    ErrorItem,
    KubectlError,
    Obj,
    Session,
    Targets,
    errors_text,
    resolve_targets,
)

OUTPUT_FORMATS = ("custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
                  "jsonpath-file,name,template,templatefile,wide,yaml")


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
        targets = _targets_from_files(s, p, objects_from_files)
    else:
        targets = resolve_targets(p.args)
    if all_namespaces and any(t.names for t in targets.items):
        raise KubectlError("error: a resource cannot be retrieved by name across all namespaces")
    if p["watch"] or p["watch-only"]:
        return watch.start(s, p, targets, sort_objects)
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

