"""Checks: named conditions on a sandbox's cluster with stable ids, each giving a finding a learner can act on.

A lesson's Check row names one of these functions (`kind`) and gives its parameters as JSON. Checks read a
Cluster and never change it: requests are routed on a copy, so a check never moves the real kube-proxy's
state or random draws.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.apimachinery.labels import map_matches
from cluster.sim.apiserver.pods import is_ready
from cluster.sim.cluster import Cluster
from cluster.sim.controllers.deploymentutil import rollout_status
from cluster.sim.teaching.scenario import client_source, fill_url, placeholder_problems, running_pods
from cluster.sim.teaching.traffic import TrafficError, client_for

DEFAULT_TRAFFIC_COUNT = 20
TRAFFIC_RESULTS = ("answered", "refused", "timeout")
_SEGMENT = re.compile(r"\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']+)'\]")


@dataclass(frozen=True)
class Finding:
    """Whether a check passes, and what the learner should know about it."""

    passed: bool
    detail: str


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # str | int | bool | kind | labels | fields | paths | source | result
    required: bool = True
    help: str = ""


@dataclass(frozen=True)
class CheckKind:
    id: str
    summary: str
    params: tuple[Param, ...]
    fn: Callable[[Cluster, dict[str, Any]], Finding]


REGISTRY: dict[str, CheckKind] = {}


def check(id: str, summary: str, *params: Param) -> Callable[[Callable[..., Finding]], Callable[..., Finding]]:
    """Register a check function under a stable id."""

    def register(fn: Callable[..., Finding]) -> Callable[..., Finding]:
        REGISTRY[id] = CheckKind(id, summary, params, fn)
        return fn

    return register


# ---- parameters -------------------------------------------------------------------------------------------


def _type_problem(param: Param, value: Any) -> str:
    kind = param.type
    if kind in ("str", "source") and not (isinstance(value, str) and value):
        return "must be a non-empty string"
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        return "must be a whole number ≥ 0"
    if kind == "bool" and not isinstance(value, bool):
        return "must be true or false"
    if kind == "kind" and value not in KINDS:
        return f"must be one of the simulated kinds: {', '.join(sorted(KINDS))}"
    if kind == "labels" and not (isinstance(value, dict) and value and
                                 all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())):
        return 'must be a non-empty object of label strings, e.g. {"run": "httpd"}'
    if kind == "fields":
        if not isinstance(value, dict) or not value:
            return 'must be an object of field paths and values, e.g. {"spec.ports[0].port": 8080}'
        bad = [path for path in value if parse_path(path) is None]
        if bad:
            return f"has paths that cannot be read: {', '.join(bad)} (write them like spec.ports[0].port)"
    if kind == "paths":
        if not isinstance(value, list) or not value or not all(isinstance(p, str) for p in value):
            return "must be a non-empty list of field paths"
        bad = [path for path in value if parse_path(path) is None]
        if bad:
            return f"has paths that cannot be read: {', '.join(bad)}"
    if kind == "source" and not (value in ("outside", "node", "pod") or re.fullmatch(r"(pod|node)/[a-z0-9.-]+", value)):
        return 'must be "outside", "node", "pod" (with from_labels), "node/NAME" or "pod/NAME"'
    if kind == "result" and value not in TRAFFIC_RESULTS:
        return f"must be one of {', '.join(TRAFFIC_RESULTS)}"
    return ""


def validate_params(kind: str, params: Any) -> list[str]:
    """Problems with a check's parameters, worded for the lesson author ([] when they are fine)."""
    spec = REGISTRY.get(kind)
    if spec is None:
        return [f"unknown check {kind!r}; choose one of: {', '.join(sorted(REGISTRY))}"]
    if not isinstance(params, dict):
        return ["parameters must be a JSON object"]
    known = {p.name: p for p in spec.params}
    problems = [f"unknown parameter {name!r} for {kind}; it takes: {', '.join(known)}"
                for name in params if name not in known]
    for param in spec.params:
        if param.name not in params:
            if param.required:
                problems.append(f"{param.name} is required: {param.help or param.type}")
            continue
        problem = _type_problem(param, params[param.name])
        if problem:
            problems.append(f"{param.name} {problem}")
    if kind == "traffic_answered_by" and not problems:
        if params.get("expect", "answered") == "answered" and "labels" not in params:
            problems.append('labels is required when expect is "answered"')
        if params.get("from") == "pod" and "from_labels" not in params:
            problems.append('from "pod" needs from_labels to choose the client pod')
        problems += [f"url {p}" for p in placeholder_problems(params["url"])]
    return problems


