"""`kubectl patch` (strategic, merge and JSON patches) and `kubectl annotate`, as kubectl 1.32 prints them."""

from __future__ import annotations

import json
from typing import Any

from cluster.sim.apimachinery.errors import ApiError
from cluster.sim.apiserver.store import clone
from cluster.sim.kubectl import printers
from cluster.sim.kubectl.apply import dry_run_suffix
from cluster.sim.kubectl.flags import Parsed
from cluster.sim.kubectl.session import KubectlError, Obj, Session, errors_text
from cluster.sim.kubectl.workloads import _objects, _resources_and_pairs
from cluster.sim.manifests.document import DEFAULT_LIMITS, Budget, ManifestError
from cluster.sim.manifests.goyaml import yaml_stream

PATCH_TYPES = ("json", "merge", "strategic")


def parse_patch(text: str) -> Any:
    """yaml.ToJSON over the --patch text (JSON is YAML), with kubectl's `unable to parse` error and the manifest
    limits: a patch nested thousands deep is refused, not recursed into."""
    try:
        docs = [value for value, _ in yaml_stream(text, "patch", Budget(DEFAULT_LIMITS))]
    except ManifestError as err:
        problem = err.message.split(": ", 1)[1] if err.message.startswith("error parsing patch: ") else err.message
        raise KubectlError(f"error: unable to parse {json.dumps(text)}: {problem}") from None
    return docs[0] if docs else None


def _print_result(s: Session, p: Parsed, obj: Obj, operation: str) -> None:
    output: str = p.values.get("output", "")
    if output and output != "name":
        s.write(printers.get_output(obj["kind"], [obj], s.now, output=output, single_item=True))
    elif output == "name":
        s.print(printers.name_of(obj))
    else:
        s.print(f"{printers.type_name(obj['kind'])}/{obj['metadata']['name']} {operation}")


def cmd_patch(s: Session, p: Parsed) -> int:
    """kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]: `<type>/<name> patched`."""
    text: str = p["patch"]
    if p["patch-file"]:
        if s.files is None:
            raise KubectlError(f"error: unable to read patch file: open {p['patch-file']}: no such file or directory")
        try:
            text = s.files.read(p["patch-file"])
        except (FileNotFoundError, IsADirectoryError):
            raise KubectlError(f"error: unable to read patch file: open {p['patch-file']}: no such file or "
                               "directory") from None
        if p["patch"]:
            raise KubectlError("error: --patch and --patch-file are mutually exclusive")
    if not text:
        raise KubectlError("error: must specify --patch or --patch-file containing the contents of the patch")
    patch_type = str(p["type"]).lower()
    if patch_type not in PATCH_TYPES:
        raise KubectlError(f'error: --type must be one of [{" ".join(PATCH_TYPES)}], not "{p["type"]}"')
    patch = parse_patch(text)
    objs = _objects(s, p, allow_selector=False)
    if not objs:
        raise KubectlError("error: no objects passed to patch")
    dry_run = p["dry-run"] in ("client", "server")
    for _, obj in objs:
        meta = obj["metadata"]
        try:
            patched = s.cluster.api.patch(obj["kind"], meta.get("namespace", ""), meta["name"], clone(patch),
                                          patch_type, dry_run=dry_run)
        except ApiError as err:
            raise KubectlError(errors_text([err])) from None
        changed = _without_version(patched) != _without_version(obj)
        s.changed = s.changed or (changed and not dry_run)
        _print_result(s, p, patched, ("patched" if changed else "patched (no change)")
                      + dry_run_suffix(p["dry-run"]))
    return 0


def _without_version(obj: Obj) -> Obj:
    meta = {k: v for k, v in obj.get("metadata", {}).items() if k not in ("resourceVersion", "managedFields")}
    return {**obj, "metadata": meta}


# ---- annotate ------------------------------------------------------------------------------------------------

def _parse_annotations(pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    """cmdutil.ParsePairs(pairs, "annotation", true): KEY=VALUE (the value may hold `=`) or KEY-."""
    add: dict[str, str] = {}
    remove: list[str] = []
    invalid: list[str] = []
    for pair in pairs:
        if "=" in pair:
            key, _, value = pair.partition("=")
            if not key:
                invalid.append(pair)
                continue
            add[key] = value
        elif pair.endswith("-") and len(pair) > 1:
            remove.append(pair[:-1])
        else:
            invalid.append(pair)
    if invalid:
        raise KubectlError(f"error: invalid annotation format: {', '.join(invalid)}")
    both = [key for key in remove if key in add]
    if both:
        raise KubectlError("error: can not both modify and remove the following annotation(s) in the same command: "
                           + ", ".join(both))
    return add, remove


CHANGE_CAUSE = "kubernetes.io/change-cause"


def cmd_annotate(s: Session, p: Parsed) -> int:
    """kubectl annotate TYPE NAME KEY=VALUE... KEY-: `<type>/<name> annotated`; --overwrite guards values."""
    resources, pairs = _resources_and_pairs(p.args, "annotation", lambda a: "=" in a or a.endswith("-"))
    add, remove = _parse_annotations(pairs)
    if not add and not remove and not p["list"]:
        raise KubectlError("error: at least one annotation update is required")
    p.args = resources
    objs = _objects(s, p)
    if p["list"]:
        for _, obj in objs:
            annotations = obj["metadata"].get("annotations") or {}
            s.write("".join(f"{k}={annotations[k]}\n" for k in sorted(annotations)))
        return 0
    errs: list[str] = []
    dry_run = p["dry-run"] in ("client", "server")
    for kind, obj in objs:
        annotations = dict(obj["metadata"].get("annotations") or {})
        if not p["overwrite"]:
            conflicts = [f"'{k}' already has a value ({annotations[k]})" for k, v in add.items()
                         if k != CHANGE_CAUSE and k in annotations and annotations[k] != v]
            if conflicts:
                errs.append("error: --overwrite is false but found the following declared annotation(s): "
                            + "; ".join(conflicts))
                continue
        before = dict(annotations)
        annotations.update(add)
        for key in remove:
            annotations.pop(key, None)
        result = obj
        if annotations != before:
            patch = {"metadata": {"annotations": {**{k: v for k, v in add.items()},
                                                   **{k: None for k in remove if k in before}}}}
            try:
                result = s.cluster.api.patch(kind.kind, obj["metadata"].get("namespace", ""), obj["metadata"]["name"],
                                             patch, "merge", dry_run=dry_run)
            except ApiError as err:
                errs.append(errors_text([err]))
                continue
            s.changed = s.changed or not dry_run
        _print_result(s, p, result, "annotated" + dry_run_suffix(p["dry-run"]))
    if errs:
        s.warn("\n".join(errs))
        return 1
    return 0
