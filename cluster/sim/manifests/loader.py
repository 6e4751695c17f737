"""Manifest loading as kubectl 1.32 reads it: YAML/JSON streams into Kubernetes-shaped documents.

kubectl reads `-f` input with apimachinery's YAMLOrJSONDecoder: a stream that starts with `{` is a JSON
stream; anything else is split into documents by YAMLReader and each document goes through
sigs.k8s.io/yaml over gopkg.in/yaml.v2 (YAML 1.1) into JSON. This module mirrors that pipeline with PyYAML's
pure-Python scanner and parser, adjusted where goyaml.v2 differs (tabs, scalar resolution, anchors, merge
keys, error texts and their line numbers), and keeps the line of every field for the editor.
"""

from __future__ import annotations

import base64
import copy
import json
import math
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.error import Mark, MarkedYAMLError
from yaml.scanner import ScannerError

from cluster.sim.apimachinery import kinds
from cluster.sim.apimachinery.kinds import Kind
from cluster.sim.apiserver.decoding import json_kind

__all__ = [
    "DEFAULT_LIMITS",
    "Document",
    "Limits",
    "ManifestError",
    "check_type_meta",
    "load_manifests",
    "resolve_kind",
]

_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1
_VALIDATE_OFF = "if you choose to ignore these errors, turn validation off with --validate=false"
# Removed API versions and the release that removed them (all workload betas went in 1.16).
_REMOVED_IN = {"apps/v1beta1": "1.16", "apps/v1beta2": "1.16", "extensions/v1beta1": "1.16",
               "networking.k8s.io/v1beta1": "1.22"}
_INGRESS_REMOVED_IN = "1.22"


@dataclass
class Limits:
    """What Podium accepts in one manifest text."""

    max_bytes: int = 1_048_576  # whole text
    max_documents: int = 500
    max_aliases: int = 100  # YAML alias (*ref) expansions per text
    max_depth: int = 100  # nesting depth


DEFAULT_LIMITS = Limits()


@dataclass
class _Lines:
    """The 1-based line of one value in the whole text, and of its fields or items."""

    line: int
    children: dict[str | int, _Lines] = field(default_factory=dict)


@dataclass
class Document:
    """One object from a manifest, with where it came from."""

    obj: dict[str, Any]
    index: int  # 0-based among non-empty documents
    source: str  # file name as kubectl shows it ("STDIN" for -f -)
    start_line: int  # 1-based line in the whole text where this document's content starts
    lines: _Lines | None = field(default=None, repr=False, compare=False)

    def line_of(self, path: str) -> int | None:
        """The line of a field path as API errors name it (`spec.ports[0].port`), or of its nearest parent."""
        node = self.lines
        if node is None:
            return None
        for segment in _path_segments(path):
            child = node.children.get(segment)
            if child is None and isinstance(segment, int):
                child = node.children.get(str(segment))
            if child is None:
                break
            node = child
        return node.line


