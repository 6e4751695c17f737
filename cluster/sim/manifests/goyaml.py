"""YAML as kubectl reads it: documents split as YAMLReader splits them, scanned and composed like gopkg.in/yaml.v2
(YAML 1.1), and converted to JSON values as sigs.k8s.io/yaml does, with goyaml's error texts and lines."""

from __future__ import annotations

import base64
import json
import math
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.error import Mark, MarkedYAMLError
from yaml.scanner import ScannerError

from cluster.sim.manifests.document import Budget, Lines, ManifestError

_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class _Chunk:
    text: str
    first_line: int  # 0-based line of the chunk's first line in the whole text


def _chunks(text: str, source: str) -> Iterator[_Chunk]:
    """Split a stream into documents exactly like apimachinery's YAMLReader.Read."""
    lines = text.split("\n")
    buffer: list[str] = []
    start = 0
    for number, line in enumerate(lines):
        if number < len(lines) - 1:
            line += "\n"
        elif line == "":
            break
        if line.startswith("---"):
            trimmed = line[3:].strip()
            if trimmed and not trimmed.startswith("#"):
                raise ManifestError(f"error parsing {source}: invalid Yaml document separator: {trimmed}",
                                    number + 1)
            if buffer:
                yield _Chunk("".join(buffer), start)
                buffer = []
                continue
            # A separator with nothing before it stays in the document (hence goyaml's line numbers).
        if not buffer:
            start = number
        buffer.append(line)
    if buffer:
        yield _Chunk("".join(buffer), start)


class _Alias:
    """An alias left in the composed tree so expansions can be counted instead of shared."""

    def __init__(self, target: yaml.Node, anchor: str, mark: Mark) -> None:
        self.target, self.anchor, self.start_mark = target, anchor, mark


class ConvertError(Exception):
    """sigs.k8s.io/yaml's failure: the text after `error converting YAML to JSON: `."""

    def __init__(self, text: str, mark: Mark | None = None) -> None:
        super().__init__(text)
        self.text, self.mark = text, mark


_UNTAGGED = "?"


_BREAKS = "\r\n\x85\u2028\u2029"


