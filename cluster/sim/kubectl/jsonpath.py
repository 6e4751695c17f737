"""kubectl's JSONPath templates (client-go util/jsonpath): parse, evaluate, print as `-o jsonpath` does."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any


class JSONPathError(Exception):
    """A template kubectl refuses; str() is the text kubectl prints after `error: `."""


class _ParseError(Exception):
    pass


class _ExecError(Exception):
    pass


@dataclass
class _Text:
    text: str


@dataclass
class _Field:
    name: str  # "*" is the wildcard


@dataclass
class _Index:
    start: int | None
    end: int | None
    step: int | None
    single: bool  # [3] rather than a slice


@dataclass
class _Union:
    branches: list[list[Any]]


@dataclass
class _Filter:
    left: list[Any]
    op: str
    right: list[Any] | None
    literal: Any = None


@dataclass
class _Recursive:
    pass


@dataclass
class _Literal:
    value: Any


@dataclass
class _Range:
    path: list[Any]
    body: list[Any] = field(default_factory=list)


# A parsed template is a list of _Text and actions (each action a list of path steps) and _Range blocks.

_TERMINATORS = " \t\n.[]{}()$@\"'=<>!,"


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> list[Any]:
        root: list[Any] = []
        stack: list[list[Any]] = [root]
        while self.pos < len(self.text):
            brace = self.text.find("{", self.pos)
            if brace < 0:
                stack[-1].append(_Text(self.text[self.pos:]))
                break
            if brace > self.pos:
                stack[-1].append(_Text(self.text[self.pos:brace]))
            self.pos = brace + 1
            action = self._action()
            if isinstance(action, _Range):
                stack[-1].append(action)
                stack.append(action.body)
            elif action == "end":
                if len(stack) == 1:
                    raise _ParseError("not in range, nothing to end")
                stack.pop()
            else:
                stack[-1].append(action)
        return root

    def _peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def _action(self) -> Any:
        steps: list[Any] = []
        is_range = False
        while True:
            if self.pos >= len(self.text) or self._peek() == "\n":
                raise _ParseError("unclosed action")
            ch = self._peek()
            if ch == "}":
                self.pos += 1
                break
            if self.text.startswith("[?(", self.pos):
                steps.append(self._filter())
            elif self.text.startswith("..", self.pos):
                self.pos += 1
                steps.append(_Recursive())
            elif ch in " $@":
                self.pos += 1
            elif ch == "[":
                steps.append(self._array())
            elif ch in "\"'":
                steps.append(_Text(self._quoted()))
            elif ch == ".":
                self.pos += 1
                steps.append(_Field(self._word()))
            elif ch in "+-" or ch.isdigit():
                steps.append(_Literal(self._number()))
            elif ch.isalnum() or ch == "_":
                word = self._word()
                if word == "range":
                    is_range = True
                elif word == "end":
                    steps.append("end")
                elif word in ("true", "false"):
                    steps.append(_Literal(word == "true"))
                else:
                    raise _ParseError(f"unrecognized identifier {word}")
            else:
                raise _ParseError(f"unrecognized character in action: U+{ord(ch):04X} {ch!r}")
        if is_range:
            return _Range([s for s in steps if s != "end"])
        if steps == ["end"]:
            return "end"
        if len(steps) == 1 and isinstance(steps[0], _Text):
            return steps[0]
        return steps

    def _word(self) -> str:
        start = self.pos
        out = []
        while self.pos < len(self.text) and self.text[self.pos] not in _TERMINATORS:
            if self.text[self.pos] == "\\" and self.pos + 1 < len(self.text):
                self.pos += 1
            out.append(self.text[self.pos])
            self.pos += 1
        if not out and self.pos == start:
            return ""
        return "".join(out)

    def _number(self) -> float | int:
        match = re.match(r"[+-]?\d+(\.\d+)?", self.text[self.pos:])
        if not match:
            raise _ParseError("cannot parse number")
        self.pos += match.end()
        return float(match.group()) if "." in match.group() else int(match.group())

    def _quoted(self) -> str:
        quote = self.text[self.pos]
        end = self.pos + 1
        while end < len(self.text) and self.text[end] != quote:
            end += 2 if self.text[end] == "\\" else 1
        if end >= len(self.text):
            raise _ParseError("unterminated quoted string")
        raw = self.text[self.pos + 1:end]
        self.pos = end + 1
        try:
            return str(json.loads('"' + raw.replace('"', '\\"').replace("\\'", "'") + '"'))
        except ValueError as exc:
            raise _ParseError(f"invalid syntax: {raw}") from exc

    def _array(self) -> Any:
        end = self.text.find("]", self.pos)
        if end < 0:
            raise _ParseError("unterminated array")
        inner = self.text[self.pos + 1:end].strip()
        self.pos = end + 1
        if inner.startswith(("'", '"')):
            names = [part.strip()[1:-1] for part in inner.split(",")]
            if len(names) == 1:
                return _Field(names[0])
            return _Union([[_Field(n)] for n in names])
        if "," in inner:
            return _Union([[_index(part.strip())] for part in inner.split(",")])
        return _index(inner)

    def _filter(self) -> _Filter:
        end = self.text.find(")]", self.pos)
        if end < 0:
            raise _ParseError("unterminated filter")
        inner = self.text[self.pos + 3:end]
        self.pos = end + 2
        match = re.match(r"\s*(.*?)\s*(==|!=|<=|>=|<|>|=~)\s*(.*?)\s*$", inner)
        if not match:
            return _Filter(_Parser("{" + inner + "}").parse()[0], "exists", None)
        left = _Parser("{" + match.group(1) + "}").parse()[0]
        right_text = match.group(3)
        right = _Parser("{" + right_text + "}").parse()[0]
        return _Filter(left if isinstance(left, list) else [left], match.group(2),
                       right if isinstance(right, list) else [right])


def _index(text: str) -> _Index:
    if text == "*":
        return _Index(None, None, None, False)
    parts = text.split(":")
    if len(parts) > 3:
        raise _ParseError(f"invalid array index {text}")
    try:
        numbers = [int(p) if p.strip() else None for p in parts]
    except ValueError as exc:
        raise _ParseError(f"invalid array index {text}") from exc
    if len(numbers) == 1:
        return _Index(numbers[0], None, None, True)
    return _Index(numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else None, False)


def _walk(values: list[Any], steps: list[Any]) -> list[Any]:
    for step in steps:
        values = _step(values, step)
    return values


def _step(values: list[Any], step: Any) -> list[Any]:
    out: list[Any] = []
    if isinstance(step, _Text):
        return [step.text]
    if isinstance(step, _Literal):
        return [step.value]
    if isinstance(step, _Field):
        for value in values:
            if isinstance(value, dict):
                if step.name == "*":
                    out.extend(value[k] for k in sorted(value))
                elif step.name == "":
                    out.append(value)
                elif step.name in value and value[step.name] is not None:
                    out.append(value[step.name])
            elif isinstance(value, list) and step.name == "*":
                out.extend(value)
        return out
    if isinstance(step, _Index):
        for value in values:
            if isinstance(value, list):
                out.extend(_slice(value, step))
        return out
    if isinstance(step, _Union):
        for branch in step.branches:
            out.extend(_walk(values, branch))
        return out
    if isinstance(step, _Recursive):
        for value in values:
            out.extend(_descendants(value))
        return out
    if isinstance(step, _Filter):
        for value in values:
            items = value if isinstance(value, list) else [value]
            out.extend(item for item in items if _matches(item, step))
        return out
    raise _ExecError(f"unexpected node {step!r}")


def _slice(value: list[Any], index: _Index) -> list[Any]:
    # mirrors evalArray's bounds checks
    length = len(value)
    start = 0 if index.start is None else index.start
    if start < 0:
        start += length
    if index.single:
        end = start + 1
    else:
        end = length if index.end is None else index.end
        if end < 0:
            end += length
    if end != start:
        if start >= length or start < 0:
            raise _ExecError(f"array index out of bounds: index {start}, length {length}")
        if end > length or end < 0:
            raise _ExecError(f"array index out of bounds: index {end - 1}, length {length}")
        if start > end:
            raise _ExecError(f"starting index {start} is greater than ending index {end}")
    return value[start:end:index.step or 1]


def _descendants(value: Any) -> list[Any]:
    children = [value[k] for k in sorted(value)] if isinstance(value, dict) else (
        list(value) if isinstance(value, list) else [])
    if not children:
        return []
    out = [value]
    for child in children:
        out.extend(_descendants(child))
    return out


def _matches(item: Any, f: _Filter) -> bool:
    lefts = _walk([item], f.left)
    if f.op == "exists":
        return bool(lefts)
    rights = _walk([item], f.right or [])
    for left in lefts:
        for right in rights:
            if _compare(left, f.op, right):
                return True
    return False


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "=~":
        return bool(re.search(str(right), str(left)))
    if op in ("==", "!="):
        same = (left == right and type(left) is type(right)) or (
            isinstance(left, (int, float)) and isinstance(right, (int, float)) and left == right)
        return same if op == "==" else not same
    try:
        return bool({"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op])
    except TypeError as exc:
        raise _ExecError(f"failed to evaluate the filter: {exc}") from exc


def go_sprint(value: Any) -> str:
    """fmt.Sprint of a decoded JSON value: strings raw, maps `map[k:v]`, lists `[a b]`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_sprint(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _go_json(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _print_results(results: list[Any]) -> str:
    # mirrors PrintResults: maps and lists as compact JSON, scalars via fmt.Sprint, joined by spaces
    texts = [_go_json(r) if isinstance(r, (dict, list)) else go_sprint(r) for r in results]
    return " ".join(texts)


def _render(nodes: list[Any], data: Any) -> str:
    out = []
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Range):
            for item in _walk([data], node.path):
                out.append(_render(node.body, item))
        else:
            out.append(_print_results(_walk([data], node)))
    return "".join(out)


def go_syntax(value: Any) -> str:
    """fmt's %#v of a decoded JSON value, as kubectl's debugging message shows the object."""
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(k)}:{go_syntax(value[k])}" for k in sorted(value))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(go_syntax(v) for v in value) + "}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "interface {}(nil)"
    return go_sprint(value)


