"""Lesson packs as files: one folder per lesson, a `lesson.yaml` naming the step texts and manifests beside it.

A pack folder looks like this (what `export_lessons` writes and `import_lessons` reads)::

    02-nodeport/
      lesson.yaml          slug, title, settings, steps, checks…; `setup`, `body`, `starter` and every
      setup.yaml           solution move's `apply` name a file in this folder
      step-01.md
      step-01-starter.yaml
      step-01-solution.yaml

Inside Podium a lesson travels as one plain dict, its "data" (the same shape as `lesson.yaml` with the files'
texts in place of their names): `read_lesson` builds it from files, `lesson_data` from the database,
`save_lesson` writes it to the database in place and `write_lesson` to files. A lesson written as one YAML
file with its texts inline (Podium's first pack format) still reads.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from django.db import transaction

from tutorial.checks import REGISTRY
from tutorial.lessons import PackError, lesson_problems
from tutorial.models import CLUSTER_SETTINGS, Check, Lesson, Step

PACK_DIR = Path(__file__).resolve().parent / "lessons"
LESSON_FILE = "lesson.yaml"
TRAFFIC_KEYS = ("from", "url", "count")
ACTION_KEYS = ("label", "kind", "payload")
FLOW_WIDTH = 100  # a mapping this short or shorter is written on one line, {like: this}


# ---- the data of one lesson ------------------------------------------------------------------------------


def lesson_data(lesson: Lesson, steps: list[tuple[Step, list[Check]]] | None = None) -> dict[str, Any]:
    """One lesson from the database as pack data, in the canonical key order.

    `steps` (each step with its checks, in order) stands in for the saved ones: the admin tests a lesson as it
    is about to be saved.
    """
    if steps is None:
        steps = [(step, list(step.checks.order_by("order", "pk")))
                 for step in lesson.steps.prefetch_related("checks").order_by("order", "pk")]
    step_data = []
    for step, checks in steps:
        step_data.append({
            "title": step.title, "body": step.body, "starter": step.starter, "actions": step.actions,
            "hints": step.hints, "solution": step.solution,
            "checks": [{"id": c.check_id, "title": c.title, "kind": c.kind, "params": c.params, "hint": c.hint}
                       for c in checks],
        })
    return canonical({
        "slug": lesson.slug, "title": lesson.title, "summary": lesson.summary, "order": lesson.order,
        "published": lesson.published, "settings": lesson.settings, "setup": lesson.setup,
        "setup_commands": lesson.setup_commands, "setup_age": lesson.setup_age, "steps": step_data,
    })


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """The same lesson with defaults filled in, empty values dropped and every mapping in a fixed key order.

    Two lessons that mean the same have equal canonical data whatever order their keys came in (PostgreSQL's
    jsonb reorders them), so an export is the same bytes from every database.
    """
    lesson: dict[str, Any] = {
        "slug": data["slug"], "title": data["title"], "summary": data.get("summary", ""),
        "order": data.get("order", 100), "published": data.get("published", True),
        "settings": _ordered(data.get("settings") or {}, list(CLUSTER_SETTINGS)),
        "setup": data.get("setup", ""), "setup_commands": list(data.get("setup_commands") or []),
        "setup_age": data.get("setup_age", 120), "steps": [],
    }
    for step in data.get("steps") or []:
        lesson["steps"].append(_drop_empty({
            "title": step["title"], "body": step.get("body", ""), "starter": step.get("starter", ""),
            "actions": [_ordered(a, list(ACTION_KEYS)) for a in step.get("actions") or []],
            "hints": list(step.get("hints") or []),
            "solution": [_canonical_move(m) for m in step.get("solution") or []],
            "checks": [_drop_empty({
                "id": c["id"], "title": c.get("title", c["id"]), "kind": c["kind"],
                "params": _canonical_params(c["kind"], c.get("params") or {}), "hint": c.get("hint", ""),
            }) for c in step.get("checks") or []],
        }, keep=("title",)))
    return _drop_empty(lesson, keep=("slug", "title", "order", "published", "setup_age", "steps"))


def _canonical_params(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    spec = REGISTRY.get(kind)
    order = [p.name for p in spec.params] if spec else []
    return {key: _sorted_maps(value) for key, value in _ordered(params, order).items()}


def _canonical_move(move: dict[str, Any]) -> dict[str, Any]:
    if isinstance(move.get("traffic"), dict):
        return {"traffic": _ordered(move["traffic"], list(TRAFFIC_KEYS))}
    return dict(move)


def _ordered(mapping: dict[str, Any], order: list[str]) -> dict[str, Any]:
    """Known keys in `order`, then any others sorted."""
    if not isinstance(mapping, dict):
        return mapping
    rank = {key: i for i, key in enumerate(order)}
    return {key: mapping[key] for key in sorted(mapping, key=lambda k: (rank.get(k, len(rank)), k))}


def _sorted_maps(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted_maps(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_maps(item) for item in value]
    return value


def _drop_empty(mapping: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key in keep or value not in ("", [], {}, None)}


def digest(data: dict[str, Any]) -> str:
    """A fingerprint of a lesson's meaning: equal for equal canonical data."""
    return hashlib.sha256(json.dumps(canonical(data), sort_keys=True).encode()).hexdigest()


