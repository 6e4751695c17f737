"""The built-in lesson pack (one YAML file per lesson in tutorial/lessons/) and how lesson content meets a cluster."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from cluster.sim import kubectl
from cluster.sim.cluster import Cluster
from cluster.sim.manifests.loader import load_manifests, resolve_kind
from cluster.sim.settings import Settings
from cluster.sim.teaching.traffic import send
from tutorial.checks import fill_url, validate_params
from tutorial.models import (
    Check,
    Lesson,
    Step,
    validate_actions,
    validate_cluster_settings,
    validate_solution,
)

PACK_DIR = Path(__file__).resolve().parent / "lessons"
LESSON_KEYS = {"slug", "title", "summary", "order", "settings", "setup", "setup_commands", "setup_age", "steps"}
STEP_KEYS = {"title", "body", "starter", "actions", "hints", "solution", "checks"}
CHECK_KEYS = {"id", "title", "kind", "params", "hint"}
SETTLE_SECONDS = 90  # after each reference-solution move, time enough for pulls, probes and rollouts


class PackError(Exception):
    pass


# ---- reading and loading the pack --------------------------------------------------------------------------


def read_pack(directory: Path = PACK_DIR) -> list[dict[str, Any]]:
    """Every lesson file in the pack, parsed and checked; raises PackError naming the file."""
    lessons = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            raise PackError(f"{path.name}: {err}") from err
        problems = lesson_problems(data)
        if problems:
            raise PackError(f"{path.name}: " + "; ".join(problems))
        lessons.append(data)
    slugs = [lesson["slug"] for lesson in lessons]
    if len(set(slugs)) != len(slugs):
        raise PackError(f"{directory}: two lessons share a slug")
    return lessons


def lesson_problems(data: Any) -> list[str]:
    """What is wrong with one lesson's data, as the loader and the admin word it."""
    if not isinstance(data, dict):
        return ["a lesson file holds one mapping"]
    problems = [f"unknown key {key!r}" for key in data if key not in LESSON_KEYS]
    problems += [f"{key} is required" for key in ("slug", "title", "steps") if not data.get(key)]
    problems += validate_cluster_settings(data.get("settings", {}))
    seen: set[str] = set()
    for number, step in enumerate(data.get("steps") or [], start=1):
        where = f"step {number}"
        if not isinstance(step, dict):
            problems.append(f"{where}: a mapping")
            continue
        problems += [f"{where}: unknown key {key!r}" for key in step if key not in STEP_KEYS]
        if not step.get("title"):
            problems.append(f"{where}: title is required")
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


def digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # same slug, but the lesson belongs to an instructor


def load_pack(directory: Path = PACK_DIR) -> LoadReport:
    """Create or update the built-in lessons by slug; lessons instructors own are left alone."""
    report = LoadReport()
    for data in read_pack(directory):
        slug = data["slug"]
        existing = Lesson.objects.filter(slug=slug).first()
        if existing is not None and not existing.builtin:
            report.kept.append(slug)
            continue
        if existing is not None and existing.source_digest == digest(data):
            report.unchanged.append(slug)
            continue
        save_lesson(data, existing)
        (report.updated if existing else report.created).append(slug)
    return report


@transaction.atomic
def save_lesson(data: dict[str, Any], lesson: Lesson | None = None) -> Lesson:
    """Write one lesson's data into the database, replacing its steps and checks."""
    lesson = lesson or Lesson(slug=data["slug"])
    lesson.title = data["title"]
    lesson.summary = data.get("summary", "")
    lesson.order = data.get("order", 100)
    lesson.settings = data.get("settings", {})
    lesson.setup = data.get("setup", "")
    lesson.setup_commands = data.get("setup_commands", [])
    lesson.setup_age = data.get("setup_age", 120)
    lesson.builtin = True
    lesson.source_digest = digest(data)
    lesson.save()
    lesson.steps.all().delete()
    for number, step_data in enumerate(data["steps"], start=1):
        step = Step.objects.create(
            lesson=lesson, order=number, title=step_data["title"], body=step_data.get("body", ""),
            starter=step_data.get("starter", ""), actions=step_data.get("actions", []),
            hints=step_data.get("hints", []), solution=step_data.get("solution", []),
        )
        Check.objects.bulk_create([
            Check(step=step, order=i, check_id=c["id"], title=c.get("title", c["id"]), kind=c["kind"],
                  params=c.get("params", {}), hint=c.get("hint", ""))
            for i, c in enumerate(step_data.get("checks") or [], start=1)
        ])
    return lesson


# ---- lesson content in a cluster ---------------------------------------------------------------------------


def cluster_settings(lesson: Lesson) -> Settings:
    return Settings.from_dict(lesson.settings or {})


def build_cluster(lesson: Lesson, now: float) -> Cluster:
    """A fresh cluster for the lesson at `now`, its setup applied `setup_age` seconds earlier."""
    cluster = Cluster.create(cluster_settings(lesson), now=now - lesson.setup_age)
    if lesson.setup.strip():
        apply_text(cluster, lesson.setup)
    for line in lesson.setup_commands or []:
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
