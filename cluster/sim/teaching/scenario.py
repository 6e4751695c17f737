"""A lesson played against a cluster: its setup, and the moves of a reference solution, done as a learner does them.

A manifest goes through `kubectl apply -f -`, the one path the lesson page's editor uses (the same errors,
managers and events); a kubectl line through the built-in kubectl; a request as the Traffic panel sends it.
URLs may hold placeholders filled from the cluster: `{service:NAME}` (its ClusterIP), `{nodeport:NAME}`,
`{node}` (a worker's InternalIP) and `{pod:key=value}` (a running pod's IP).
"""

from __future__ import annotations

import re
from typing import Any

from cluster.sim import kubectl
from cluster.sim.cluster import Cluster
from cluster.sim.settings import Settings
from cluster.sim.teaching.traffic import send

SETTLE_SECONDS = 90  # after each reference-solution move, time enough for pulls, probes and rollouts
PLACEHOLDER = re.compile(r"\{(service|nodeport|pod|node)(?::([^}]*))?\}")


class ScenarioError(Exception):
    """A move the cluster refused, in kubectl's words."""


# ---- the moves ----------------------------------------------------------------------------------------------


def apply_manifests(cluster: Cluster, text: str) -> kubectl.Result:
    """`kubectl apply -f -` of a manifest text, as the lesson page's editor applies it."""
    return kubectl.run(cluster, ["apply", "-f", "-"], stdin=text)


def apply_text(cluster: Cluster, text: str) -> list[str]:
    """Apply a manifest text as the editor does; raises ScenarioError when kubectl reports an error."""
    result = apply_manifests(cluster, text)
    if result.exit_code != 0:
        raise ScenarioError(result.stderr.strip())
    return result.stdout.splitlines()


def run_line(cluster: Cluster, line: str) -> str:
    """A kubectl line through the built-in kubectl; raises ScenarioError when kubectl reports an error."""
    result = kubectl.run_line(cluster, line)
    if result.exit_code != 0:
        raise ScenarioError(f"kubectl {line}: {result.stderr.strip()}")
    return result.stdout


def send_traffic(cluster: Cluster, move: dict[str, Any]) -> None:
    """A reference solution's request, sent as the Traffic panel sends it (URL placeholders filled)."""
    url, problem = fill_url(cluster, move["url"])
    if problem:
        raise ScenarioError(f"traffic move: {problem}")
    send(cluster, move["from"], url, int(move.get("count", 1)))


def perform(cluster: Cluster, moves: list[dict[str, Any]], settle: float = SETTLE_SECONDS) -> None:
    """Play a reference solution: apply manifests, run kubectl lines, send traffic, wait; then let it settle."""
    for move in moves:
        if "apply" in move:
            apply_text(cluster, move["apply"])
        elif "run" in move:
            run_line(cluster, move["run"])
        elif "wait" in move:
            cluster.advance_by(float(move["wait"]))
        elif "traffic" in move:
            send_traffic(cluster, move["traffic"])
    cluster.advance_by(settle)


def build(settings: Settings, setup: str, commands: list[str], age: float, now: float) -> Cluster:
    """A fresh cluster at `now`, its setup manifests applied and kubectl lines run `age` seconds earlier."""
    cluster = Cluster.create(settings, now=now - age)
    if setup.strip():
        apply_text(cluster, setup)
    for line in commands:
        run_line(cluster, line)
    cluster.advance(now)
    return cluster


# ---- URLs with placeholders ---------------------------------------------------------------------------------


def parse_labels(text: str) -> dict[str, str]:
    """`a=b,c=d` as a mapping; {} when it is not such a list."""
    pairs = [part.split("=", 1) for part in text.split(",") if part]
    return {k.strip(): v.strip() for k, v in pairs} if all(len(p) == 2 for p in pairs) else {}


def placeholder_problems(url: str) -> list[str]:
    """What is wrong with a URL's placeholders, worded for the lesson author ([] when they are fine)."""
    problems = []
    for match in PLACEHOLDER.finditer(url):
        what, arg = match.group(1), match.group(2)
        if what in ("service", "nodeport") and not arg:
            problems.append(f"{{{what}:NAME}} needs a Service name")
        if what == "pod" and not (arg and parse_labels(arg)):
            problems.append("{pod:key=value} needs a label selector")
    leftover = PLACEHOLDER.sub("", url)
    if "{" in leftover or "}" in leftover:
        problems.append("has an unknown placeholder; use {service:NAME}, {nodeport:NAME}, {node} or {pod:k=v}")
    return problems


def running_pods(cluster: Cluster, namespace: str, selector: dict[str, str]) -> list[dict[str, Any]]:
    """Pods matching `selector` that run and are not being deleted."""
    return [p for p in cluster.store.list("Pod", namespace, selector)
            if not p["metadata"].get("deletionTimestamp") and (p.get("status") or {}).get("phase") == "Running"]


def client_source(cluster: Cluster, source: str, from_labels: dict[str, str], ns: str) -> tuple[str, str]:
    """`node` → the first worker, `pod` → the first running pod with an IP labelled `from_labels`; as
    ("node/NAME" or "pod/NAME", "") or ("", why not)."""
    if source == "node":
        nodes = [n for n in cluster.store.list("Node")
                 if "node-role.kubernetes.io/control-plane" not in (n["metadata"].get("labels") or {})]
        nodes = nodes or cluster.store.list("Node")
        return (f"node/{nodes[0]['metadata']['name']}", "") if nodes else ("", "The cluster has no nodes.")
    if source == "pod":
        pods = [p for p in running_pods(cluster, ns, from_labels) if (p.get("status") or {}).get("podIP")]
        if not pods:
            labels = ",".join(f"{k}={v}" for k, v in sorted(from_labels.items()))
            return "", f"No running pod labelled {labels} to send requests from."
        return f"pod/{pods[0]['metadata']['name']}", ""
    return source, ""


def fill_url(cluster: Cluster, url: str, ns: str = "default") -> tuple[str, str]:
    """The URL with its placeholders filled from the cluster, or a reason it cannot be yet."""
    problems: list[str] = []

    def fill(match: re.Match[str]) -> str:
        what, arg = match.group(1), match.group(2) or ""
        if what in ("service", "nodeport"):
            svc = cluster.store.get("Service", ns, arg)
            if svc is None:
                problems.append(f'There is no Service "{arg}" yet.')
                return ""
            if what == "service":
                return str(svc["spec"].get("clusterIP", ""))
            ports = [p.get("nodePort") for p in svc["spec"].get("ports") or [] if p.get("nodePort")]
            if not ports:
                problems.append(f'Service "{arg}" has no node port: its type is {svc["spec"].get("type")}.')
                return ""
            return str(ports[0])
        if what == "node":
            source, problem = client_source(cluster, "node", {}, ns)
            node = cluster.store.get("Node", "", source.removeprefix("node/"))
            if node is None:
                problems.append(problem or "The cluster has no nodes.")
                return ""
            return str(next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP"))
        pods = [p for p in running_pods(cluster, ns, parse_labels(arg)) if (p.get("status") or {}).get("podIP")]
        if not pods:
            problems.append(f"No running pod labelled {arg} yet.")
            return ""
        return str(pods[0]["status"]["podIP"])

    filled = PLACEHOLDER.sub(fill, url)
    return filled, problems[0] if problems else ""
