"""`kubectl scale`, `rollout`, `set image`, `label`, `expose` and `run`: kubectl's texts over the simulated API."""

from __future__ import annotations

import json
from typing import Any

from cluster.sim.apimachinery.errors import ApiError
from cluster.sim.apimachinery.kinds import Kind
from cluster.sim.apimachinery.labels import selector_string
from cluster.sim.apimachinery.timeutil import rfc3339
from cluster.sim.apimachinery.validation import is_valid_label_value
from cluster.sim.apiserver.store import clone
from cluster.sim.controllers import deploymentutil as du
from cluster.sim.kubectl.apply import create_object
from cluster.sim.kubectl.flags import Parsed, UsageError, parse_duration
from cluster.sim.kubectl.resource import list_objects, objects_from_files
from cluster.sim.kubectl.session import (
    NO_RESOURCES_GIVEN,
    ErrorItem,
    KubectlError,
    Obj,
    Session,
    errors_text,
    not_found,
    resolve_targets,
)

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
CHANGE_CAUSE = "kubernetes.io/change-cause"
# annotations `rollout undo` keeps from the Deployment rather than copying from the ReplicaSet
ANNOTATIONS_TO_SKIP = ("kubectl.kubernetes.io/last-applied-configuration", du.REVISION,
                       "deployment.kubernetes.io/revision-history", du.DESIRED_REPLICAS, du.MAX_REPLICAS,
                       "deprecated.deployment.rollback.to")

# The kinds each command works on (of those Podium simulates); completion offers the same.
SCALABLE = ("Deployment", "ReplicaSet")  # kinds with a scale subresource
ROLLOUT_KINDS = ("Deployment",)
POD_TEMPLATE_KINDS = ("Deployment", "ReplicaSet", "Pod")  # set image
EXPOSABLE = ("Deployment", "ReplicaSet", "Pod", "Service")


def _objects(s: Session, p: Parsed, *, allow_selector: bool = True) -> list[tuple[Kind, Obj]]:
    """The objects named by TYPE NAME, TYPE/NAME, -f or -l, each fetched (NotFound raised as kubectl prints it)."""
    found: list[tuple[Kind, Obj]] = []
    if p.values.get("filename"):
        for doc, kind in objects_from_files(s, p["filename"], p.values.get("recursive", False)):
            name = str((doc.obj.get("metadata") or {}).get("name") or "")
            ns = str((doc.obj.get("metadata") or {}).get("namespace") or s.namespace) if kind.namespaced else ""
            obj = s.store.get(kind.kind, ns, name)
            if obj is None:
                raise KubectlError(errors_text([not_found(kind, name)]))
            found.append((kind, obj))
        return found
    if not p.args:
        raise KubectlError(NO_RESOURCES_GIVEN)
    targets = resolve_targets(p.args)
    selector = p.values.get("selector", "") if allow_selector else ""
    errs: list[ErrorItem] = []
    for target in targets.items:
        if not target.names and not selector and not p.values.get("all"):
            raise KubectlError("error: resource(s) were provided, but no name was specified")
        objs, target_errs = list_objects(s, target.kind, target.names, all_namespaces=False, selector=selector)
        errs.extend(target_errs)
        found.extend((target.kind, o) for o in objs)
    if errs:
        raise KubectlError(errors_text(errs))
    return found


def _namespace(obj: Obj) -> str:
    return str(obj["metadata"].get("namespace", ""))


# ---- scale ----------------------------------------------------------------------------------------------------

def cmd_scale(s: Session, p: Parsed) -> int:
    """kubectl scale: the /scale subresource, with --current-replicas as a precondition."""
    if not p.changed("replicas"):
        raise KubectlError('error: required flag(s) "replicas" not set')
    replicas: int = p["replicas"]
    if replicas < 0:
        raise KubectlError("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal "
                           "to 0")
    objs = _objects(s, p)
    if not objs:
        raise KubectlError("error: no objects passed to scale")
    errs: list[ErrorItem] = []
    for kind, obj in objs:
        if kind.kind not in SCALABLE:
            errs.append(f"could not find scale subresource for /{kind.version}, Resource={kind.resource} in "
                        "discovery information" if not kind.group else
                        f"could not find scale subresource for {kind.group}/{kind.version}, "
                        f"Resource={kind.resource} in discovery information")
            continue
        current = obj["spec"].get("replicas", 1)
        if p["current-replicas"] >= 0 and p["current-replicas"] != current:
            errs.append(f"Expected replicas to be {p['current-replicas']}, was {current}")
            continue
        name = obj["metadata"]["name"]
        if p["dry-run"] in ("client", "server"):
            s.print(f"{kind.type_name}/{name} scaled ({'dry run' if p['dry-run'] == 'client' else 'server dry run'})")
            continue
        try:
            s.cluster.api.scale(kind.kind, _namespace(obj), name, replicas)
        except ApiError as err:
            errs.append(err)
            continue
        s.changed = True
        s.print(f"{kind.type_name}/{name} scaled" if p["output"] != "name" else f"{kind.type_name}/{name}")
    if errs:
        s.warn(errors_text(errs))
        return 1
    return 0


