"""Node maintenance: `kubectl cordon`, `uncordon`, `drain` and `taint`, as kubectl 1.32 prints them.

The scheduler honours what they set (spec.unschedulable, spec.taints); drain evicts a node's pods the way
kubectl's drain helper filters them (k8s.io/kubectl/pkg/drain/filters.go) and waits, in simulated time, until
they are gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cluster.sim.apimachinery.errors import ApiError
from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.apimachinery.validation import is_qualified_name, is_valid_label_value
from cluster.sim.apiserver.store import clone
from cluster.sim.kubectl.flags import Parsed, parse_duration
from cluster.sim.kubectl.session import KubectlError, Obj, Session, errors_text, not_found

NODE = KINDS["Node"]
EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_DRY = {"client": " (dry run)", "server": " (server dry run)"}


def _usage(command: str, use: str) -> KubectlError:
    return KubectlError(f"error: USAGE: {use} [flags]\nSee 'kubectl {command} -h' for help and examples")


def _nodes(s: Session, p: Parsed, names: list[str]) -> list[Obj]:
    """Nodes by name, or by -l; NotFound as the API server says it."""
    from cluster.sim.kubectl.resource import list_objects

    objs, errs = list_objects(s, NODE, names, all_namespaces=False, selector=p.values.get("selector", ""))
    if errs:
        raise KubectlError(errors_text(errs))
    return objs


def _set_unschedulable(s: Session, p: Parsed, node: Obj, desired: bool) -> str:
    """Cordon or uncordon one node: `cordoned`, `already cordoned`, `uncordoned`, `already uncordoned`."""
    verb = "cordoned" if desired else "uncordoned"
    if bool(node["spec"].get("unschedulable")) == desired:
        return f"already {verb}"
    dry_run = p["dry-run"] in ("client", "server")
    if not dry_run or p["dry-run"] == "server":
        patch = {"spec": {"unschedulable": True if desired else None}}
        s.cluster.api.patch("Node", "", node["metadata"]["name"], patch, "strategic", dry_run=dry_run)
        s.changed = s.changed or not dry_run
    return verb + _DRY.get(p["dry-run"], "")


def _cordon_command(s: Session, p: Parsed, desired: bool) -> int:
    command = "cordon" if desired else "uncordon"
    if not p.args and not p.changed("selector"):
        raise _usage(command, f"{command} NODE")
    for node in _nodes(s, p, p.args):
        s.print(f"node/{node['metadata']['name']} {_set_unschedulable(s, p, node, desired)}")
    s.cluster.settle()
    return 0


def cmd_cordon(s: Session, p: Parsed) -> int:
    """kubectl cordon NODE: new pods are no longer scheduled there."""
    return _cordon_command(s, p, True)


def cmd_uncordon(s: Session, p: Parsed) -> int:
    """kubectl uncordon NODE: the node takes new pods again."""
    return _cordon_command(s, p, False)


# ---- drain -----------------------------------------------------------------------------------------------------

@dataclass
class PodsForDeletion:
    """drain.GetPodsForDeletion: the pods to evict, and the warnings and errors of the filters."""

    pods: list[Obj] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @staticmethod
    def _joined(groups: dict[str, list[str]]) -> list[str]:
        return [f"{message}: {', '.join(pods)}" for message, pods in groups.items()]


UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"
LOCAL_STORAGE_FATAL = "cannot delete Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"


def _finished(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def pods_for_deletion(s: Session, node: str, *, force: bool, delete_emptydir_data: bool,
                      ignore_daemonsets: bool) -> PodsForDeletion:
    """The pods on `node` and what each filter says about them (mirrors drain/filters.go, in its order)."""
    found = PodsForDeletion()
    for pod in s.store.list("Pod"):
        if (pod.get("spec") or {}).get("nodeName") != node:
            continue
        name = f"{pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}"
        controller = next((ref for ref in pod["metadata"].get("ownerReferences") or () if ref.get("controller")),
                          None)
        if controller is not None and controller.get("kind") == "DaemonSet":
            group = found.warnings if ignore_daemonsets else found.errors
            message = ("ignoring DaemonSet-managed Pods" if ignore_daemonsets else
                       "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)")
            group.setdefault(message, []).append(name)
            continue
        if not _finished(pod) and any("emptyDir" in v for v in (pod.get("spec") or {}).get("volumes") or ()):
            if not delete_emptydir_data:
                found.errors.setdefault(LOCAL_STORAGE_FATAL, []).append(name)
                continue
            found.warnings.setdefault(LOCAL_STORAGE_WARNING, []).append(name)
        if controller is None and not _finished(pod):
            if not force:
                found.errors.setdefault(UNMANAGED_FATAL, []).append(name)
                continue
            found.warnings.setdefault(UNMANAGED_WARNING, []).append(name)
        found.pods.append(pod)
    return found


def _evict(s: Session, p: Parsed, pods: list[Obj], timeout: float) -> None:
    """Evict each pod (there are no PodDisruptionBudgets to refuse it), then wait until each is gone."""
    dry = _DRY.get(p["dry-run"], "")
    grace = p["grace-period"] if p["grace-period"] >= 0 else None
    for pod in pods:
        s.print(f"evicting pod {pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}{dry}")
    if dry:
        return
    for pod in pods:
        meta = pod["metadata"]
        try:
            s.cluster.api.delete("Pod", meta.get("namespace", ""), meta["name"], grace_period=grace)
        except ApiError as err:
            if err.code != 404:
                raise KubectlError(errors_text([err])) from None
        s.changed = True
    left = list(pods)
    deadline = s.now + timeout if timeout > 0 else None
    while True:
        s.cluster.settle()
        gone = [pod for pod in left if _gone(s, pod)]
        for pod in gone:
            s.print(f"pod/{pod['metadata']['name']} evicted")
        left = [pod for pod in left if pod not in gone]
        if not left:
            return
        nxt = s.cluster.clock.next_time()
        if (deadline is not None and s.now >= deadline) or (nxt is None and deadline is None):
            names = ", ".join(f"{q['metadata'].get('namespace', '')}/{q['metadata']['name']}" for q in left)
            raise KubectlError(f"error: drain did not complete within {p['timeout']}, pods remaining: {names}")
        target = min(t for t in (nxt, deadline) if t is not None)
        s.cluster.advance(max(target, s.now))


def _gone(s: Session, pod: Obj) -> bool:
    meta = pod["metadata"]
    now = s.store.get("Pod", meta.get("namespace", ""), meta["name"])
    return now is None or now["metadata"].get("uid") != meta.get("uid")


def cmd_drain(s: Session, p: Parsed) -> int:
    """kubectl drain NODE: cordon it, then evict its pods (refusing unmanaged or emptyDir pods unless told)."""
    if not p.args and not p.changed("selector"):
        raise _usage("drain", "drain NODE")
    timeout = parse_duration(p["timeout"], "--timeout")
    nodes = _nodes(s, p, p.args)
    drained: list[str] = []
    for node in nodes:
        name = node["metadata"]["name"]
        s.print(f"node/{name} {_set_unschedulable(s, p, node, True)}")
        s.cluster.settle()
        found = pods_for_deletion(s, name, force=p["force"], delete_emptydir_data=p["delete-emptydir-data"],
                                  ignore_daemonsets=p["ignore-daemonsets"])
        if found.errors:
            problems = PodsForDeletion._joined(found.errors)
            summary = problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"
            s.warn(f'error: unable to drain node "{name}" due to error: {summary}, continuing command...')
            pending = [n["metadata"]["name"] for n in nodes if n["metadata"]["name"] not in drained]
            s.warn("There are pending nodes to be drained:\n" + "".join(f" {n}\n" for n in pending))
            # checkErr prints an aggregate one error a line, without the `error: ` prefix
            raise KubectlError("\n".join(problems))
        if found.warnings:
            s.warn("Warning: " + "; ".join(PodsForDeletion._joined(found.warnings)))
        _evict(s, p, found.pods, timeout)
        drained.append(name)
        s.print(f"node/{name} drained{_DRY.get(p['dry-run'], '')}")
    return 0


# ---- taint -----------------------------------------------------------------------------------------------------

def _taint_text(taint: Obj) -> str:
    """v1.Taint.ToString."""
    key, value, effect = taint.get("key", ""), taint.get("value", ""), taint.get("effect", "")
    if not effect:
        return f"{key}={value}:" if value else key
    return f"{key}={value}:{effect}" if value else f"{key}:{effect}"


def parse_taints(specs: list[str]) -> tuple[list[Obj], list[Obj]]:
    """taint.ParseTaints: KEY[=VALUE]:EFFECT to add, KEY[:EFFECT]- to remove."""
    add: list[Obj] = []
    remove: list[Obj] = []
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        if spec.endswith("-"):
            key, _, effect = spec[:-1].partition(":")
            taint: Obj = {"key": key}
            if effect:
                if effect not in EFFECTS:
                    raise KubectlError(f"error: invalid taint spec: {spec}, unsupported taint effect")
                taint["effect"] = effect
            remove.append(taint)
            continue
        head, sep, effect = spec.rpartition(":")
        if not sep or not head:
            raise KubectlError(f"error: invalid taint spec: {spec}")
        if effect not in EFFECTS:
            raise KubectlError(f"error: invalid taint spec: {spec}, unsupported taint effect")
        key, _, value = head.partition("=")
        problems = is_qualified_name(key)
        if problems:
            raise KubectlError(f"error: invalid taint spec: {spec}, {'; '.join(problems)}")
        problems = is_valid_label_value(value)
        if value and problems:
            raise KubectlError(f"error: invalid taint spec: {spec}, {'; '.join(problems)}")
        if (key, effect) in seen:
            raise KubectlError("error: duplicated taints with the same key and effect: "
                               f"{_taint_text({'key': key, 'value': value, 'effect': effect})}")
        seen.add((key, effect))
        taint = {"key": key, "effect": effect}
        if value:
            taint["value"] = value
        add.append(taint)
    for gone in remove:
        if any(t["key"] == gone["key"] and (not gone.get("effect") or gone["effect"] == t["effect"]) for t in add):
            raise KubectlError("error: can not both modify and remove the following taint(s) in the same command: "
                               + _taint_text(gone))
    return add, remove


def _matches(a: Obj, b: Obj) -> bool:
    """v1.Taint.MatchTaint: same key and effect."""
    return bool(a.get("key") == b.get("key") and a.get("effect") == b.get("effect"))


def reorganize_taints(node: Obj, overwrite: bool, add: list[Obj], remove: list[Obj],
                      now_text: str) -> tuple[str, list[Obj]]:
    """taint.reorganizeTaints: the node's new taints and the operation kubectl names (`tainted`…)."""
    new = [dict(t, timeAdded=now_text) if t["effect"] == "NoExecute" else dict(t) for t in add]
    old = list(node["spec"].get("taints") or [])
    for taint in old:
        if not any(_matches(t, taint) for t in new):
            new.append(taint)
    added = len(old) != len(new)
    errs: list[str] = []
    deleted = False
    for gone in remove:
        kept = [t for t in new if not (t.get("key") == gone["key"]
                                       and (not gone.get("effect") or t.get("effect") == gone["effect"]))]
        if len(kept) == len(new):
            errs.append(f'taint "{_taint_text(gone)}" not found')
        else:
            deleted = True
        new = kept
    if errs:
        raise KubectlError("error: " + errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]")
    if (added and deleted) or overwrite:
        return "modified", new
    return ("tainted" if added else "untainted"), new


