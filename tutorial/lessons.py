"""What a lesson's data may hold, and how lesson content meets a cluster (files: tutorial.packs)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cluster.sim.cluster import Cluster
from cluster.sim.settings import Settings
from cluster.sim.teaching import scenario
from tutorial.checks import validate_params
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


# ---- lesson content in a cluster (played by the engine: cluster.sim.teaching.scenario) -------------------------


def cluster_settings(lesson: Lesson | dict[str, Any]) -> Settings:
    settings = lesson.get("settings") if isinstance(lesson, dict) else lesson.settings
    return Settings.from_dict(settings or {})


def build_cluster(lesson: Lesson | dict[str, Any], now: float) -> Cluster:
    """A fresh cluster for the lesson (a row or its data) at `now`, its setup applied `setup_age` seconds earlier."""
    if isinstance(lesson, Lesson):
        setup, commands, age = lesson.setup, lesson.setup_commands, lesson.setup_age
    else:
        setup, commands, age = lesson.get("setup", ""), lesson.get("setup_commands"), lesson.get("setup_age", 120)
    return scenario.build(cluster_settings(lesson), setup, list(commands or []), age, now)