# ---- rollout ----------------------------------------------------------------------------------------------------

def _deployments(s: Session, p: Parsed, unsupported: str) -> list[tuple[Kind, Obj]]:
    """Rollout targets: Deployments; other kinds fail the way each rollout subcommand says."""
    objs = _objects(s, p)
    if not objs:
        raise KubectlError("error: no objects passed to rollout")
    for kind, obj in objs:
        if kind.kind not in ROLLOUT_KINDS:
            raise KubectlError(unsupported.format(kind=kind.kind, resource=kind.qualified_resource,
                                                  name=obj["metadata"]["name"]))
    return objs


def status_message(d: Obj, revision: int = 0) -> tuple[str, bool]:
    """DeploymentStatusViewer.Status: the line kubectl prints, and whether the rollout is done."""
    if revision > 0:
        current = du.revision(d)
        if current != revision:
            raise KubectlError(f"error: desired revision ({revision}) is different from the running revision "
                               f"({current})")
    rollout = du.rollout_status(d)
    if rollout.error:
        raise KubectlError(f"error: {rollout.error}")
    return rollout.message, rollout.done


ROLLOUT_MARGIN_SECONDS = 60.0


def rollout_status(s: Session, p: Parsed) -> int:
    """kubectl rollout status: each new status line once, time moving until done, failed or timed out."""
    timeout = parse_duration(p["timeout"], "--timeout")
    for kind, obj in _deployments(s, p, "error: no status viewer has been implemented for {kind}"):
        name = obj["metadata"]["name"]
        ns = _namespace(obj)
        deadline_seconds = obj["spec"].get("progressDeadlineSeconds", 600)
        deadline = s.now + (timeout if timeout > 0 else deadline_seconds + ROLLOUT_MARGIN_SECONDS)
        last = ""
        while True:
            s.cluster.settle()  # the controllers answer a change before kubectl's watch sees it
            current = s.store.get("Deployment", ns, name)
            if current is None:
                raise KubectlError(errors_text([not_found(kind, name)]))
            try:
                message, done = status_message(current, p["revision"])
            except KubectlError as err:
                s.changed = True
                raise err
            if message != last:
                s.print(message)
                last = message
            if done or not p["watch"]:
                break
            if s.now >= deadline:
                s.changed = True
                raise KubectlError("error: timed out waiting for the condition")
            nxt = s.cluster.clock.next_time()
            s.cluster.advance(deadline if nxt is None else min(max(nxt, s.now), deadline))
            s.changed = True
    return 0


def _owned_sets(s: Session, d: Obj) -> list[Obj]:
    uid = d["metadata"].get("uid")
    return [rs for rs in s.store.list("ReplicaSet", _namespace(d))
            if any(ref.get("uid") == uid and ref.get("controller") for ref in rs["metadata"].get("ownerReferences")
                   or [])]


def rollout_history(s: Session, p: Parsed) -> int:
    """kubectl rollout history: REVISION / CHANGE-CAUSE, or one revision's pod template."""
    for kind, d in _deployments(s, p, 'error: no history viewer has been implemented for "{kind}"'):
        history: dict[int, Obj] = {}
        for rs in _owned_sets(s, d):
            revision = du.revision(rs)
            template = clone(rs["spec"].get("template") or {})
            cause = (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
            if cause:
                template.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE] = cause
            history[revision] = template
        revision = p["revision"]
        if revision > 0:
            if revision not in history:
                raise KubectlError("error: unable to find the specified revision")
            from cluster.sim.kubectl.describe import _pod_template, _Writer

            w = _Writer()
            _pod_template(w, history[revision])
            s.write(f"{kind.type_name}/{d['metadata']['name']} with revision #{revision}\n{w.result()}\n")
            continue
        if not history:
            s.write(f"{kind.type_name}/{d['metadata']['name']} \nNo rollout history found.\n")
            continue
        from cluster.sim.kubectl.tabwriter import TabWriter

        out = TabWriter(0, 8, 2)
        out.write("REVISION\tCHANGE-CAUSE\n")
        for number in sorted(history):
            cause = ((history[number].get("metadata") or {}).get("annotations") or {}).get(CHANGE_CAUSE) or "<none>"
            out.write(f"{number}\t{cause}\n")
        out.flush()
        s.write(f"{kind.type_name}/{d['metadata']['name']} \n{out.getvalue()}\n")
    return 0