def execute(template: str, data: Any) -> str:
    """Run a kubectl JSONPath template over data and return what `-o jsonpath=...` prints."""
    try:
        nodes = _Parser(template).parse()
    except _ParseError as exc:
        raise JSONPathError(f"error parsing jsonpath {template}, {exc}") from exc
    try:
        return _render(nodes, data)
    except _ExecError as exc:
        detail = (f"Error executing template: {exc}. Printing more information for debugging the template:\n"
                  f"\ttemplate was:\n\t\t{template}\n"
                  f"\tobject given to jsonpath engine was:\n\t\t{go_syntax(data)}\n\n")
        raise JSONPathError(f"error executing jsonpath {json.dumps(template)}: {detail}") from exc


def relaxed(path: str) -> str:
    """RelaxedJSONPathExpression: `.a.b` or `a.b` becomes `{.a.b}`."""
    path = path.strip()
    if path.startswith("{") and path.endswith("}"):
        return path
    return "{" + (path if path.startswith(".") else "." + path) + "}"


def find(template: str, data: Any) -> list[Any]:
    """The values one `{...}` action selects (custom-columns uses this)."""
    nodes = _Parser(template).parse()
    values: list[Any] = []
    for node in nodes:
        if isinstance(node, list):
            values.extend(_walk([data], node))
    return values
