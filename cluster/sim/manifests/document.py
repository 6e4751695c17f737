"""What loading a manifest yields: documents with the line of every field, the errors kubectl prints, and the
limits that keep a hostile file small."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Limits:
    """What Podium accepts in one manifest text."""

    max_bytes: int = 1_048_576  # whole text
    max_documents: int = 500
    max_aliases: int = 100  # YAML alias (*ref) expansions per text
    max_depth: int = 100  # nesting depth


DEFAULT_LIMITS = Limits()


@dataclass
class Lines:
    """Where one value starts in the whole text (1-based line and column; a field's is its key's), and its
    fields or items."""

    line: int
    children: dict[str | int, Lines] = field(default_factory=dict)
    column: int = 1


@dataclass
class Document:
    """One object from a manifest, with where it came from."""

    obj: dict[str, Any]
    index: int  # 0-based among non-empty documents
    source: str  # file name as kubectl shows it ("STDIN" for -f -)
    start_line: int  # 1-based line in the whole text where this document's content starts
    lines: Lines | None = field(default=None, repr=False, compare=False)

    def line_of(self, path: str) -> int | None:
        """The line of a field path as API errors name it (`spec.ports[0].port`), or of its nearest parent."""
        position = self.position_of(path)
        return position[0] if position else None

    def position_of(self, path: str) -> tuple[int, int] | None:
        """The line and column of a field path (or of its nearest parent) in the whole text."""
        node = self.lines
        if node is None:
            return None
        for segment in path_segments(path):
            child = node.children.get(segment)
            if child is None and isinstance(segment, int):
                child = node.children.get(str(segment))
            if child is None:
                break
            node = child
        return node.line, node.column


class ManifestError(Exception):
    """A manifest kubectl would refuse before sending anything; `message` is what follows `error: `."""

    def __init__(self, message: str, line: int | None = None, hint: str | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line  # 1-based in the whole text, for the editor underline
        self.column = column  # 1-based, where known
        self.hint = hint  # Podium's explanation for the UI, when there is one
        # Documents read before the failing one: kubectl still applies these.
        self.parsed: list[Document] = []

    def __str__(self) -> str:
        return self.message


@dataclass
class Budget:
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


def too_many_documents(count: int, limits: Limits) -> ManifestError:
    return ManifestError(f"the manifest has {count} documents; Podium accepts at most {limits.max_documents} "
                         "per apply")


def human_size(size: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            text = f"{size / scale:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{size} bytes"


def count_yaml_documents(text: str) -> int:
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

_PATH_SEGMENT = re.compile(r"\[([^\]]*)\]|\.?([^.\[]+)")


def path_segments(path: str) -> list[str | int]:
    segments: list[str | int] = []
    for bracket, name in _PATH_SEGMENT.findall(path):
        if name:
            segments.append(name)
        else:
            segments.append(int(bracket) if bracket.isdigit() else bracket)
    return segments