def _without_hash(template: Obj) -> Obj:
    copy: Obj = clone(template)
    labels = (copy.get("metadata") or {}).get("labels")
    if labels is not None:
        labels.pop(du.HASH_LABEL, None)
    return copy


def rollout_undo(s: Session, p: Parsed) -> int:
    """kubectl rollout undo: the previous (or --to-revision) ReplicaSet's template back into the Deployment."""
    to_revision: int = p["to-revision"]
    for kind, d in _deployments(s, p, 'error: no rollbacker has been implemented for "{kind}"'):
        name = d["metadata"]["name"]
        # mirrors deploymentRevision: the newest and second-newest revisions, or the one asked for
        chosen: Obj | None = None
        latest = previous = -1
        latest_rs: Obj | None = None
        for rs in _owned_sets(s, d):
            number = du.revision(rs)
            if to_revision == 0:
                if latest < number:
                    previous, chosen = latest, latest_rs
                    latest, latest_rs = number, rs
                elif previous < number:
                    previous, chosen = number, rs
            elif to_revision == number:
                chosen = rs
                break
        if chosen is None:
            if to_revision > 0:
                raise KubectlError(f"error: unable to find specified revision {to_revision} in history")
            raise KubectlError(f'error: no rollout history found for deployment "{name}"')
        if d["spec"].get("paused"):
            raise KubectlError("error: you cannot rollback a paused deployment; resume it first with 'kubectl "
                               f"rollout resume deployment/{name}' and try again")
        if _without_hash(chosen["spec"]["template"]) == _without_hash(d["spec"]["template"]):
            s.print(f"{kind.type_name}/{name} skipped rollback (current template already matches revision "
                    f"{to_revision})")
            continue
        annotations = {k: v for k, v in (d["metadata"].get("annotations") or {}).items() if k in ANNOTATIONS_TO_SKIP}
        annotations.update({k: v for k, v in (chosen["metadata"].get("annotations") or {}).items()
                            if k not in ANNOTATIONS_TO_SKIP})
        patch = [{"op": "replace", "path": "/spec/template", "value": _without_hash(chosen["spec"]["template"])},
                 {"op": "add", "path": "/metadata/annotations", "value": annotations}]
        if p["dry-run"] not in ("", "none"):
            s.print(f"{kind.type_name}/{name} rolled back (dry run)")
            continue
        try:
            s.cluster.api.patch("Deployment", _namespace(d), name, patch, "json")
        except ApiError as err:
            raise KubectlError(f"error: failed restoring revision {du.revision(chosen)}: {err.message}") from err
        s.changed = True
        s.print(f"{kind.type_name}/{name} rolled back")
    return 0


def _patch_each(s: Session, p: Parsed, unsupported: str, make: Any, done: str, unchanged: str) -> int:
    """set.CalculatePatches over the rollout targets: per-object errors `error: <resource> "<name>" <why>`."""
    errs: list[str] = []
    for kind, obj in _objects(s, p):
        name = obj["metadata"]["name"]
        if kind.kind not in ROLLOUT_KINDS:
            errs.append(f'error: {kind.qualified_resource} "{name}" {unsupported}')
            continue
        try:
            patch = make(obj)
        except ValueError as err:
            errs.append(f'error: {kind.qualified_resource} "{name}" {err}')
            continue
        if not patch:
            s.print(f"{kind.type_name}/{name} {unchanged}")
            continue
        s.cluster.api.patch("Deployment", _namespace(obj), name, patch, "strategic")
        s.changed = True
        s.print(f"{kind.type_name}/{name} {done}")
    if errs:
        s.warn("\n".join(errs))
        return 1
    return 0