def cmd_taint(s: Session, p: Parsed) -> int:
    """kubectl taint nodes NODE KEY=VALUE:EFFECT | KEY:EFFECT-: `node/NODE tainted` (or untainted, modified)."""
    from cluster.sim.apimachinery.timeutil import rfc3339
    from cluster.sim.kubectl.session import resolve_type
    from cluster.sim.kubectl.workloads import _resources_and_pairs

    resources, specs = _resources_and_pairs(p.args, "taint", lambda a: "=" in a or ":" in a or a.endswith("-"))
    if not resources:
        raise _usage("taint", "taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N")
    if not specs:
        raise KubectlError("error: at least one taint update is required")
    add, remove = parse_taints(specs)
    type_text, _, inline = resources[0].partition("/")
    kind = resolve_type(type_text)
    if kind.kind != "Node":
        raise KubectlError(f'error: invalid resource type {type_text}, only "nodes" is supported')
    names = [inline] if inline else resources[1:]
    if not names and not p["all"] and not p.changed("selector"):
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    nodes = _nodes(s, p, names) if names or p.changed("selector") else s.store.list("Node")
    dry_run = p["dry-run"] in ("client", "server")
    for node in nodes:
        name = node["metadata"]["name"]
        if not p["overwrite"]:
            clashing = [t["key"] for t in add if any(_matches(t, old) for old in node["spec"].get("taints") or ())]
            if clashing:
                raise KubectlError(f"error: node {name} already has {','.join(clashing)} taint(s) with same "
                                   "effect(s) and --overwrite is false")
        operation, taints = reorganize_taints(node, p["overwrite"], add, remove, rfc3339(s.now))
        updated = clone(node)
        if taints:
            updated["spec"]["taints"] = taints
        else:
            updated["spec"].pop("taints", None)
        if not dry_run or p["dry-run"] == "server":
            try:
                s.cluster.api.update(updated, dry_run=dry_run)
            except ApiError as err:
                raise KubectlError(errors_text([err])) from None
            s.changed = s.changed or not dry_run
        s.print(f"node/{name} {operation}{_DRY.get(p['dry-run'], '')}")
    s.cluster.settle()
    if not nodes and names:
        raise KubectlError(errors_text([not_found(NODE, names[0])]))
    return 0
