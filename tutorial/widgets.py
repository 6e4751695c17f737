"""Authoring widgets for the admin: a YAML editor, Markdown with a live preview, and rows for lists of things.

Each renders plain form controls that work without JavaScript; the admin bundle (static/src/admin.js)
turns them into CodeMirror editors, a preview beside the text and rows you add and remove in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse_lazy


class YamlEditor(forms.Textarea):
    """A manifest, edited in CodeMirror; the server checks it as the learner's Apply would (role: what it is for)."""

    def __init__(self, role: str, rows: int = 14) -> None:
        super().__init__(attrs={"rows": rows, "cols": 90, "class": "pd-yaml pd-mono", "data-role": role,
                                "data-validate-url": reverse_lazy("admin:tutorial_validate_manifest"),
                                "spellcheck": "false"})


class MarkdownEditor(forms.Textarea):
    """Markdown, with a preview beside it rendered by the server the way learners will see it."""

    def __init__(self, rows: int = 16) -> None:
        super().__init__(attrs={"rows": rows, "cols": 80, "class": "pd-markdown",
                                "data-preview-url": reverse_lazy("admin:tutorial_preview_markdown")})


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str = "text"  # text | number | textarea | yaml | select
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    shown_for: tuple[str, ...] = ()  # with a select column "move": only for these of its values


class Rows(list):  # type: ignore[type-arg]
    """Rows as typed into the form (strings), as opposed to a field's value."""


class RowsWidget(forms.Widget):
    """A list edited as rows of labelled inputs: `NAME-rows` counts them, `NAME-I-COLUMN` holds each cell."""

    template_name = "tutorial/widgets/rows.html"

    def __init__(self, columns: tuple[Column, ...], add_label: str, to_rows: Any, extra: int = 1) -> None:
        super().__init__()
        self.columns, self.add_label, self.to_rows, self.extra = columns, add_label, to_rows, extra

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Rows:
        try:
            count = min(int(data.get(f"{name}-rows", 0)), 500)
        except ValueError:
            count = 0
        rows = Rows()
        for i in range(count):
            if data.get(f"{name}-{i}-DELETE"):
                continue
            row = {c.name: str(data.get(f"{name}-{i}-{c.name}", "")) for c in self.columns}
            if any(value.strip() for key, value in row.items() if not self._is_selector(key)):
                rows.append(row)
        return rows

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-rows" not in data

    def _is_selector(self, name: str) -> bool:
        return any(c.name == name and c.kind == "select" for c in self.columns)

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = value if isinstance(value, Rows) else Rows(self.to_rows(value or []))
        blank = {c.name: (c.choices[0][0] if c.choices else "") for c in self.columns}
        shown = [*rows, *([blank] * (self.extra if not rows else 0))]  # "Add" makes more rows
        context["widget"].update({
            "rows": [self._cells(name, str(i), row) for i, row in enumerate(shown)],
            "count": len(shown),
            "template_row": self._cells(name, "__i__", blank),
            "add_label": self.add_label,
        })
        return context

    def _cells(self, name: str, index: str, row: dict[str, str]) -> dict[str, Any]:
        return {"index": index, "delete": f"{name}-{index}-DELETE", "cells": [
            {"column": c, "input": f"{name}-{index}-{c.name}", "id": f"id_{name}-{index}-{c.name}",
             "value": row.get(c.name, ""), "shown_for": " ".join(c.shown_for)} for c in self.columns]}