# ---- reading files -------------------------------------------------------------------------------------------


def read_pack(directory: Path = PACK_DIR) -> list[dict[str, Any]]:
    """Every lesson in a pack directory (or the one lesson folder it is), read and checked; raises PackError."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PackError(f"{directory}: no such directory")
    if (directory / LESSON_FILE).is_file():
        sources = [directory]
    else:
        sources = sorted([p for p in directory.iterdir() if (p / LESSON_FILE).is_file()]
                         + [p for p in directory.glob("*.yaml") if p.is_file()])
    if not sources:
        raise PackError(f"{directory}: no lessons here (a lesson is a folder with a {LESSON_FILE})")
    lessons = [read_lesson(source) for source in sources]
    seen: dict[str, Path] = {}
    for source, data in zip(sources, lessons, strict=True):
        if data["slug"] in seen:
            raise PackError(f"{source.name} and {seen[data['slug']].name} both hold the lesson {data['slug']!r}")
        seen[data["slug"]] = source
    return lessons


def read_lesson(source: Path) -> dict[str, Any]:
    """One lesson from its folder (or from a single YAML file with its texts inline); raises PackError."""
    folder = source if source.is_dir() else None
    path = source / LESSON_FILE if folder else source
    where = f"{source.name}/{LESSON_FILE}" if folder else source.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise PackError(f"{where}: {err}") from err
    except UnicodeDecodeError as err:
        raise PackError(f"{where}: not UTF-8 text ({err.reason})") from err
    if folder is not None and isinstance(data, dict):
        data = _resolve_files(data, folder, where)
    problems = lesson_problems(data)
    if problems:
        raise PackError(f"{where}: " + "; ".join(problems))
    return data


def _resolve_files(data: dict[str, Any], folder: Path, where: str) -> dict[str, Any]:
    """The lesson with every file name replaced by the file's text."""
    problems: list[str] = []

    def text_of(value: Any, what: str) -> Any:
        if not value:
            return ""
        if not isinstance(value, str) or "\n" in value:
            problems.append(f"{what}: names a file in the lesson's folder, e.g. step-01.md")
            return ""
        relative = PurePosixPath(value)
        if relative.is_absolute() or ".." in relative.parts:
            problems.append(f"{what}: {value!r} must name a file inside the lesson's folder")
            return ""
        path = folder / relative
        if not path.is_file():
            problems.append(f"{what}: there is no file {value!r} in {folder.name}/")
            return ""
        try:
            with path.open(encoding="utf-8", newline="") as handle:  # texts are kept byte for byte
                return handle.read()
        except UnicodeDecodeError as err:
            problems.append(f"{what}: {value} is not UTF-8 text ({err.reason})")
            return ""

    data = dict(data)
    if "setup" in data:
        data["setup"] = text_of(data["setup"], "setup")
    steps = []
    for number, step in enumerate(data.get("steps") or [], start=1):
        if not isinstance(step, dict):
            steps.append(step)
            continue
        step = dict(step)
        for key in ("body", "starter"):
            if key in step:
                step[key] = text_of(step[key], f"step {number}: {key}")
        moves = []
        for index, move in enumerate(step.get("solution") or [], start=1):
            if isinstance(move, dict) and "apply" in move:
                move = {**move, "apply": text_of(move["apply"], f"step {number}: solution move {index}: apply")}
            moves.append(move)
        if "solution" in step:
            step["solution"] = moves
        steps.append(step)
    if "steps" in data:
        data["steps"] = steps
    if problems:
        raise PackError(f"{where}: " + "; ".join(problems))
    return data


