"""JSON streams (text starting with `{`), decoded as encoding/json's Decoder does, with its error texts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import yaml

from cluster.sim.manifests.document import Budget, Lines, ManifestError
from cluster.sim.manifests.goyaml import Converter, ConvertError, Loader, json_value


def json_stream(text: str, source: str, budget: Budget) -> Iterator[tuple[Any, Lines]]:
    decoder = json.JSONDecoder(parse_constant=_refuse_constant, parse_int=_parse_int)
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if position == len(text):
            return
        line = text.count("\n", 0, position) + 1
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as err:
            raise ManifestError(f"error parsing {source}: {_go_json_error(text, err.msg, err.pos)}",
                                text.count("\n", 0, err.pos) + 1) from None
        except _NotJson as err:
            index = text.index(err.constant, position)
            raise ManifestError(f"error parsing {source}: json: offset {_go_offset(text, index)}: invalid "
                                f"character {_go_char(text[index])} looking for beginning of value", line) from None
        except RecursionError:
            raise budget.too_deep(line) from None
        if _depth(value) > budget.limits.max_depth:
            raise budget.too_deep(line)
        yield _normalize(value, line), _json_lines(text[position:end], line, budget)
        position = end


class _NotJson(ValueError):
    def __init__(self, constant: str) -> None:
        super().__init__(constant)
        self.constant = constant


def _parse_int(literal: str) -> int | float:
    # Go decodes JSON numbers as float64; a literal of hundreds of digits is out of its range (and of int()'s)
    return int(literal) if len(literal) <= 300 else float("inf")


def _refuse_constant(constant: str) -> Any:
    # Python accepts NaN and Infinity in JSON; Go does not.
    raise _NotJson(constant)


def _go_json_error(text: str, msg: str, pos: int) -> str:
    """encoding/json's SyntaxError text for the failure Python's decoder reports at `pos`."""
    if pos >= len(text) or msg.startswith("Unterminated string"):
        return "unexpected EOF"
    char = text[pos]
    if msg.startswith("Expecting value"):
        for literal in ("true", "false", "null"):
            if char == literal[0]:
                for offset, expected in enumerate(literal):
                    if pos + offset >= len(text):
                        return "unexpected EOF"
                    if text[pos + offset] != expected:
                        return _go_syntax_error(text, pos + offset, f"in literal {literal} (expecting "
                                                                    f"{_go_char(expected)})")
        if char == "-" and pos + 1 < len(text):
            return _go_syntax_error(text, pos + 1, "in numeric literal")
        context = "looking for beginning of value"
    elif msg.startswith("Expecting property name"):
        context = "looking for beginning of object key string"
    elif msg.startswith("Expecting ':'"):
        context = "after object key"
    elif msg.startswith("Expecting ','"):
        context = "after object key:value pair" if _innermost_bracket(text, pos) == "{" else "after array element"
    elif msg.startswith("Invalid control character"):
        context = "in string literal"
    elif msg.startswith("Invalid \\u"):
        return _go_syntax_error(text, pos + 2, "in \\u hexadecimal character escape")
    elif msg.startswith("Invalid \\escape"):
        return _go_syntax_error(text, pos + 1, "in string escape code")
    else:
        return f"json: offset {_go_offset(text, pos)}: {msg}"
    return _go_syntax_error(text, pos, context)


def _go_syntax_error(text: str, index: int, context: str) -> str:
    if index >= len(text):
        return "unexpected EOF"
    return f"json: offset {_go_offset(text, index)}: invalid character {_go_char(text[index])} {context}"


def _go_offset(text: str, index: int) -> int:
    # SyntaxError.Offset counts the bytes read, the offending one included.
    return len(text[:index].encode("utf-8")) + 1


def _go_char(char: str) -> str:
    """encoding/json's quoteChar."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    return "'" + json.dumps(char, ensure_ascii=False)[1:-1] + "'"


def _innermost_bracket(text: str, end: int) -> str:
    stack: list[str] = []
    in_string = escaped = False
    for char in text[:end]:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append(char)
        elif char in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def _depth(value: Any) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            pending.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _normalize(value: Any, line: int) -> Any:
    if isinstance(value, dict):
        return {well_formed(key): _normalize(child, line) for key, child in value.items()}
    if isinstance(value, list):
        return [_normalize(child, line) for child in value]
    if isinstance(value, str):
        return well_formed(value)
    try:
        return json_value(value, None)
    except ConvertError as err:
        raise ManifestError(err.text, line) from None


def _json_lines(text: str, first_line: int, budget: Budget) -> Lines:
    """Field lines of a JSON document, read through the YAML composer (JSON is flow YAML); best effort."""
    try:
        loader = Loader(text.replace("\t", " "), Budget(budget.limits))
    except yaml.YAMLError:  # characters the YAML reader refuses (JSON allows them)
        return Lines(first_line)
    try:
        node = loader.get_single_node()
        return Converter(Budget(budget.limits), first_line - 1).convert(node, 0)[1]
    except (yaml.YAMLError, ConvertError, ManifestError):
        return Lines(first_line)
    finally:
        loader.dispose()


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(text: str) -> str:
    """Text with every lone surrogate (a JSON `\\ud800` escape, a broken browser string) as U+FFFD, which is what
    Go's encoding/json decodes it to and what a UTF-8 encoder writes; other text is returned as it is."""
    if _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def well_formed_value(value: Any) -> Any:
    """A decoded JSON value with well_formed() strings, keys included."""
    if isinstance(value, str):
        return well_formed(value)
    if isinstance(value, dict):
        return {well_formed(k): well_formed_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [well_formed_value(v) for v in value]
    return value