def rollout_restart(s: Session, p: Parsed) -> int:
    def make(d: Obj) -> Obj:
        if d["spec"].get("paused"):
            raise ValueError("can't restart paused deployment (run rollout resume first)")
        return {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: rfc3339(s.now)}}}}}

    return _patch_each(s, p, "restarting is not supported", make, "restarted", "restarted")


def rollout_pause(s: Session, p: Parsed) -> int:
    def make(d: Obj) -> Obj:
        if d["spec"].get("paused"):
            raise ValueError("is already paused")
        return {"spec": {"paused": True}}

    return _patch_each(s, p, "pausing is not supported", make, "paused", "already paused")


def rollout_resume(s: Session, p: Parsed) -> int:
    def make(d: Obj) -> Obj:
        if not d["spec"].get("paused"):
            raise ValueError("is not paused")
        return {"spec": {"paused": None}}

    return _patch_each(s, p, "resuming is not supported", make, "resumed", "already resumed")


# ---- set image -------------------------------------------------------------------------------------------------

def _resources_and_pairs(args: list[str], command: str, is_pair: Any) -> tuple[list[str], list[str]]:
    """cmdutil.GetResourcesAndPairs: resources first, then KEY=VALUE changes."""
    resources: list[str] = []
    pairs: list[str] = []
    for arg in args:
        if is_pair(arg):
            pairs.append(arg)
        elif pairs:
            raise KubectlError(f"error: all resources must be specified before {command} changes: {arg}")
        else:
            resources.append(arg)
    return resources, pairs


def set_image(s: Session, p: Parsed) -> int:
    """kubectl set image TYPE NAME CONTAINER=IMAGE...: `<type>/<name> image updated`."""
    resources, pairs = _resources_and_pairs(p.args, "image", lambda a: "=" in a)
    if not pairs:
        raise KubectlError("error: at least one image update is required")
    images = {}
    for pair in pairs:
        container, _, image = pair.partition("=")
        if not image:
            raise KubectlError(f"error: invalid image update spec: {pair}")
        images[container] = image
    p.args = resources
    errs: list[str] = []
    for kind, obj in _objects(s, p):
        name = obj["metadata"]["name"]
        spec_path: list[str] = ["spec", "template", "spec"] if kind.kind in ("Deployment", "ReplicaSet") else ["spec"]
        if kind.kind not in POD_TEMPLATE_KINDS:
            errs.append(f"error: {kind.resource}/{name} the object is not a pod or does not have a pod template: "
                        f"*v1.{kind.kind}")
            continue
        updated = clone(obj)
        pod_spec = updated
        for key in spec_path:
            pod_spec = pod_spec[key]
        containers = pod_spec.get("containers") or []
        for container, image in images.items():
            matched = [c for c in containers + (pod_spec.get("initContainers") or [])
                       if container == "*" or c.get("name") == container]
            if not matched:
                errs.append(f'error: unable to find container named "{container}"')
            for c in matched:
                c["image"] = image
        if errs:
            continue
        if p["dry-run"] in ("client", "server"):
            s.print(f"{kind.type_name}/{name} image updated (dry run)")
            continue
        try:
            s.cluster.api.update(updated, namespace=_namespace(obj))
        except ApiError as err:
            errs.append(errors_text([err]))
            continue
        s.changed = True
        s.print(f"{kind.type_name}/{name} image updated")
    if errs:
        s.warn("\n".join(errs))
        return 1
    return 0


# ---- label ------------------------------------------------------------------------------------------------------