class ManifestError(Exception):
    """A manifest kubectl would refuse before sending anything; `message` is what follows `error: `."""

    def __init__(self, message: str, line: int | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line  # 1-based in the whole text, for the editor underline
        self.hint = hint  # Podium's explanation for the UI, when there is one
        # Documents read before the failing one: kubectl still applies these.
        self.parsed: list[Document] = []

    def __str__(self) -> str:
        return self.message


def load_manifests(text: str, source: str = "STDIN", limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    """Read every object in a manifest text the way `kubectl apply -f` does; raises ManifestError."""
    size = len(text.encode("utf-8"))
    if size > limits.max_bytes:
        raise ManifestError(f"the manifest is {_human_size(size)}; Podium accepts at most "
                            f"{_human_size(limits.max_bytes)} per apply")
    is_json = text.lstrip(" \t\r\n\v\f\u0085\u00a0").startswith("{")
    if not is_json:
        counted = _count_yaml_documents(text)
        if counted > limits.max_documents:
            raise _too_many_documents(counted, limits)
    budget = _Budget(limits)
    documents: list[Document] = []
    values = _json_stream(text, source, budget) if is_json else _yaml_stream(text, source, budget)
    try:
        for value, lines in values:
            for obj, obj_lines in _expand(value, lines, source):
                documents.append(Document(obj, len(documents), source, obj_lines.line, obj_lines))
    except ManifestError as err:
        err.parsed = documents
        raise
    if len(documents) > limits.max_documents:
        raise _too_many_documents(len(documents), limits)
    return documents


def check_type_meta(doc: Document) -> None:
    """Refuse a document without apiVersion or kind, as kubectl's client-side validation does."""
    # mirrors kubectl/pkg/validation getObjectKind
    problems = []
    for key in ("apiVersion", "kind"):
        value = doc.obj.get(key)
        if value is None:
            problems.append(f"{key} not set")
        elif not isinstance(value, str):
            problems.append(f"{key} isn't string type")
    if problems:
        found = problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"
        raise ManifestError(f"error validating {_go_quote(doc.source)}: error validating data: {found}; "
                            f"{_VALIDATE_OFF}", doc.start_line)
    if doc.obj["kind"] == "":
        raw = json.dumps(doc.obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        raise ManifestError(f"unable to decode {_go_quote(doc.source)}: Object 'Kind' is missing in '{raw}'",
                            doc.start_line)
    _check_object_meta(doc)


def _check_object_meta(doc: Document) -> None:
    """kubectl decodes metadata into a typed ObjectMeta: names and label values must be strings."""
    metadata = doc.obj.get("metadata")
    if not isinstance(metadata, dict):
        return
    wrong: tuple[str, Any] | None = None
    for key in ("name", "generateName", "namespace"):
        if metadata.get(key) is not None and not isinstance(metadata[key], str):
            wrong = (key, metadata[key])
            break
    for key in ("labels", "annotations"):
        values = metadata.get(key)
        if wrong is None and isinstance(values, dict):
            wrong = next(((key, v) for v in values.values() if v is not None and not isinstance(v, str)), None)
    if wrong is not None:
        key, value = wrong
        raise ManifestError(f"unable to decode {_go_quote(doc.source)}: json: cannot unmarshal {json_kind(value)} "
                            f"into Go struct field ObjectMeta.metadata.{key} of type string",
                            doc.line_of(f"metadata.{key}") or doc.start_line)


def resolve_kind(doc: Document) -> Kind:
    """The simulated Kind a document maps to, or the ManifestError kubectl (or Podium) gives instead."""
    check_type_meta(doc)
    api_version, kind = doc.obj["apiVersion"], doc.obj["kind"]
    found = kinds.by_api_version_kind(api_version, kind)
    if found is not None:
        return found
    line = doc.line_of("kind") or doc.start_line
    if kinds.KNOWN_UNSIMULATED.get(kind) == api_version:
        raise ManifestError(f"Podium does not simulate {kind} ({api_version}) objects; this cluster simulates "
                            f"{kinds.simulated_kinds_text()}", line)
    metadata = doc.obj.get("metadata")
    name = namespace = ""
    if isinstance(metadata, dict):
        name = str(metadata.get("name") or "")
        namespace = str(metadata.get("namespace") or "")
    # mirrors cli-runtime mapper.infoForData on a meta.NoKindMatchError
    message = (f"resource mapping not found for name: {_go_quote(name)} namespace: {_go_quote(namespace)} "
               f"from {_go_quote(doc.source)}: no matches for kind {_go_quote(kind)} in version "
               f"{_go_quote(api_version)}\nensure CRDs are installed first")
    raise ManifestError(message, line, _mapping_hint(doc.obj, api_version, kind))


# ---------------------------------------------------------------------------------------------------------
# Limits


@dataclass
class _Budget:
    """Alias expansions left for one text (shared by all its documents)."""

    limits: Limits
    aliases: int = 0
    expansions: int = 0

    def spend_alias(self, line: int | None) -> None:
        self.expansions += 1
        if self.expansions > self.limits.max_aliases:
            raise ManifestError(f"too many YAML aliases (more than {self.limits.max_aliases}): refusing to "
                                'expand (a "billion laughs" document?)', line)

    def too_deep(self, line: int | None) -> ManifestError:
        return ManifestError(f"the manifest nests deeper than {self.limits.max_depth} levels; Podium accepts "
                             f"at most {self.limits.max_depth}", line)


def _too_many_documents(count: int, limits: Limits) -> ManifestError:
    return ManifestError(f"the manifest has {count} documents; Podium accepts at most {limits.max_documents} "
                         "per apply")


def _human_size(size: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            text = f"{size / scale:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{size} bytes"


def _count_yaml_documents(text: str) -> int:
    """A cheap upper-bound-ish count of non-empty YAML documents, to refuse huge streams before parsing."""
    count, has_content = 0, False
    for line in text.split("\n"):
        if line.startswith("---"):
            count += has_content
            has_content = False
            line = line[3:]
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped != "...":
            has_content = True
    return count + has_content


# ---------------------------------------------------------------------------------------------------------
# YAML: documents as YAMLReader splits them, scanned and composed like goyaml.v2


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


class _ConvertError(Exception):
    """sigs.k8s.io/yaml's failure: the text after `error converting YAML to JSON: `."""

    def __init__(self, text: str, mark: Mark | None = None) -> None:
        super().__init__(text)
        self.text, self.mark = text, mark


_UNTAGGED = "?"
_BREAKS = "\r\n\x85\u2028\u2029"


class _Loader(yaml.SafeLoader):
    """PyYAML's pure-Python scanner/parser/composer, corrected to goyaml.v2's (libyaml's) rules."""

    allow_simple_key: bool
    flow_level: int

    def __init__(self, stream: str, budget: _Budget) -> None:
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
                raise _ConvertError(f"yaml: unknown anchor '{event.anchor}' referenced")
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


def _yaml_stream(text: str, source: str, budget: _Budget) -> Iterator[tuple[Any, _Lines]]:
    for chunk in _chunks(text, source):
        node = _compose(chunk, source, budget)
        if node is None:
            continue
        try:
            value, lines = _Converter(budget, chunk.first_line).convert(node, 0)
        except _ConvertError as err:
            raise _conversion_failure(err, chunk, source) from None
        if value is not None:
            yield value, lines


def _compose(chunk: _Chunk, source: str, budget: _Budget) -> Any:
    """The document's node tree (only the first document, as goyaml.Unmarshal reads), or None if empty."""
    loader = _Loader(chunk.text, budget)
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
    except _ConvertError as err:
        raise _conversion_failure(err, chunk, source) from None
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
                         f"{_goyaml_problem(err)}", real)


def _conversion_failure(err: _ConvertError, chunk: _Chunk, source: str) -> ManifestError:
    real = chunk.first_line + err.mark.line + 1 if err.mark is not None else None
    return ManifestError(f"error parsing {source}: error converting YAML to JSON: {err.text}", real)


# ---------------------------------------------------------------------------------------------------------
# Node tree -> JSON-compatible values, as goyaml.v2 decodes into interface{} and sigs.k8s.io/yaml converts


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


class _Converter:
    """Turns one composed document into JSON-compatible values plus the line of every field."""

    def __init__(self, budget: _Budget, first_line: int) -> None:
        self.budget = budget
        self.first_line = first_line
        self.expanding: list[str] = []

    def line(self, node: Any) -> int:
        return int(self.first_line + node.start_mark.line + 1)

    def convert(self, node: Any, depth: int) -> tuple[Any, _Lines]:
        if isinstance(node, _Alias):
            self.budget.spend_alias(self.line(node))
            if node.anchor in self.expanding:
                raise _ConvertError(f"yaml: anchor '{node.anchor}' value contains itself")
            self.expanding.append(node.anchor)
            value, lines = self.convert(node.target, depth)
            self.expanding.pop()
            return value, _Lines(self.line(node), lines.children)
        if isinstance(node, yaml.ScalarNode):
            return _json_value(self.scalar(node), node.start_mark), _Lines(self.line(node))
        if depth >= self.budget.limits.max_depth:
            raise self.budget.too_deep(self.line(node))
        if isinstance(node, yaml.SequenceNode):
            items, lines = [], _Lines(self.line(node))
            for index, child in enumerate(node.value):
                value, child_lines = self.convert(child, depth + 1)
                items.append(value)
                lines.children[index] = child_lines
            return items, lines
        mapping: dict[str, Any] = {}
        lines = _Lines(self.line(node))
        self.fill_mapping(node, depth, mapping, lines)
        return mapping, lines

    def fill_mapping(self, node: Any, depth: int, mapping: dict[str, Any], lines: _Lines) -> None:
        # Later keys win, merges included (goyaml.v2 decodes pairs in order into one map).
        for key_node, value_node in node.value:
            if self.is_merge(key_node):
                self.merge(value_node, depth, mapping, lines)
                continue
            key = self.key(key_node, value_node)
            value, child_lines = self.convert(value_node, depth + 1)
            mapping[key] = value
            child_lines.line = self.line(key_node)
            lines.children[key] = child_lines

    @staticmethod
    def is_merge(node: Any) -> bool:
        return (isinstance(node, yaml.ScalarNode) and node.value == "<<"
                and ((node.tag == _UNTAGGED and node.style is None) or node.tag == _MERGE))

    def merge(self, node: Any, depth: int, mapping: dict[str, Any], lines: _Lines) -> None:
        target = self.deref(node)
        if isinstance(target, yaml.MappingNode):
            self.fill_mapping(target, depth, mapping, lines)
            return
        if isinstance(target, yaml.SequenceNode):
            for item in reversed(target.value):
                item_target = self.deref(item)
                if not isinstance(item_target, yaml.MappingNode):
                    raise _ConvertError("yaml: map merge requires map or sequence of maps as the value")
                self.fill_mapping(item_target, depth, mapping, lines)
            return
        raise _ConvertError("yaml: map merge requires map or sequence of maps as the value")

    def deref(self, node: Any) -> Any:
        while isinstance(node, _Alias):
            self.budget.spend_alias(self.line(node))
            node = node.target
        return node

    def key(self, key_node: Any, value_node: Any) -> str:
        # mirrors sigs.k8s.io/yaml convertToJSONableObject's key handling
        target = self.deref(key_node)
        if not isinstance(target, yaml.ScalarNode):
            raise _ConvertError(f"yaml: invalid map key: {_go_syntax(self.raw(target))}")
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
        raise _ConvertError(f"unsupported map key of type: {type_name}, key: {shown}, "
                            f"value: {_go_syntax(self.raw(value_node))}", key_node.start_mark)

    def scalar(self, node: Any) -> Any:
        # mirrors goyaml.v2 decoder.scalar + resolve(): quoted and block scalars are strings,
        # unknown tags keep the text, !!binary is decoded.
        tag, value = node.tag, node.value
        if tag in (_UNTAGGED, "!"):
            return _resolve_plain(value) if node.style is None else value
        if tag == _BINARY:
            try:
                data = base64.b64decode("".join(value.split()), validate=True)
            except ValueError:
                raise _ConvertError("yaml: !!binary value contains invalid base64 data", node.start_mark) from None
            return data.decode("utf-8", errors="replace")
        if tag not in _RESOLVABLE or tag == _STR:
            return value
        resolved = _resolve_plain(value) if value else value
        wanted = tag.rsplit(":", 1)[1]
        if wanted == "timestamp" or (wanted == "float" and isinstance(resolved, int)
                                     and not isinstance(resolved, bool)):
            return float(resolved) if wanted == "float" else value
        if _short_tag(resolved) != wanted:
            raise _ConvertError(f"yaml: cannot decode !!{_short_tag(resolved)} `{value}` as a !!{wanted}",
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


def _json_value(value: Any, mark: Mark | None) -> Any:
    """A scalar as it comes back from JSON: ints beyond int64 and floats keep JSON's number rules."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            shown = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
            raise _ConvertError(f"json: unsupported value: {shown}", mark)
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
        return _go_quote(value)
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


def _go_quote(text: str) -> str:
    """Go's %q for ordinary strings."""
    return str(json.dumps(text, ensure_ascii=False))


# ---------------------------------------------------------------------------------------------------------
# JSON streams (text starting with `{`), decoded like encoding/json's Decoder


def _json_stream(text: str, source: str, budget: _Budget) -> Iterator[tuple[Any, _Lines]]:
    decoder = json.JSONDecoder(parse_constant=_refuse_constant)
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
        return {key: _normalize(child, line) for key, child in value.items()}
    if isinstance(value, list):
        return [_normalize(child, line) for child in value]
    try:
        return _json_value(value, None)
    except _ConvertError as err:
        raise ManifestError(err.text, line) from None


def _json_lines(text: str, first_line: int, budget: _Budget) -> _Lines:
    """Field lines of a JSON document, read through the YAML composer (JSON is flow YAML); best effort."""
    loader = _Loader(text.replace("\t", " "), _Budget(budget.limits))
    try:
        node = loader.get_single_node()
        return _Converter(_Budget(budget.limits), first_line - 1).convert(node, 0)[1]
    except (yaml.YAMLError, _ConvertError, ManifestError):
        return _Lines(first_line)
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------------------------------------
# Lists and type checks


def _expand(value: Any, lines: _Lines, source: str) -> Iterator[tuple[dict[str, Any], _Lines]]:
    """A decoded document as the objects kubectl visits: Lists (anything with `items`) are flattened."""
    if not isinstance(value, dict):
        # kubectl's schema validation refuses anything but an object.
        raise ManifestError(f"error validating {_go_quote(source)}: error validating data: invalid object to "
                            f"validate; {_VALIDATE_OFF}", lines.line)
    if "items" not in value:
        yield value, lines
        return
    # mirrors unstructuredJSONScheme.decodeToList + FlattenListVisitor
    check_type_meta(Document(value, 0, source, lines.line, lines))
    items = value["items"]
    if items is None:
        return
    if not isinstance(items, list):
        raise ManifestError(f"unable to decode {_go_quote(source)}: json: cannot unmarshal {json_kind(items)} "
                            "into Go struct field decodeList.items of type []json.RawMessage", lines.line)
    list_kind, list_version = value.get("kind"), value.get("apiVersion")
    items_lines = lines.children.get("items", _Lines(lines.line))
    for index, item in enumerate(items):
        item_lines = items_lines.children.get(index, _Lines(items_lines.line))
        if not isinstance(item, dict):
            raise ManifestError(f"unable to decode {_go_quote(source)}: json: cannot unmarshal {json_kind(item)} "
                                "into Go value of type map[string]interface {}", item_lines.line)
        if list_kind != "List" and "kind" not in item and "apiVersion" not in item:
            # Typed lists (PodList) leave out the items' kind; the decoder infers it from the list's.
            item = {"apiVersion": list_version, "kind": str(list_kind).removesuffix("List"), **item}
        if "items" in item:
            yield from _expand(item, item_lines, source)
        else:
            yield item, item_lines




_PATH_SEGMENT = re.compile(r"\[([^\]]*)\]|\.?([^.\[]+)")


def _path_segments(path: str) -> list[str | int]:
    segments: list[str | int] = []
    for bracket, name in _PATH_SEGMENT.findall(path):
        if name:
            segments.append(name)
        else:
            segments.append(int(bracket) if bracket.isdigit() else bracket)
    return segments


# ---------------------------------------------------------------------------------------------------------
# Hints for mapping errors


def _mapping_hint(obj: dict[str, Any], api_version: str, kind: str) -> str | None:
    simulated = kinds.KINDS.get(kind)
    removed_in = _INGRESS_REMOVED_IN if kind == "Ingress" else _REMOVED_IN.get(api_version)
    if kind in kinds.REMOVED_VERSIONS and api_version in kinds.REMOVED_VERSIONS[kind] and removed_in:
        if simulated is None:
            modern = kinds.KNOWN_UNSIMULATED.get(kind, "a newer version")
            return (f"{api_version} was removed in Kubernetes {removed_in}. {kind} is served at {modern} today, "
                    f"but Podium does not simulate {kind} objects.")
        needs_selector = kind in ("Deployment", "ReplicaSet")
        advice = ", which also requires spec.selector to match the template's labels:" if needs_selector else ":"
        return (f"{api_version} was removed in Kubernetes {removed_in}. Use apiVersion: "
                f"{simulated.api_version}{advice}\n\n{_modernized(obj, simulated)}")
    if simulated is not None:
        return f"{kind} is served at apiVersion: {simulated.api_version}."
    for candidate in kinds.KINDS.values():
        if candidate.kind.lower() == kind.lower():
            return f"Kinds are case-sensitive: use kind: {candidate.kind} (apiVersion: {candidate.api_version})."
    return None


def _modernized(obj: dict[str, Any], kind: Kind) -> str:
    """The object at the kind's served version, with the selector apps/v1 requires, as YAML."""
    new = copy.deepcopy(obj)
    new["apiVersion"] = kind.api_version
    spec = new.get("spec")
    if kind.kind in ("Deployment", "ReplicaSet") and isinstance(spec, dict) and "selector" not in spec:
        template = spec.get("template")
        metadata = template.get("metadata") if isinstance(template, dict) else None
        labels = metadata.get("labels") if isinstance(metadata, dict) else None
        if isinstance(labels, dict) and labels:
            selector = {"matchLabels": dict(labels)}
            reordered: dict[str, Any] = {}
            for key, value in spec.items():
                if key == "template":
                    reordered["selector"] = selector
                reordered[key] = value
            reordered.setdefault("selector", selector)
            new["spec"] = reordered
    first = ("apiVersion", "kind", "metadata", "spec")
    ordered = {key: new[key] for key in first if key in new}
    ordered.update((key, value) for key, value in new.items() if key not in first)
    return str(yaml.safe_dump(ordered, sort_keys=False, default_flow_style=False, allow_unicode=True))