# ---- writing files -------------------------------------------------------------------------------------------


def folder_name(data: dict[str, Any]) -> str:
    return f"{data.get('order', 100):02d}-{data['slug']}"


def write_lesson(data: dict[str, Any], folder: Path) -> list[Path]:
    """Write one lesson as a folder (replacing what was there); returns the files written."""
    data = canonical(data)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files: dict[str, str] = {}

    def file_for(name: str, text: str) -> str:
        files[name] = text
        return name

    out: dict[str, Any] = {key: value for key, value in data.items() if key != "steps"}
    if data.get("setup"):
        out["setup"] = file_for("setup.yaml", data["setup"])
    out_steps = []
    for number, step in enumerate(data["steps"], start=1):
        stem = f"step-{number:02d}"
        step = dict(step)
        if step.get("body"):
            step["body"] = file_for(f"{stem}.md", step["body"])
        if step.get("starter"):
            step["starter"] = file_for(f"{stem}-starter.yaml", step["starter"])
        applies = sum(1 for move in step.get("solution", []) if "apply" in move)
        count = 0
        moves = []
        for move in step.get("solution", []):
            if "apply" in move:
                count += 1
                name = f"{stem}-solution.yaml" if applies == 1 else f"{stem}-solution-{count}.yaml"
                move = {"apply": file_for(name, move["apply"])}
            moves.append(move)
        if moves:
            step["solution"] = moves
        out_steps.append(step)
    out["steps"] = out_steps
    written = []
    for name, text in {LESSON_FILE: dump_lesson_yaml(out), **files}.items():
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        written.append(path)
    return written


def export_pack(lessons: list[dict[str, Any]], directory: Path) -> list[Path]:
    """Write lessons into a pack directory, one folder each; a folder holding one of them elsewhere is replaced."""
    directory.mkdir(parents=True, exist_ok=True)
    slugs = {data["slug"] for data in lessons}
    for old in directory.iterdir():
        if (old / LESSON_FILE).is_file():
            try:
                slug = (yaml.safe_load((old / LESSON_FILE).read_text(encoding="utf-8")) or {}).get("slug")
            except (yaml.YAMLError, UnicodeDecodeError, AttributeError):
                continue
            if slug in slugs:
                shutil.rmtree(old)
    folders = []
    for data in lessons:
        folder = directory / folder_name(data)
        write_lesson(data, folder)
        folders.append(folder)
    return folders


class _Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)  # lists indented under their key, as kubectl writes them


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_flow(dumper: yaml.SafeDumper, mapping: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", mapping.items(), flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(dict, lambda d, m: d.represent_mapping("tag:yaml.org,2002:map", m.items(),
                                                               flow_style=False))


def _flow_if_short(mapping: dict[str, Any]) -> dict[str, Any]:
    """The mapping marked for one line when it is made of scalars and short maps and fits in FLOW_WIDTH."""
    def flat(value: Any) -> bool:
        if isinstance(value, dict):
            return all(not isinstance(v, dict | list) for v in value.values())
        if isinstance(value, list):
            return all(not isinstance(v, dict | list) for v in value)
        return not (isinstance(value, str) and "\n" in value)

    if not mapping or not all(flat(v) for v in mapping.values()):
        return mapping
    line = yaml.safe_dump(mapping, default_flow_style=True, width=10_000, allow_unicode=True, sort_keys=False)
    return _Flow(mapping) if len(line.strip()) <= FLOW_WIDTH else mapping