def parse_path(path: str) -> list[str | int] | None:
    """`spec.ports[0].port` → ["spec", "ports", 0, "port"]; None when it is not a readable path."""
    segments: list[str | int] = []
    pos = 0
    while pos < len(path):
        match = _SEGMENT.match(path, pos)
        if match is None or (match.group(1) is not None and pos > 0 and path[pos] != "."):
            return None
        name, index, quoted = match.groups()
        segments.append(int(index) if index is not None else (quoted if quoted is not None else name))
        pos = match.end()
    return segments or None


def read_path(obj: Any, path: str) -> tuple[bool, Any]:
    """(found, value) of a field path in an object."""
    value = obj
    for segment in parse_path(path) or []:
        if isinstance(segment, int):
            if not isinstance(value, list) or segment >= len(value):
                return False, None
            value = value[segment]
        else:
            if not isinstance(value, dict) or segment not in value:
                return False, None
            value = value[segment]
    return True, value


def _labels_text(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


# ---- reading the cluster ----------------------------------------------------------------------------------


def _ns(params: dict[str, Any]) -> str:
    return str(params.get("namespace", "default"))


def _is_terminating(pod: dict[str, Any]) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def _ready_addresses(cluster: Cluster, namespace: str, service: str) -> list[str]:
    endpoints = cluster.store.get("Endpoints", namespace, service) or {}
    return [a["ip"] for s in endpoints.get("subsets") or [] for a in s.get("addresses") or []]


def _count_text(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# ---- the checks ---------------------------------------------------------------------------------------------

NAMESPACE = Param("namespace", "str", required=False, help="the namespace (default: default)")
SERVICE = Param("service", "str", help="the Service's name, e.g. web")
DEPLOYMENT = Param("deployment", "str", help="the Deployment's name, e.g. web")


@check("object_exists", "An object exists, optionally with given field values",
       Param("kind", "kind", help="the object's kind: Service, Deployment, Pod…"),
       Param("name", "str", help="the object's name, e.g. web"), NAMESPACE,
       Param("fields", "fields", required=False, help="field paths and the values they must have, one per line, "
                                                       "e.g. spec.ports[0].nodePort: 30080"),
       Param("present", "paths", required=False, help="field paths that must be set, one per line, "
                                                       "e.g. status.podIP"))
def object_exists(cluster: Cluster, params: dict[str, Any]) -> Finding:
    kind, name, ns = params["kind"], params["name"], _ns(params)
    obj = cluster.store.get(kind, ns if KINDS[kind].namespaced else "", name)
    if obj is None:
        return Finding(False, f'There is no {kind} "{name}" in namespace {ns} yet.')
    for path, expected in (params.get("fields") or {}).items():
        found, value = read_path(obj, path)
        if not found:
            return Finding(False, f'{kind} "{name}" has no {path}; it should be {expected!r}.')
        if value != expected:
            return Finding(False, f'{kind} "{name}" has {path}: {value!r}; it should be {expected!r}.')
    for path in params.get("present") or []:
        if not read_path(obj, path)[0]:
            return Finding(False, f'{kind} "{name}" has no {path} yet.')
    return Finding(True, f'{kind} "{name}" is there as it should be.')


@check("object_absent", "An object does not exist",
       Param("kind", "kind", help="the kind of the object that must be gone"),
       Param("name", "str", help="its name"), NAMESPACE)
def object_absent(cluster: Cluster, params: dict[str, Any]) -> Finding:
    kind, name, ns = params["kind"], params["name"], _ns(params)
    if cluster.store.get(kind, ns if KINDS[kind].namespaced else "", name) is not None:
        return Finding(False, f'{kind} "{name}" still exists.')
    return Finding(True, f'{kind} "{name}" is gone.')


@check("ready_endpoints", "A Service has N ready endpoints",
       SERVICE, Param("count", "int", help="how many ready endpoints it must have"), NAMESPACE,
       Param("at_least", "bool", required=False, help="yes: pass with count or more; no (default): exactly count"))
def ready_endpoints(cluster: Cluster, params: dict[str, Any]) -> Finding:
    name, ns, want = params["service"], _ns(params), params["count"]
    if cluster.store.get("Service", ns, name) is None:
        return Finding(False, f'There is no Service "{name}" yet.')
    have = len(_ready_addresses(cluster, ns, name))
    ok = have >= want if params.get("at_least") else have == want
    return Finding(ok, f'Service "{name}" has {_count_text(have, "ready endpoint")}; '
                       f'{"at least " if params.get("at_least") else ""}{want} wanted.')


@check("no_endpoints", "A Service exists and has no ready endpoints",
       SERVICE, NAMESPACE)
def no_endpoints(cluster: Cluster, params: dict[str, Any]) -> Finding:
    name, ns = params["service"], _ns(params)
    if cluster.store.get("Service", ns, name) is None:
        return Finding(False, f'There is no Service "{name}" yet.')
    have = _ready_addresses(cluster, ns, name)
    if have:
        return Finding(False, f'Service "{name}" has ready endpoints: {", ".join(have)}.')
    return Finding(True, f'Service "{name}" has no ready endpoints.')


@check("pods_ready", "N running pods with these labels are ready (or, with ready: false, not ready)",
       Param("selector", "labels", help="the pods' labels, e.g. app=web"),
       Param("count", "int", help="how many of those pods"), NAMESPACE,
       Param("ready", "bool", required=False, help="yes (default): ready pods; no: running but not ready"),
       Param("at_least", "bool", required=False, help="yes: pass with count or more; no (default): exactly count"))
def pods_ready(cluster: Cluster, params: dict[str, Any]) -> Finding:
    selector, want, ns = params["selector"], params["count"], _ns(params)
    wanted_ready = params.get("ready", True)
    pods = running_pods(cluster, ns, selector)
    have = sum(1 for p in pods if is_ready(p) == wanted_ready)
    ok = have >= want if params.get("at_least") else have == want
    state = "ready" if wanted_ready else "running but not ready"
    return Finding(ok, f"{have} of {_count_text(len(pods), 'running pod')} with {_labels_text(selector)} "
                       f"{'is' if have == 1 else 'are'} {state}; {want} wanted.")


def _rollout(cluster: Cluster, ns: str, name: str) -> tuple[dict[str, Any] | None, str]:
    """The Deployment and, while its rollout is unfinished, kubectl rollout status's message."""
    deploy = cluster.store.get("Deployment", ns, name)
    if deploy is None:
        return None, f'There is no Deployment "{name}" yet.'
    rollout = rollout_status(deploy)
    return deploy, "" if rollout.done else rollout.message


@check("deployment_available", "A Deployment has rolled out and all its replicas are available",
       Param("name", "str", help="the Deployment's name"),
       Param("replicas", "int", required=False, help="the replicas it must ask for (default: any number)"), NAMESPACE)
def deployment_available(cluster: Cluster, params: dict[str, Any]) -> Finding:
    name = params["name"]
    deploy, waiting = _rollout(cluster, _ns(params), name)
    if deploy is None or waiting:
        return Finding(False, waiting)
    replicas = deploy["spec"].get("replicas", 1)
    if "replicas" in params and replicas != params["replicas"]:
        return Finding(False, f'Deployment "{name}" asks for {replicas} replicas; {params["replicas"]} wanted.')
    return Finding(True, f'deployment "{name}" successfully rolled out')


@check("image_is", "A Deployment runs an image, rolled out to every replica",
       DEPLOYMENT, Param("image", "str", help="the image every pod must run, e.g. nginx:1.27"),
       Param("container", "str", required=False, help="the container's name (default: the first container)"),
       NAMESPACE)
def image_is(cluster: Cluster, params: dict[str, Any]) -> Finding:
    name, want = params["deployment"], params["image"]
    deploy, waiting = _rollout(cluster, _ns(params), name)
    if deploy is None:
        return Finding(False, waiting)
    containers = deploy["spec"]["template"]["spec"].get("containers") or []
    chosen = [c for c in containers if c.get("name") == params["container"]] if "container" in params \
        else containers[:1]
    if not chosen:
        return Finding(False, f'Deployment "{name}" has no container "{params["container"]}".')
    image = chosen[0].get("image")
    if image != want:
        return Finding(False, f'Deployment "{name}" runs {image}; {want} wanted.')
    if waiting:
        return Finding(False, waiting)
    return Finding(True, f'Every pod of "{name}" runs {want}.')


@check("service_type", "A Service is of a given type",
       SERVICE, Param("type", "str", help="ClusterIP, NodePort, LoadBalancer or ExternalName"), NAMESPACE)
def service_type(cluster: Cluster, params: dict[str, Any]) -> Finding:
    name = params["service"]
    svc = cluster.store.get("Service", _ns(params), name)
    if svc is None:
        return Finding(False, f'There is no Service "{name}" yet.')
    have = svc["spec"].get("type", "ClusterIP")
    return Finding(have == params["type"], f'Service "{name}" is of type {have}; {params["type"]} wanted.')


@check("pod_replaced", "A pod of a Deployment was deleted and the Deployment has replaced it",
       DEPLOYMENT, NAMESPACE)
def pod_replaced(cluster: Cluster, params: dict[str, Any]) -> Finding:
    name, ns = params["deployment"], _ns(params)
    deploy, waiting = _rollout(cluster, ns, name)
    if deploy is None:
        return Finding(False, waiting)
    prefixes = tuple(f'{rs["metadata"]["name"]}-' for rs in cluster.store.owned("ReplicaSet",
                                                                                  deploy["metadata"]["uid"]))
    # A pod that was told to stop (the kubelet's Killing event) and is no longer running.
    stopped = {ev["involvedObject"].get("name", "") for ev in cluster.store.list("Event", ns)
               if ev.get("reason") == "Killing" and ev.get("involvedObject", {}).get("kind") == "Pod"}
    alive = {p["metadata"]["name"] for p in cluster.store.list("Pod", ns) if not _is_terminating(p)}
    gone = sorted(pod for pod in stopped - alive if prefixes and pod.startswith(prefixes))
    if not gone:
        return Finding(False, f'No pod of Deployment "{name}" has been deleted yet.')
    if waiting:
        return Finding(False, f"pod/{gone[0]} is gone; the Deployment is still replacing it. {waiting}")
    return Finding(True, f'pod/{gone[0]} was deleted and Deployment "{name}" replaced it.')


@check("traffic_answered_by", "Requests from a client to a URL are answered only by pods with these labels",
       Param("from", "source", help='"outside", "node", "node/NAME", "pod/NAME", or "pod" with from_labels'),
       Param("url", "str", help="may use {service:NAME}, {nodeport:NAME}, {node} and {pod:k=v}"),
       Param("labels", "labels", required=False, help="the pods that must answer"),
       Param("from_labels", "labels", required=False, help='with from "pod": the client pod\'s labels'), NAMESPACE,
       Param("count", "int", required=False, help=f"requests to send (default {DEFAULT_TRAFFIC_COUNT})"),
       Param("min_pods", "int", required=False, help="at least this many pods must answer (default 1)"),
       Param("max_pods", "int", required=False, help="at most this many pods may answer"),
       Param("body_contains", "str", required=False, help="text every reply must contain"),
       Param("expect", "result", required=False, help="answered (default), refused or timeout"),
       Param("reason_contains", "str", required=False, help="with expect refused/timeout: why, e.g. no endpoints"))
def traffic_answered_by(cluster: Cluster, params: dict[str, Any]) -> Finding:
    ns = _ns(params)
    url, problem = fill_url(cluster, params["url"], ns)
    if problem:
        return Finding(False, problem)
    source, problem = client_source(cluster, params["from"], params.get("from_labels") or {}, ns)
    if problem:
        return Finding(False, problem)
    try:
        client = client_for(cluster, source, ns)
    except TrafficError as err:
        return Finding(False, str(err))
    count = params.get("count", DEFAULT_TRAFFIC_COUNT) or 1
    if "://" not in url:
        url = "http://" + url
    # routing draws random numbers and remembers session affinity: a preview leaves the cluster as it was
    _, events = cluster.preview_network().route_many(client, url, count, cluster.now, events=True)
    return _judge_traffic(cluster, events, params, f"from {source} to {url}")


@check("request_seen", "The learner has sent a request like this one (from the Traffic panel, curl or wget)",
       Param("from", "source", help='"outside", "node", "pod", "node/NAME" or "pod/NAME"'),
       Param("to", "str", help='"pod" (a pod IP), "service" or "nodeport"'),
       Param("labels", "labels", required=False, help='with to "pod": the labels of the pod addressed'),
       Param("service", "str", required=False, help='with to "service"/"nodeport": its name'),
       Param("expect", "result", required=False, help="answered (default), refused or timeout"))
def request_seen(cluster: Cluster, params: dict[str, Any]) -> Finding:
    source = params["from"]
    kind, _, name = source.partition("/")
    labels = params.get("labels") or {}
    expect = params.get("expect", "answered")
    for request in reversed(cluster.state.requests):
        if request["from"] != kind or (name and request["client"] != name):
            continue
        if request["target"] != params["to"] or request["result"] != expect:
            continue
        if params.get("service") and request["name"] != params["service"]:
            continue
        if labels and not request["labels"].items() >= labels.items():
            continue
        where = f"pod/{request['name']}" if request["target"] == "pod" else f"{request['target']}/{request['name']}"
        return Finding(True, f"A request from {source} to {where}: {expect}.")
    target = f"a pod labelled {_labels_text(labels)}" if labels else params.get("service") or params["to"]
    happened = {"answered": "been answered", "timeout": "timed out", "refused": "been refused"}[expect]
    return Finding(False, f"No request from {source} to {target} has {happened} yet: send one.")


def _judge_traffic(cluster: Cluster, events: list[dict[str, Any]], params: dict[str, Any], what: str) -> Finding:
    expect = params.get("expect", "answered")
    wrong = [e for e in events if e.get("result") != expect]
    if wrong:
        first = wrong[0]
        reason = f" ({first['reason']})" if first.get("reason") else ""
        return Finding(False, f"{len(wrong)} of {_count_text(len(events), 'request')} {what} "
                              f"{'were' if len(wrong) != 1 else 'was'} {first.get('result')}{reason}.")
    if expect != "answered":
        reason = params.get("reason_contains")
        other = next((e for e in events if reason and reason not in (e.get("reason") or "")), None)
        if other is not None:
            return Finding(False, f"A request {what} was {expect}, but because of {other.get('reason')!r}.")
        return Finding(True, f"Every request {what} was {expect}.")
    pods: dict[str, int] = {}
    labels = params.get("labels") or {}
    for event in events:
        name = (event.get("endpoint") or {}).get("pod") or ""
        pod = _pod_named(cluster, name)
        if pod is None or not map_matches(labels, pod["metadata"].get("labels")):
            return Finding(False, f"A request {what} was answered by {f'pod/{name}' if name else 'something'} "
                                  f"which is not labelled {_labels_text(labels)}.")
        needle = params.get("body_contains")
        if needle and needle not in (event.get("body") or ""):
            return Finding(False, f"pod/{name} answered without {needle!r} in its reply.")
        pods[name] = pods.get(name, 0) + 1
    spread = ", ".join(f"{name} {n}" for name, n in sorted(pods.items()))
    if len(pods) < params.get("min_pods", 1):
        return Finding(False, f"Only {_count_text(len(pods), 'pod')} answered ({spread}); "
                              f"{params['min_pods']} or more should share the requests.")
    if "max_pods" in params and len(pods) > params["max_pods"]:
        return Finding(False, f"{_count_text(len(pods), 'pod')} answered ({spread}); "
                              f"at most {params['max_pods']} should.")
    return Finding(True, f"Answered by {spread}.")


def _pod_named(cluster: Cluster, name: str) -> dict[str, Any] | None:
    return next((p for p in cluster.store.list("Pod") if p["metadata"]["name"] == name), None) if name else None


# ---- evaluation ---------------------------------------------------------------------------------------------


class CheckLike(Protocol):
    check_id: str
    title: str
    kind: str
    params: Any
    hint: str


def run_check(kind: str, cluster: Cluster, params: dict[str, Any]) -> Finding:
    """One check's finding; parameters that slipped past validation fail the check instead of raising."""
    problems = validate_params(kind, params)
    if problems:
        return Finding(False, f"This check is misconfigured: {'; '.join(problems)}")
    return REGISTRY[kind].fn(cluster, params)


def evaluate(checks: Iterable[CheckLike], cluster: Cluster) -> list[dict[str, Any]]:
    """Each check as the page shows it: id, title, passed, hint (the author's, else the finding)."""
    results = []
    for item in checks:
        finding = run_check(item.kind, cluster, item.params)
        results.append({"id": item.check_id, "title": item.title, "passed": finding.passed,
                        "hint": "" if finding.passed else (item.hint or finding.detail),
                        "detail": finding.detail})
    return results