class Loader(yaml.SafeLoader):
    """PyYAML's pure-Python scanner/parser/composer, corrected to goyaml.v2's (libyaml's) rules."""

    allow_simple_key: bool
    flow_level: int

    def __init__(self, stream: str, budget: Budget) -> None:
        super().__init__(stream)
        self.budget = budget
        self.depth = 0

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # Tags are resolved later the way goyaml.v2 does; PyYAML's YAML 1.1 table differs in details.
        return _UNTAGGED

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            if event.anchor not in self.anchors:
                raise ConvertError(f"yaml: unknown anchor '{event.anchor}' referenced")
            self.budget.aliases += 1
            if self.budget.aliases > self.budget.limits.max_aliases:
                self.budget.spend_alias(event.start_mark.line + 1)
            return _Alias(self.anchors[event.anchor], event.anchor, event.start_mark)
        # goyaml lets a later anchor of the same name replace an earlier one, so no duplicate check here.
        event = self.peek_event()
        anchor = event.anchor
        if self.check_event(yaml.ScalarEvent):
            return self.compose_scalar_node(anchor)
        self.depth += 1
        if self.depth > self.budget.limits.max_depth:
            raise self.budget.too_deep(event.start_mark.line + 1)
        node: yaml.Node
        if self.check_event(yaml.SequenceStartEvent):
            node = self.compose_sequence_node(anchor)
        else:
            node = self.compose_mapping_node(anchor)
        self.depth -= 1
        return node

    def scan_to_next_token(self) -> None:
        # libyaml skips tabs in flow context and where no simple key may start (e.g. after `key:`);
        # PyYAML never skips them.
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        found = False
        while not found:
            while self.peek() == " " or (self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0" + _BREAKS:
                    self.forward()
            if self.scan_line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                found = True

    def scan_plain_spaces(self, indent: int, start_mark: Mark) -> list[str] | None:
        # mirrors yaml_parser_scan_plain_scalar's blank handling: tabs are blanks, but a tab in the
        # indentation of a continuation line "violates indentation".
        chunks: list[str] = []
        length = 0
        while self.peek(length) in " \t":
            length += 1
        whitespaces = self.prefix(length)
        self.forward(length)
        ch = self.peek()
        if ch in _BREAKS:
            line_break = self.scan_line_break()
            self.allow_simple_key = True
            if self._at_document_marker():
                return None
            breaks = []
            while self.peek() in " \t" + _BREAKS:
                if self.peek() == " ":
                    self.forward()
                elif self.peek() == "\t":
                    if self.column < indent:
                        raise ScannerError("while scanning a plain scalar", start_mark,
                                           "found a tab character that violates indentation", self.get_mark())
                    self.forward()
                else:
                    breaks.append(self.scan_line_break())
                    if self._at_document_marker():
                        return None
            if line_break != "\n":
                chunks.append(line_break)
            elif not breaks:
                chunks.append(" ")
            chunks.extend(breaks)
        elif whitespaces:
            chunks.append(whitespaces)
        return chunks

    def _at_document_marker(self) -> bool:
        prefix = self.prefix(3)
        return prefix in ("---", "...") and self.peek(3) in "\0 \t" + _BREAKS

    def scan_block_scalar_indentation(self) -> tuple[list[str], int, Mark]:
        chunks = []
        max_indent = 0
        end_mark = self.get_mark()
        while self.peek() in " \t" + _BREAKS:
            if self.peek() == "\t":
                self._tab_in_block_scalar()
            if self.peek() != " ":
                chunks.append(self.scan_line_break())
                end_mark = self.get_mark()
            else:
                self.forward()
                max_indent = max(max_indent, self.column)
        return chunks, max_indent, end_mark

    def scan_block_scalar_breaks(self, indent: int) -> tuple[list[str], Mark]:
        chunks = []
        end_mark = self.get_mark()
        while self.column < indent and self.peek() in " \t":
            if self.peek() == "\t":
                self._tab_in_block_scalar()
            self.forward()
        while self.peek() in _BREAKS:
            chunks.append(self.scan_line_break())
            end_mark = self.get_mark()
            while self.column < indent and self.peek() in " \t":
                if self.peek() == "\t":
                    self._tab_in_block_scalar()
                self.forward()
        return chunks, end_mark

    def _tab_in_block_scalar(self) -> None:
        raise ScannerError("while scanning a block scalar", None,
                           "found a tab character where an indentation space is expected", self.get_mark())


def yaml_stream(text: str, source: str, budget: Budget) -> Iterator[tuple[Any, Lines]]:
    for chunk in _chunks(text, source):
        node = _compose(chunk, source, budget)
        if node is None:
            continue
        try:
            value, lines = Converter(budget, chunk.first_line).convert(node, 0)
        except ConvertError as err:
            raise _conversion_failure(err, chunk, source) from None
        if value is not None:
            yield value, lines


def _compose(chunk: _Chunk, source: str, budget: Budget) -> Any:
    """The document's node tree (only the first document, as goyaml.Unmarshal reads), or None if empty."""
    try:
        loader = Loader(chunk.text, budget)  # the reader refuses control characters at once
    except yaml.reader.ReaderError:
        raise ManifestError(f"error parsing {source}: error converting YAML to JSON: yaml: control characters "
                            "are not allowed", chunk.first_line + 1) from None
    try:
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # DocumentStart
        node = loader.compose_node(None, None)
        loader.get_event()  # DocumentEnd
        return node
    except MarkedYAMLError as err:
        raise _syntax_failure(err, chunk, source) from None
    except yaml.reader.ReaderError:
        raise ManifestError(f"error parsing {source}: error converting YAML to JSON: yaml: control characters "
                            "are not allowed", chunk.first_line + 1) from None
    except ConvertError as err:
        raise _conversion_failure(err, chunk, source) from None
    except ValueError:  # PyYAML's scanner takes any \U escape to chr(), which refuses what Unicode lacks
        raise ManifestError(f"error parsing {source}: error converting YAML to JSON: yaml: line {loader.line + 1}: "
                            "found invalid Unicode character escape code", chunk.first_line + loader.line + 1) \
            from None
    finally:
        loader.dispose()


# PyYAML's problem texts -> goyaml.v2's (both descend from libyaml; goyaml keeps libyaml's wording).
_SCANNER_PROBLEMS = (
    ("found character", "found character that cannot start any token"),
    ("mapping values are not allowed", "mapping values are not allowed in this context"),
    ("sequence entries are not allowed", "block sequence entries are not allowed in this context"),
    ("found unknown escape character", "found unknown escape character"),
    ("expected escape sequence", "did not find expected hexdecimal number"),
    ("expected alphabetic or numeric character", "did not find expected alphabetic or numeric character"),
    ("found unexpected document separator", "found unexpected document indicator"),
    ("expected a comment or a line break", "did not find expected comment or line break"),
    ("expected indentation indicator in the range 1-9, but found 0", "found an indentation indicator equal to 0"),
    ("expected ' ', but found", "did not find expected whitespace or line break"),
    ("expected URI", "did not find expected tag URI"),
    ("expected '!'", "did not find expected '!'"),
    ("found undefined tag handle", "found undefined tag handle"),
)


_PARSER_PROBLEMS = (
    ("expected <block end>", "while parsing a block mapping", "did not find expected key"),
    ("expected <block end>", "", "did not find expected '-' indicator"),
    ("expected ',' or ']'", "", "did not find expected ',' or ']'"),
    ("expected ',' or '}'", "", "did not find expected ',' or '}'"),
    ("expected the node content", "", "did not find expected node content"),
    ("expected '<document start>'", "", "did not find expected <document start>"),
    ("found undefined tag handle", "", "found undefined tag handle"),
)


def _goyaml_problem(err: MarkedYAMLError) -> str:
    problem = err.problem or ""
    if isinstance(err, ScannerError):
        for start, text in _SCANNER_PROBLEMS:
            if problem.startswith(start):
                return text
        return problem
    for start, context, text in _PARSER_PROBLEMS:
        if problem.startswith(start) and (err.context or "").startswith(context):
            return text
    return problem


def _syntax_failure(err: MarkedYAMLError, chunk: _Chunk, source: str) -> ManifestError:
    # mirrors goyaml.v2 parser.fail(): scanner errors report problem_mark.line+1, parser errors the 0-based
    # problem_mark.line (one less than the real line); line 0 falls back to the context mark, else no line.
    problem, context = err.problem_mark, err.context_mark
    where = ""
    if problem is not None and problem.line != 0:
        where = f"line {problem.line + 1 if isinstance(err, ScannerError) else problem.line}: "
    elif context is not None and context.line != 0:
        where = f"line {context.line}: "
    mark = problem or context
    real = chunk.first_line + mark.line + 1 if mark is not None else None
    return ManifestError(f"error parsing {source}: error converting YAML to JSON: yaml: {where}"
                         f"{_goyaml_problem(err)}", real, column=mark.column + 1 if mark is not None else None)


def _conversion_failure(err: ConvertError, chunk: _Chunk, source: str) -> ManifestError:
    real = chunk.first_line + err.mark.line + 1 if err.mark is not None else None
    column = err.mark.column + 1 if err.mark is not None else None
    return ManifestError(f"error parsing {source}: error converting YAML to JSON: {err.text}", real, column=column)


class _Uint64(int):
    """An integer goyaml.v2 only fits into uint64 (it matters for map keys)."""


_STR, _BINARY = "tag:yaml.org,2002:str", "tag:yaml.org,2002:binary"


_RESOLVABLE = {_UNTAGGED, "!", _STR, "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
               "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}


_MERGE = "tag:yaml.org,2002:merge"


_RESOLVE_MAP: dict[str, Any] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}


_GO_INT = re.compile(r"([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")


_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")


_GO_FLOAT_AFTER_DOT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?\Z")


def _resolve_plain(value: str) -> Any:
    """A plain scalar's value. mirrors goyaml.v2 resolve() (YAML 1.1 booleans, no base-60, timestamps stay strings)."""
    if value in _RESOLVE_MAP:
        return _RESOLVE_MAP[value]
    hint = value[0]
    if hint == ".":
        if _GO_FLOAT_AFTER_DOT.match(value):
            return float(value)
    elif hint in "+-0123456789":
        plain = value.replace("_", "")
        number = _go_parse_int(plain)
        if number is not None:
            return number
        if _YAML_STYLE_FLOAT.match(plain):
            parsed = float(plain)
            if not math.isinf(parsed):  # Go's ParseFloat refuses out-of-range values
                return parsed
    return value


def _go_parse_int(plain: str) -> int | None:
    """strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64) as goyaml.v2 tries them."""
    match = _GO_INT.match(plain)
    if match is None:
        return None
    sign, digits = match.groups()
    if len(digits.lstrip("0")) > 66:  # more digits than any uint64 has in any base (and Python's str limit)
        return None
    prefix = digits[:2].lower()
    if prefix in ("0x", "0o", "0b"):
        number = int(digits[2:], {"0x": 16, "0o": 8, "0b": 2}[prefix])
    elif digits.startswith("0"):
        number = int(digits, 8)
    else:
        number = int(digits)
    if sign == "-":
        number = -number
    if _INT64_MIN <= number <= _INT64_MAX:
        return number
    if not sign and number <= _UINT64_MAX:
        return _Uint64(number)
    return None


class Converter:
    """Turns one composed document into JSON-compatible values plus the line of every field."""

    def __init__(self, budget: Budget, first_line: int) -> None:
        self.budget = budget
        self.first_line = first_line
        self.expanding: list[str] = []

    def line(self, node: Any) -> int:
        return int(self.first_line + node.start_mark.line + 1)

    def at(self, node: Any, children: dict[str | int, Lines] | None = None) -> Lines:
        """Lines for a node: where it starts, 1-based."""
        return Lines(self.line(node), children if children is not None else {}, int(node.start_mark.column + 1))

    def convert(self, node: Any, depth: int) -> tuple[Any, Lines]:
        if isinstance(node, _Alias):
            self.budget.spend_alias(self.line(node))
            if node.anchor in self.expanding:
                raise ConvertError(f"yaml: anchor '{node.anchor}' value contains itself")
            self.expanding.append(node.anchor)
            value, lines = self.convert(node.target, depth)
            self.expanding.pop()
            return value, self.at(node, lines.children)
        if isinstance(node, yaml.ScalarNode):
            return json_value(self.scalar(node), node.start_mark), self.at(node)
        if depth >= self.budget.limits.max_depth:
            raise self.budget.too_deep(self.line(node))
        if isinstance(node, yaml.SequenceNode):
            items, lines = [], self.at(node)
            for index, child in enumerate(node.value):
                value, child_lines = self.convert(child, depth + 1)
                items.append(value)
                lines.children[index] = child_lines
            return items, lines
        mapping: dict[str, Any] = {}
        lines = self.at(node)
        self.fill_mapping(node, depth, mapping, lines)
        return mapping, lines

    def fill_mapping(self, node: Any, depth: int, mapping: dict[str, Any], lines: Lines) -> None:
        # Later keys win, merges included (goyaml.v2 decodes pairs in order into one map).
        for key_node, value_node in node.value:
            if self.is_merge(key_node):
                self.merge(value_node, depth, mapping, lines)
                continue
            key = self.key(key_node, value_node)
            value, child_lines = self.convert(value_node, depth + 1)
            mapping[key] = value
            child_lines.line = self.line(key_node)
            child_lines.column = int(key_node.start_mark.column + 1)
            lines.children[key] = child_lines

    @staticmethod
    def is_merge(node: Any) -> bool:
        return (isinstance(node, yaml.ScalarNode) and node.value == "<<"
                and ((node.tag == _UNTAGGED and node.style is None) or node.tag == _MERGE))

    def merge(self, node: Any, depth: int, mapping: dict[str, Any], lines: Lines) -> None:
        target = self.deref(node)
        if isinstance(target, yaml.MappingNode):
            self.fill_mapping(target, depth, mapping, lines)
            return
        if isinstance(target, yaml.SequenceNode):
            for item in reversed(target.value):
                item_target = self.deref(item)
                if not isinstance(item_target, yaml.MappingNode):
                    raise ConvertError("yaml: map merge requires map or sequence of maps as the value")
                self.fill_mapping(item_target, depth, mapping, lines)
            return
        raise ConvertError("yaml: map merge requires map or sequence of maps as the value")

    def deref(self, node: Any) -> Any:
        while isinstance(node, _Alias):
            self.budget.spend_alias(self.line(node))
            node = node.target
        return node

    def key(self, key_node: Any, value_node: Any) -> str:
        # mirrors sigs.k8s.io/yaml convertToJSONableObject's key handling
        target = self.deref(key_node)
        if not isinstance(target, yaml.ScalarNode):
            raise ConvertError(f"yaml: invalid map key: {_go_syntax(self.raw(target))}")
        key = self.scalar(target)
        if isinstance(key, str):
            return key
        if isinstance(key, bool):
            return "true" if key else "false"
        if isinstance(key, _Uint64):
            type_name, shown = "uint64", hex(key)
        elif isinstance(key, int):
            return str(key)
        elif isinstance(key, float):
            return _go_float_key(key)
        else:
            type_name, shown = "%!s(<nil>)", "<nil>"
        raise ConvertError(f"unsupported map key of type: {type_name}, key: {shown}, "
                            f"value: {_go_syntax(self.raw(value_node))}", key_node.start_mark)

    def scalar(self, node: Any) -> Any:
        # mirrors goyaml.v2 decoder.scalar + resolve(): quoted and block scalars are strings,
        # unknown tags keep the text, !!binary is decoded.
        tag, value = node.tag, node.value
        if node.style == '"' and _LONE_SURROGATE.search(value):
            # an escaped surrogate (`"\ud800"`): libyaml's scanner refuses the code point
            raise ConvertError(f"yaml: line {node.start_mark.line + 1}: found invalid Unicode character escape code",
                               node.start_mark)
        if tag in (_UNTAGGED, "!"):
            return _resolve_plain(value) if node.style is None else value
        if tag == _BINARY:
            try:
                data = base64.b64decode("".join(value.split()), validate=True)
            except ValueError:
                raise ConvertError("yaml: !!binary value contains invalid base64 data", node.start_mark) from None
            return data.decode("utf-8", errors="replace")
        if tag not in _RESOLVABLE or tag == _STR:
            return value
        resolved = _resolve_plain(value) if value else value
        wanted = tag.rsplit(":", 1)[1]
        if wanted == "timestamp" or (wanted == "float" and isinstance(resolved, int)
                                     and not isinstance(resolved, bool)):
            return float(resolved) if wanted == "float" else value
        if _short_tag(resolved) != wanted:
            raise ConvertError(f"yaml: cannot decode !!{_short_tag(resolved)} `{value}` as a !!{wanted}",
                                node.start_mark)
        return resolved

    def raw(self, node: Any) -> Any:
        """goyaml.v2's own value for a node, for error messages that print it with %#v."""
        node = self.deref(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.raw(item) for item in node.value]
        return {_RawKey(self.raw(k)): self.raw(v) for k, v in node.value}


def _short_tag(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def json_value(value: Any, mark: Mark | None) -> Any:
    """A scalar as it comes back from JSON: ints beyond int64 and floats keep JSON's number rules."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            shown = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
            raise ConvertError(f"json: unsupported value: {shown}", mark)
        # encoding/json writes 1000.0 as 1000, which decodes back as an integer.
        if value.is_integer() and _INT64_MIN <= value <= _INT64_MAX:
            return int(value)
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value) if _INT64_MIN <= value <= _INT64_MAX else float(value)
    return value


@dataclass(frozen=True)
class _RawKey:
    """A goyaml map key that keeps 1, True and 1.0 apart, as Go's interface{} keys do."""

    value: Any

    def __hash__(self) -> int:
        return hash((type(self.value).__name__, repr(self.value)))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, _RawKey) and type(other.value) is type(self.value)
                and repr(other.value) == repr(self.value))