def _parse_label_changes(pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    add: dict[str, str] = {}
    remove: list[str] = []
    for pair in pairs:
        if "=" in pair:
            parts = pair.split("=")
            if len(parts) != 2:
                raise KubectlError(f"error: invalid label spec: {pair}")
            key, value = parts
            # mirrors parseLabels in kubectl's label.go: the value is checked here, the key by the API server
            problems = is_valid_label_value(value)
            if problems:
                raise KubectlError(f'error: invalid label value: "{pair}": {"; ".join(problems)}')
            add[key] = value
        else:
            remove.append(pair[:-1])
    for key in remove:
        if key in add:
            raise KubectlError("error: can not both modify and remove a label in the same command")
    return add, remove


def cmd_label(s: Session, p: Parsed) -> int:
    """kubectl label: `pod/x labeled`, `unlabeled` or `not labeled`; --overwrite guards existing values."""
    resources, pairs = _resources_and_pairs(p.args, "label", lambda a: "=" in a or a.endswith("-"))
    if p["list"]:
        p.args = resources
        for kind, obj in _objects(s, p):
            labels = obj["metadata"].get("labels") or {}
            s.write(f"Listing labels for {kind.type_name}/{obj['metadata']['name']}:\n" if len(resources) > 1
                    else "")
            s.write("".join(f" {k}={labels[k]}\n" for k in sorted(labels)))
        return 0
    if not pairs:
        raise KubectlError("error: at least one label update is required")
    add, remove = _parse_label_changes(pairs)
    p.args = resources
    errs: list[str] = []
    for kind, obj in _objects(s, p):
        name = obj["metadata"]["name"]
        labels = dict(obj["metadata"].get("labels") or {})
        if not p["overwrite"]:
            conflicts = [f"'{k}' already has a value ({labels[k]}), and --overwrite is false"
                         for k, v in add.items() if k in labels and labels[k] != v]
            if conflicts:
                errs.extend("error: " + c if len(conflicts) == 1 else c for c in conflicts)
                continue
        before = dict(labels)
        for key in remove:
            if key not in labels:
                s.print(f'label "{key}" not found.')
            labels.pop(key, None)
        labels.update(add)
        # mirrors updateDataChangeMsg: compares the serialised objects' sizes
        if labels == before:
            operation = "not labeled"
        elif not p["overwrite"] and len(json.dumps(labels)) < len(json.dumps(before)):
            operation = "unlabeled"
        else:
            operation = "labeled"
        if labels != before and p["dry-run"] not in ("client", "server"):
            updated = clone(obj)
            if labels:
                updated["metadata"]["labels"] = labels
            else:
                updated["metadata"].pop("labels", None)
            try:
                s.cluster.api.update(updated, namespace=_namespace(obj) or None)
            except ApiError as err:
                errs.append(errors_text([err]))
                continue
            s.changed = True
        suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(p["dry-run"], "")
        s.print(f"{kind.type_name}/{name} {operation}{suffix}")
    if errs:
        s.warn("\n".join(errs))
        return 1
    return 0


# ---- expose ------------------------------------------------------------------------------------------------------

def _selector_of(kind: Kind, obj: Obj) -> dict[str, str]:
    if kind.kind == "Pod":
        labels = obj["metadata"].get("labels") or {}
        if not labels:
            raise KubectlError("error: couldn't retrieve selectors via --selector flag or introspection: the pod has "
                               "no labels and cannot be exposed")
        return dict(labels)
    if kind.kind == "Service":
        selector = obj["spec"].get("selector") or {}
        if not selector:
            raise KubectlError("error: couldn't retrieve selectors via --selector flag or introspection: the "
                               "service has no pod selector set")
        return dict(selector)
    selector = obj["spec"].get("selector") or {}
    if selector.get("matchExpressions"):
        raise KubectlError("error: couldn't retrieve selectors via --selector flag or introspection: couldn't "
                           "convert expressions - \"" + selector_string(selector) + "\" to map-based "
                           "selector format")
    return dict(selector.get("matchLabels") or {})


def _ports_of(kind: Kind, obj: Obj) -> list[tuple[int, str]]:
    """(port, protocol) of every container port, as the expose introspection finds them."""
    if kind.kind == "Service":
        return [(p.get("port"), p.get("protocol", "TCP")) for p in obj["spec"].get("ports") or []]
    spec = obj["spec"] if kind.kind == "Pod" else (obj["spec"].get("template") or {}).get("spec") or {}
    return [(p["containerPort"], p.get("protocol", "TCP")) for c in spec.get("containers") or []
            for p in c.get("ports") or [] if p.get("containerPort")]


def cmd_expose(s: Session, p: Parsed) -> int:
    """kubectl expose: a Service selecting the object's pods, `service/<name> exposed`."""
    objs = _objects(s, p, allow_selector=False)
    if len(objs) != 1:
        raise KubectlError("error: exactly one resource is required to expose")
    kind, obj = objs[0]
    if kind.kind not in EXPOSABLE:
        raise KubectlError(f"error: cannot expose a {kind.kind}")
    selector = _parse_pairs(p["selector"]) if p["selector"] else _selector_of(kind, obj)
    if p["port"]:
        ports: list[tuple[int, str]] = []
        for text in p["port"].split(","):
            if not text.isdigit():
                raise KubectlError(f'error: strconv.Atoi: parsing "{text}": invalid syntax')
            ports.append((int(text), p["protocol"] or "TCP"))
    else:
        ports = _ports_of(kind, obj)
        if not ports:
            raise KubectlError("error: couldn't find port via --port flag or introspection")
        if p["protocol"]:
            ports = [(port, p["protocol"]) for port, _ in ports]
    name = p["name"] or obj["metadata"]["name"]
    service_ports: list[Obj] = []
    for i, (port, protocol) in enumerate(ports):
        entry: Obj = {"port": port, "protocol": protocol}
        if len(ports) > 1:
            entry["name"] = f"port-{i + 1}"
        target = p["target-port"]
        entry["targetPort"] = (int(target) if target.isdigit() else target) if target else port
        service_ports.append(entry)
    labels = _parse_pairs(p["labels"]) if p["labels"] else dict(obj["metadata"].get("labels") or {})
    metadata: Obj = {"name": name}
    if labels:
        metadata["labels"] = labels
    spec: Obj = {"ports": service_ports, "selector": selector}
    if p["type"]:
        spec["type"] = p["type"]
    if p["cluster-ip"]:
        spec["clusterIP"] = p["cluster-ip"]
    if p["external-ip"]:
        spec["externalIPs"] = p["external-ip"].split(",")
    if p["session-affinity"]:
        spec["sessionAffinity"] = p["session-affinity"]
    p.values["_operation"] = "exposed"
    return create_object(s, p, {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec})


def _parse_pairs(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in text.split(","):
        key, eq, value = part.partition("=")
        if not eq:
            raise KubectlError(f"error: invalid label spec: {part}")
        found[key.strip()] = value.strip()
    return found


# ---- run ---------------------------------------------------------------------------------------------------------

def cmd_run(s: Session, p: Parsed) -> int:
    """kubectl run NAME --image=IMG: a pod `pod/<name> created`; with -i and a command, its output too."""
    if not p.args:
        raise UsageError("NAME is required for run")
    name = p.args[0]
    extra = p.args[1:] + p.dash_args
    if not p["image"]:
        raise KubectlError('error: required flag(s) "image" not set')
    restart = p["restart"]
    if restart not in ("Always", "OnFailure", "Never"):
        raise KubectlError(f"error: invalid restart policy: {restart}")
    attach = p["stdin"] or p["tty"] or p["attach"]
    if p["rm"] and not attach:
        raise KubectlError("error: --rm should only be used for attached containers")
    labels = _parse_pairs(p["labels"]) if p["labels"] else {"run": name}
    container: Obj = {"image": p["image"], "name": name}
    if extra:
        container["command" if p["command"] else "args"] = extra
    if p["env"]:
        env = []
        for pair in p["env"]:
            key, _, value = pair.partition("=")
            env.append({"name": key, "value": value})
        container["env"] = env
    if p["image-pull-policy"]:
        container["imagePullPolicy"] = p["image-pull-policy"]
    if p["port"]:
        if not p["port"].isdigit():
            raise KubectlError(f'error: strconv.Atoi: parsing "{p["port"]}": invalid syntax')
        container["ports"] = [{"containerPort": int(p["port"])}]
    if p["stdin"]:
        container["stdin"] = True
        container["stdinOnce"] = True
    if p["tty"]:
        container["tty"] = True
    container["resources"] = {}
    metadata: Obj = {"labels": labels, "name": name}
    if p["annotations"]:
        metadata["annotations"] = dict(a.partition("=")[::2] for a in p["annotations"])
    pod: Obj = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
                "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart}}
    if p["expose"]:
        if not p["port"]:
            raise KubectlError("error: --port must be set when exposing a service")
        service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                   "spec": {"ports": [{"port": int(p["port"]), "protocol": "TCP", "targetPort": int(p["port"])}],
                            "selector": labels}}
        create_object(s, p, service)
    if not attach:
        return create_object(s, p, pod)
    if p["dry-run"] not in ("", "none"):
        raise KubectlError("error: --dry-run=[server|client] can't be used with attached containers options "
                           "(--attach, --stdin, or --tty)")
    p.values["output"] = ""
    _create_quietly(s, pod)
    from cluster.sim.kubectl.exec import run_attached

    return run_attached(s, p, name, extra)


def _create_quietly(s: Session, pod: Obj) -> None:
    try:
        s.cluster.api.create(pod, namespace=s.namespace)
    except ApiError as err:
        raise KubectlError(errors_text([err])) from err
    s.changed = True

