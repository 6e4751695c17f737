"""A lesson's self-test: its manifests are valid, each step is unsolved before its reference solution and solved after.

It plays the lesson the way a learner who follows every step would: the setup applied to a fresh cluster,
then for each step its checks evaluated (they must not all pass yet), its reference solution performed,
and its checks evaluated again (they must all pass). It works on lesson data (tutorial.packs), so the
admin can test a lesson before it is saved, `check_lessons` lessons in the database or in files, and the
test suite the built-in pack, all with this one function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cluster.sim.manifests.loader import ManifestError, check_type_meta, load_manifests
from cluster.sim.teaching.scenario import perform
from tutorial.checks import evaluate
from tutorial.lessons import build_cluster, lesson_problems

NOW = 1_800_000_000.0  # the self-test's clock: any fixed time does, the engine is deterministic


@dataclass(frozen=True)
class Line:
    ok: bool
    text: str


@dataclass
class StepReport:
    number: int
    title: str
    lines: list[Line] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines)


@dataclass
class Report:
    """What the self-test found, lesson-wide and per step."""

    slug: str
    title: str
    lines: list[Line] = field(default_factory=list)
    steps: list[StepReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines) and all(step.ok for step in self.steps)

    def problems(self) -> list[str]:
        """Every failure, each saying where."""
        found = [line.text for line in self.lines if not line.ok]
        for step in self.steps:
            found += [f"step {step.number}: {line.text}" for line in step.lines if not line.ok]
        return found

    def text(self) -> str:
        """The report as `check_lessons` prints it."""
        out = [f"{'✓' if self.ok else '✗'} {self.slug} — {self.title}"]
        out += [f"    {'✓' if line.ok else '✗'} {line.text}" for line in self.lines]
        for step in self.steps:
            out.append(f"  {'✓' if step.ok else '✗'} step {step.number}: {step.title}")
            out += [f"      {'✓' if line.ok else '✗'} {line.text}" for line in step.lines]
        return "\n".join(out)


class _Check:
    """A check from lesson data, shaped as tutorial.checks.evaluate reads checks."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.check_id, self.title, self.kind = data["id"], data.get("title", data["id"]), data.get("kind", "")
        self.params, self.hint = data.get("params") or {}, data.get("hint", "")


def self_test(data: dict[str, Any]) -> Report:
    """Play a lesson's data from its setup through every step's reference solution."""
    report = Report(str(data.get("slug", "?")), str(data.get("title", "")))
    problems = lesson_problems(data)
    if problems:
        report.lines += [Line(False, problem) for problem in problems]
        return report
    steps = data.get("steps") or []
    if not steps:
        report.lines.append(Line(False, "the lesson has no steps: a learner would have nothing to do"))
        return report
    if not any(step.get("checks") for step in steps):
        report.lines.append(Line(False, "no step has a check: a learner could never finish the lesson"))

    try:
        cluster = build_cluster(data, NOW)
    except Exception as err:  # the engine's words: a refused manifest, a failing kubectl line
        report.lines.append(Line(False, f"setup: {err}"))
        return report
    objects = _manifest_names(data.get("setup", ""))
    commands = len(data.get("setup_commands") or [])
    report.lines.append(Line(True, "setup: " + (f"applied {', '.join(objects)}" if objects else "empty cluster")
                             + (f", then {commands} kubectl line{'s' if commands != 1 else ''}" if commands else "")))

    for number, step in enumerate(steps, start=1):
        result = StepReport(number, step["title"])
        report.steps.append(result)
        starter = step.get("starter", "")
        if starter.strip():
            problem = _manifest_problem(starter)
            result.lines.append(Line(not problem, f"starter: {problem}" if problem else
                                     f"starter reads as {', '.join(_manifest_names(starter))}"))
        checks = [_Check(c) for c in step.get("checks") or []]
        moves = step.get("solution") or []
        if checks:
            before = evaluate(checks, cluster)
            passing = sum(1 for r in before if r["passed"])
            if not moves:
                result.lines.append(Line(True, "no reference solution: a step where the learner looks; "
                                               f"{passing} of {len(before)} checks pass already"))
            elif passing == len(before):
                result.lines.append(Line(False, "already solved before its reference solution: every check "
                                                "passes, so a learner would find the step done"))
            else:
                result.lines.append(Line(True, f"before the reference solution {passing} of {len(before)} "
                                               "checks pass"))
        try:
            perform(cluster, moves)
        except Exception as err:  # the engine's words for the move that failed
            result.lines.append(Line(False, f"reference solution: {err}"))
            continue
        if moves:
            result.lines.append(Line(True, f"reference solution: {_moves_text(moves)}"))
        if not checks:
            result.lines.append(Line(True, "no checks: a step to read"))
        for check, outcome in zip(checks, evaluate(checks, cluster), strict=True):
            verdict = "passes" if outcome["passed"] else "FAILS"
            result.lines.append(Line(outcome["passed"], f"afterwards {check.check_id} {verdict}: {outcome['detail']}"))
    return report


def _manifest_problem(text: str) -> str:
    """Why a starter does not read as manifests ('' when it does); removed API versions are fine in a starter."""
    try:
        for doc in load_manifests(text):
            check_type_meta(doc)
    except ManifestError as err:
        return f"line {err.line}: {err.message}" if err.line else err.message
    return ""


def _manifest_names(text: str) -> list[str]:
    try:
        return [f"{doc.obj.get('kind')}/{(doc.obj.get('metadata') or {}).get('name', '?')}"
                for doc in load_manifests(text)] if text.strip() else []
    except ManifestError:
        return []


def _moves_text(moves: list[dict[str, Any]]) -> str:
    words = []
    for move in moves:
        (key, value), = move.items()
        if key == "apply":
            words.append(f"apply {', '.join(_manifest_names(value)) or 'a manifest'}")
        elif key == "run":
            words.append(f"kubectl {value.removeprefix('kubectl ')}")
        elif key == "wait":
            words.append(f"wait {value} s")
        else:
            words.append(f"traffic from {value['from']} to {value['url']}")
    return "; ".join(words)