def dump_lesson_yaml(out: dict[str, Any]) -> str:
    """`lesson.yaml`'s text: block style, short parameter maps and actions on one line, steps apart."""
    shaped = dict(out)
    steps = []
    for step in out.get("steps", []):
        step = dict(step)
        if "actions" in step:
            step["actions"] = [_flow_if_short(a) for a in step["actions"]]
        if "solution" in step:
            step["solution"] = [{"traffic": _flow_if_short(m["traffic"])} if "traffic" in m else m
                                for m in step["solution"]]
        if "checks" in step:
            step["checks"] = [{**c, "params": _flow_if_short(c["params"])} if "params" in c else c
                              for c in step["checks"]]
        steps.append(step)
    shaped["steps"] = steps
    text = yaml.dump(shaped, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=FLOW_WIDTH + 10)
    return text.replace("\n  - title: ", "\n\n  - title: ").replace("steps:\n\n  - title: ", "steps:\n  - title: ")


# ---- the database --------------------------------------------------------------------------------------------


@transaction.atomic
def save_lesson(data: dict[str, Any], lesson: Lesson | None = None, *, builtin: bool = False,
                published: bool | None = None) -> Lesson:
    """Write one lesson's data into the database in place: the row, its steps by position, their checks by id.

    Rows keep their ids, so admin links stay valid; learners' progress points at the lesson and at check ids,
    so it survives.
    """
    data = canonical(data)
    lesson = lesson or Lesson.objects.filter(slug=data["slug"]).first() or Lesson(slug=data["slug"])
    for key in ("title", "summary", "order", "settings", "setup", "setup_commands", "setup_age"):
        setattr(lesson, key, data.get(key, Lesson._meta.get_field(key).get_default()))
    lesson.published = data["published"] if published is None else published
    lesson.builtin = builtin
    lesson.source_digest = digest(data)
    lesson.save()
    existing = {step.order: step for step in lesson.steps.all()}
    for number, step_data in enumerate(data["steps"], start=1):
        step = existing.pop(number, None) or Step(lesson=lesson, order=number)
        for key in ("title", "body", "starter", "actions", "hints", "solution"):
            setattr(step, key, step_data.get(key, Step._meta.get_field(key).get_default()))
        step.save()
        wanted = step_data.get("checks", [])
        step.checks.exclude(check_id__in=[c["id"] for c in wanted]).delete()
        checks = {check.check_id: check for check in step.checks.all()}
        for order, check_data in enumerate(wanted, start=1):
            check = checks.get(check_data["id"]) or Check(step=step, check_id=check_data["id"])
            check.order, check.title, check.kind = order, check_data["title"], check_data["kind"]
            check.params, check.hint = check_data.get("params", {}), check_data.get("hint", "")
            check.save()
    for step in existing.values():
        step.delete()
    return lesson


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # built-in lessons an instructor has edited in the admin
    drafted: dict[str, str] = field(default_factory=dict)  # slug → why its self-test failed


def import_pack(directory: Path | None = None) -> ImportReport:
    """Create or update lessons from a pack, by slug, in place; nothing is written if any lesson is malformed.

    Without a directory: the built-in pack, whose lessons instructors have edited in the admin are kept. A
    lesson marked published whose self-test fails is imported as a draft.
    """
    from tutorial.selftest import self_test

    builtin = directory is None
    lessons = read_pack(PACK_DIR if directory is None else directory)
    report = ImportReport()
    for data in lessons:
        slug = data["slug"]
        existing = Lesson.objects.filter(slug=slug).first()
        if builtin and existing is not None and not existing.builtin:
            report.kept.append(slug)
            continue
        wants_published = canonical(data)["published"]
        same = existing is not None and existing.builtin == builtin and \
            digest({**data, "published": existing.published}) == digest(lesson_data(existing))
        if same and existing is not None and existing.published == wants_published:
            report.unchanged.append(slug)
            continue
        published = None
        if wants_published:
            result = self_test(data)
            if not result.ok:
                report.drafted[slug] = "; ".join(result.problems())
                if same:  # already here as a draft, and it still cannot be published
                    continue
                published = False
        save_lesson(data, existing, builtin=builtin, published=published)
        (report.updated if existing else report.created).append(slug)
    return report

