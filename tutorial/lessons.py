"""What a lesson's data may hold, and how lesson content meets a cluster (files: tutorial.packs)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cluster.sim import kubectl
from cluster.sim.cluster import Cluster
from cluster.sim.manifests.loader import load_manifests, resolve_kind
from cluster.sim.settings import Settings
from cluster.sim.teaching.traffic import send
from tutorial.checks import fill_url, validate_params
from tutorial.models import (
    Lesson,
    validate_actions,
    validate_cluster_settings,
    validate_solution,
)

PACK_DIR = Path(__file__).resolve().parent / "lessons"  # the built-in pack
LESSON_KEYS = {"slug", "title", "summary", "order", "published", "settings", "setup", "setup_commands", "setup_age",
               "steps"}
STEP_KEYS = {"title", "body", "starter", "actions", "hints", "solution", "checks"}
CHECK_KEYS = {"id", "title", "kind", "params", "hint"}
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SETTLE_SECONDS = 90  # after each reference-solution move, time enough for pulls, probes and rollouts


class PackError(Exception):
    pass


# ---- what a lesson's data may hold --------------------------------------------------------------------------


def lesson_problems(data: Any) -> list[str]:
    """What is wrong with one lesson's data, as the loader and the admin word it."""
    if not isinstance(data, dict):
        return ["a lesson file holds one mapping"]
    problems = [f"unknown key {key!r}" for key in data if key not in LESSON_KEYS]
    problems += [f"{key} is required" for key in ("slug", "title") if not data.get(key)]
    if data.get("slug") and not (isinstance(data["slug"], str) and SLUG.fullmatch(data["slug"])):
        problems.append("slug: letters, digits, hyphens and underscores only")
    problems += [f"{key} must be a whole number ≥ 0" for key in ("order", "setup_age")
                 if key in data and (isinstance(data[key], bool) or not isinstance(data[key], int) or data[key] < 0)]
    if not isinstance(data.get("published", True), bool):
        problems.append("published must be true or false")
    if not isinstance(data.get("steps", []), list):
        problems.append("steps must be a list")
    commands = data.get("setup_commands", [])
    if not isinstance(commands, list) or not all(isinstance(c, str) for c in commands):
        problems.append("setup_commands must be a list of kubectl lines")
    problems += validate_cluster_settings(data.get("settings", {}))
    seen: set[str] = set()
    steps = data.get("steps") if isinstance(data.get("steps"), list) else []
    for number, step in enumerate(steps, start=1):
        where = f"step {number}"
        if not isinstance(step, dict):
            problems.append(f"{where}: a mapping")
            continue
        problems += [f"{where}: unknown key {key!r}" for key in step if key not in STEP_KEYS]
        if not step.get("title"):
            problems.append(f"{where}: title is required")
        hints = step.get("hints", [])
        if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
            problems.append(f"{where}: hints must be a list of strings")
        problems += [f"{where}: actions: {p}" for p in validate_actions(step.get("actions", []))]
        problems += [f"{where}: solution: {p}" for p in validate_solution(step.get("solution", []))]
        for check in step.get("checks") or []:
            if not isinstance(check, dict) or set(check) - CHECK_KEYS or not check.get("id"):
                problems.append(f"{where}: each check needs id, title, kind, params (and a hint)")
                continue
            if check["id"] in seen:
                problems.append(f"{where}: check id {check['id']!r} is used twice")
            seen.add(check["id"])
            problems += [f"{where}: check {check['id']}: {p}"
                         for p in validate_params(check.get("kind", ""), check.get("params", {}))]
    return problems


# ---- lesson content in a cluster ---------------------------------------------------------------------------


def cluster_settings(lesson: Lesson | dict[str, Any]) -> Settings:
    settings = lesson.get("settings") if isinstance(lesson, dict) else lesson.settings
    return Settings.from_dict(settings or {})


def build_cluster(lesson: Lesson | dict[str, Any], now: float) -> Cluster:
    """A fresh cluster for the lesson (a row or its data) at `now`, its setup applied `setup_age` seconds earlier."""
    if isinstance(lesson, Lesson):
        setup, commands, age = lesson.setup, lesson.setup_commands, lesson.setup_age
    else:
        setup, commands, age = lesson.get("setup", ""), lesson.get("setup_commands"), lesson.get("setup_age", 120)
    cluster = Cluster.create(cluster_settings(lesson), now=now - age)
    if setup.strip():
        apply_text(cluster, setup)
    for line in commands or []:
        run_line(cluster, line)
    cluster.advance(now)
    return cluster


def apply_text(cluster: Cluster, text: str) -> list[str]:
    """`kubectl apply -f -` of a manifest text; raises on the first object the cluster refuses."""
    out = []
    for doc in load_manifests(text):
        kind = resolve_kind(doc)
        action, obj = cluster.api.apply(doc.obj)
        out.append(f"{kind.type_name}/{obj['metadata']['name']} {action}")
    return out


def run_line(cluster: Cluster, line: str) -> str:
    """A kubectl line through the built-in kubectl; raises when kubectl reports an error."""
    result = kubectl.run_line(cluster, line)
    if result.exit_code != 0:
        raise PackError(f"kubectl {line}: {result.stderr.strip()}")
    return str(result.stdout)


def send_traffic(cluster: Cluster, move: dict[str, Any]) -> None:
    """A reference solution's request, sent as the Traffic panel sends it (URL placeholders as in checks)."""
    url, problem = fill_url(cluster, move["url"])
    if problem:
        raise ValueError(f"traffic move: {problem}")
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