class RowsField(forms.Field):
    """A JSON list edited as rows; `from_rows` turns the typed rows into the list (raising ValidationError)."""

    def __init__(self, *, columns: tuple[Column, ...], add_label: str, to_rows: Any, from_rows: Any,
                 **kwargs: Any) -> None:
        self.from_rows = from_rows
        kwargs.setdefault("required", False)
        super().__init__(widget=RowsWidget(columns, add_label, to_rows), **kwargs)

    def to_python(self, value: Any) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, Rows):
            return list(self.from_rows(value))
        return list(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != list(initial or [])
        except forms.ValidationError:
            return True


# ---- the rows of a step ------------------------------------------------------------------------------------


ACTION_COLUMNS = (
    Column("label", "Button label", help="e.g. Show the pods"),
    Column("kind", "Does", "select", (("run", "run a kubectl line in the terminal"),
                                      ("load", "load a manifest into the editor"))),
    Column("payload", "Line or manifest", "textarea", help="kubectl get pods -o wide, or a manifest"),
)
HINT_COLUMNS = (Column("hint", "Hint", "textarea", help="shown one at a time, when the learner asks"),)
MOVES = (("apply", "apply a manifest"), ("run", "run a kubectl line"), ("wait", "wait"),
         ("traffic", "send requests"))
SOLUTION_COLUMNS = (
    Column("move", "Move", "select", MOVES),
    Column("apply", "Manifest", "yaml", shown_for=("apply",)),
    Column("run", "kubectl line", help="e.g. kubectl scale deployment web --replicas=3", shown_for=("run",)),
    Column("wait", "Seconds", "number", help="let the cluster's clock run on", shown_for=("wait",)),
    Column("from", "From", help='"outside", "node/NAME" or "pod/NAME"', shown_for=("traffic",)),
    Column("url", "URL", help="may use {service:NAME}, {nodeport:NAME}, {node} and {pod:k=v}",
           shown_for=("traffic",)),
    Column("count", "Requests", "number", help="default 1", shown_for=("traffic",)),
)


def actions_to_rows(actions: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{key: str(action.get(key, "")) for key in ("label", "kind", "payload")} for action in actions]


def actions_from_rows(rows: Rows) -> list[dict[str, str]]:
    return [{"label": row["label"].strip(), "kind": row["kind"], "payload": row["payload"].strip()}
            for row in rows]


def hints_to_rows(hints: list[str]) -> list[dict[str, str]]:
    return [{"hint": hint} for hint in hints]


def hints_from_rows(rows: Rows) -> list[str]:
    return [row["hint"].strip() for row in rows if row["hint"].strip()]


def solution_to_rows(moves: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for move in moves:
        (key, value), = move.items() if isinstance(move, dict) and len(move) == 1 else (("run", str(move)),)
        if key == "traffic" and isinstance(value, dict):
            rows.append({"move": "traffic", "from": str(value.get("from", "")), "url": str(value.get("url", "")),
                         "count": str(value.get("count", ""))})
        else:
            rows.append({"move": key, key: str(value)})
    return rows


def _number(text: str, what: str) -> int | float:
    try:
        number = float(text)
    except ValueError:
        raise forms.ValidationError(f"{what} must be a number, not {text!r}") from None
    return int(number) if number.is_integer() else number


def solution_from_rows(rows: Rows) -> list[dict[str, Any]]:
    moves: list[dict[str, Any]] = []
    for i, row in enumerate(rows, start=1):
        move = row["move"]
        if move == "apply":
            moves.append({"apply": row["apply"]})
        elif move == "run":
            moves.append({"run": row["run"].strip()})
        elif move == "wait":
            moves.append({"wait": _number(row["wait"].strip(), f"move {i}: the seconds to wait")})
        elif move == "traffic":
            traffic: dict[str, Any] = {"from": row["from"].strip(), "url": row["url"].strip()}
            if row["count"].strip():
                traffic["count"] = int(_number(row["count"].strip(), f"move {i}: the number of requests"))
            moves.append({"traffic": traffic})
        else:
            raise forms.ValidationError(f"move {i}: choose apply, run, wait or traffic")
    return moves


def actions_field(**kwargs: Any) -> RowsField:
    return RowsField(columns=ACTION_COLUMNS, add_label="Add a button", to_rows=actions_to_rows,
                     from_rows=actions_from_rows, **kwargs)


def hints_field(**kwargs: Any) -> RowsField:
    return RowsField(columns=HINT_COLUMNS, add_label="Add a hint", to_rows=hints_to_rows,
                     from_rows=hints_from_rows, **kwargs)


def solution_field(**kwargs: Any) -> RowsField:
    return RowsField(columns=SOLUTION_COLUMNS, add_label="Add a move", to_rows=solution_to_rows,
                     from_rows=solution_from_rows, **kwargs)