def _go_syntax(value: Any) -> str:
    """fmt's %+#v of a goyaml.v2 value (map[interface {}]interface {}, []interface {}, ...)."""
    if isinstance(value, _RawKey):
        return _go_syntax(value.value)
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Uint64):
        return hex(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_format_g(value, 64)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_syntax(v) for v in value) + "}"
    # fmt prints maps with their keys sorted.
    pairs = sorted(((_go_syntax(k), _go_syntax(v)) for k, v in value.items()))
    return "map[interface {}]interface {}{" + ", ".join(f"{k}:{v}" for k, v in pairs) + "}"


def _go_float_key(value: float) -> str:
    """strconv.FormatFloat(key, 'g', -1, 32) with goyaml's names for infinities and NaN."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    return _go_format_g(value, 32)


def _go_format_g(value: float, bits: int) -> str:
    """Go's shortest 'g' formatting of a float64 or float32."""
    if bits == 32:
        try:
            value = struct.unpack("f", struct.pack("f", value))[0]
        except OverflowError:
            return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    for precision in range(1, 18):
        text = f"{value:.{precision - 1}e}"
        again = float(text)
        if bits == 32:
            again = struct.unpack("f", struct.pack("f", again))[0]
        if again == value:
            break
    mantissa, exponent_text = text.split("e")
    sign = "-" if mantissa.startswith("-") else ""
    digits = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    exponent = int(exponent_text)
    if exponent < -4 or exponent >= 6:  # shortest formatting decides with precision 6
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent >= 0:
        whole, fraction = digits[: exponent + 1].ljust(exponent + 1, "0"), digits[exponent + 1:]
    else:
        whole, fraction = "0", "0" * (-exponent - 1) + digits
    return sign + whole + ("." + fraction if fraction else "")


def go_quote(text: str) -> str:
    """Go's %q for ordinary strings."""
    return str(json.dumps(text, ensure_ascii=False))
