"""What the terminal's shell does around a command: `kubectl get pods | grep httpd | wc -l`.

A line is split into a pipeline as bash splits it (`|` outside quotes); the first command runs as typed, and
its standard output goes through the filters learners reach for — grep, head, tail, wc, sort, uniq — which
print as GNU coreutils and GNU grep do. Standard error is not piped, as in bash.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

FILTERS_HELP = "grep, head, tail, wc, sort, uniq"


@dataclass
class Filtered:
    stdout: str
    stderr: str
    exit_code: int


class ShellError(Exception):
    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def split_pipeline(line: str) -> list[list[str]]:
    """Words of each command of the pipeline; raises ValueError for an unterminated quote, ShellError for `a | | b`."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="|")
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token == "|":
            if not commands[-1]:
                raise ShellError("bash: syntax error near unexpected token `|'")
            commands.append([])
        elif token.startswith("|"):  # `||` and the like: not a pipe Podium's terminal runs
            raise ShellError(f"bash: syntax error near unexpected token `{token}'")
        else:
            commands[-1].append(token)
    if len(commands) > 1 and not commands[-1]:
        raise ShellError("bash: syntax error near unexpected token `|'")
    return commands


def is_pipeline(line: str) -> bool:
    try:
        return len(split_pipeline(line)) > 1
    except (ValueError, ShellError):
        return "|" in line


def run_filters(text: str, commands: list[list[str]]) -> Filtered:
    """Feed `text` through each filter in turn; the exit code is the last filter's, as bash reports a pipeline's."""
    code = 0
    errors = ""
    for argv in commands:
        filter_fn = FILTERS.get(argv[0])
        if filter_fn is None:
            return Filtered("", errors + f"{argv[0]}: command not found (the terminal pipes kubectl's output "
                                         f"into {FILTERS_HELP})\n", 127)
        try:
            text, code = filter_fn(argv[1:], text)
        except ShellError as err:
            return Filtered("", errors + err.message + "\n", err.exit_code)
    return Filtered(text, errors, code)


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _joined(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _count(value: str, command: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", value):
        raise ShellError(f"{command}: invalid number of lines: '{value}'", 1)
    return int(value)


# ---- grep ---------------------------------------------------------------------------------------------------

def _basic_to_python(pattern: str) -> str:
    """A POSIX basic regular expression (grep's default) as Python's re: `+ ? | ( ) { }` are literal unless escaped."""
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(nxt if nxt in "+?|(){}" else "\\" + nxt)
            i += 2
            continue
        out.append("\\" + char if char in "+?|(){}" else char)
        i += 1
    return "".join(out)


def _grep(args: list[str], text: str) -> tuple[str, int]:
    ignore_case = invert = count = whole_word = fixed = extended = number = only_matching = False
    patterns: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-e" and i + 1 < len(args):
            patterns.append(args[i + 1])
            i += 2
            continue
        if arg == "--":
            rest.extend(args[i + 1:])
            break
        if arg.startswith("-") and len(arg) > 1:  # GNU getopt takes options anywhere on the line
            for flag in arg[1:]:
                if flag not in "ivcwFEno":
                    raise ShellError(f"grep: invalid option -- '{flag}'\nUsage: grep [OPTION]... PATTERNS [FILE]...")
                ignore_case |= flag == "i"
                invert |= flag == "v"
                count |= flag == "c"
                whole_word |= flag == "w"
                fixed |= flag == "F"
                extended |= flag == "E"
                number |= flag == "n"
                only_matching |= flag == "o"
        else:
            rest.append(arg)
        i += 1
    if not patterns:
        if not rest:
            raise ShellError("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.")
        patterns = [rest.pop(0)]
    if rest:
        raise ShellError(f"grep: {rest[0]}: No such file or directory (the terminal greps kubectl's output)")
    sources = [re.escape(p) if fixed else (p if extended else _basic_to_python(p)) for p in patterns]
    if whole_word:
        sources = [rf"(?<!\w)(?:{s})(?!\w)" for s in sources]
    try:
        regex = re.compile("|".join(f"(?:{s})" for s in sources), re.IGNORECASE if ignore_case else 0)
    except re.error as err:
        raise ShellError(f"grep: {err}") from None
    selected = [(index, line) for index, line in enumerate(_lines(text), start=1)
                if bool(regex.search(line)) != invert]
    if count:
        return f"{len(selected)}\n", 0 if selected else 1
    kept: list[str] = []
    for index, line in selected:
        pieces = [m.group(0) for m in regex.finditer(line) if m.group(0)] if only_matching and not invert else [line]
        kept.extend(f"{index}:{piece}" if number else piece for piece in pieces)
    return _joined(kept), 0 if selected else 1


# ---- head, tail ---------------------------------------------------------------------------------------------

def _line_count(args: list[str], command: str) -> tuple[str, list[str]]:
    """The -n value (`-n 5`, `-n5`, `-5`, `--lines=5`) and the arguments left over."""
    value, rest = "10", []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-n" and i + 1 < len(args):
            value = args[i + 1]
            i += 2
            continue
        if arg.startswith("--lines="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-n") and len(arg) > 2:
            value = arg[2:]
        elif re.fullmatch(r"-\d+", arg):
            value = arg[1:]
        elif arg.startswith("-") and len(arg) > 1:
            raise ShellError(f"{command}: invalid option -- '{arg.lstrip('-')[:1]}'\nTry '{command} --help' for more "
                             "information.", 1)
        else:
            rest.append(arg)
        i += 1
    if rest:
        raise ShellError(f"{command}: cannot open '{rest[0]}' for reading: No such file or directory", 1)
    return value, rest


def _head(args: list[str], text: str) -> tuple[str, int]:
    value, _ = _line_count(args, "head")
    n = _count(value, "head")
    lines = _lines(text)
    return _joined(lines[:n]), 0  # a negative count keeps all but the last lines, as GNU head does


def _tail(args: list[str], text: str) -> tuple[str, int]:
    value, _ = _line_count(args, "tail")
    lines = _lines(text)
    if value.startswith("+"):
        return _joined(lines[max(_count(value, "tail") - 1, 0):]), 0
    n = abs(_count(value, "tail"))
    return _joined(lines[-n:] if n else []), 0


# ---- wc, sort, uniq -----------------------------------------------------------------------------------------

def _wc(args: list[str], text: str) -> tuple[str, int]:
    wanted = set()
    for arg in args:
        if not arg.startswith("-"):
            raise ShellError(f"wc: {arg}: No such file or directory", 1)
        for flag in arg.lstrip("-"):
            if flag not in "lwc":
                raise ShellError(f"wc: invalid option -- '{flag}'\nTry 'wc --help' for more information.", 1)
            wanted.add(flag)
    counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
    shown = [counts[f] for f in "lwc" if f in (wanted or {"l", "w", "c"})]
    if len(shown) == 1:
        return f"{shown[0]}\n", 0
    width = 7  # GNU wc pads every count to 7 columns when it reads standard input
    return " ".join(f"{n:>{width}}" for n in shown) + "\n", 0


def _sort(args: list[str], text: str) -> tuple[str, int]:
    reverse = numeric = unique = False
    key_field: int | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-k" and i + 1 < len(args):
            key_field = _count(args[i + 1].split(",")[0], "sort")
            i += 2
            continue
        if arg.startswith("-k") and len(arg) > 2:
            key_field = _count(arg[2:].split(",")[0], "sort")
        elif arg.startswith("-") and len(arg) > 1:
            for flag in arg[1:]:
                if flag not in "rnu":
                    raise ShellError(f"sort: invalid option -- '{flag}'\nTry 'sort --help' for more information.")
                reverse |= flag == "r"
                numeric |= flag == "n"
                unique |= flag == "u"
        else:
            raise ShellError(f"sort: cannot read: {arg}: No such file or directory")
        i += 1

    def key(line: str) -> tuple[float, str]:
        fields = line.split()
        part = (fields[key_field - 1] if key_field and len(fields) >= key_field else "") if key_field else line
        if numeric:
            match = re.match(r"\s*-?\d+(\.\d+)?", part)
            return (float(match.group(0)) if match else 0.0, line)
        return (0.0, part)

    lines = sorted(_lines(text), key=key, reverse=reverse)
    if unique:
        kept: list[str] = []
        for line in lines:
            if not kept or key(kept[-1]) != key(line):
                kept.append(line)
        lines = kept
    return _joined(lines), 0


def _uniq(args: list[str], text: str) -> tuple[str, int]:
    counted = "-c" in args
    for arg in args:
        if arg != "-c":
            raise ShellError(f"uniq: invalid option -- '{arg.lstrip('-')[:1]}'", 1)
    groups: list[list[str]] = []
    for line in _lines(text):
        if groups and groups[-1][0] == line:
            groups[-1].append(line)
        else:
            groups.append([line])
    if counted:
        return _joined([f"{len(g):>7} {g[0]}" for g in groups]), 0
    return _joined([g[0] for g in groups]), 0


FILTERS: dict[str, Callable[[list[str], str], tuple[str, int]]] = {
    "grep": _grep, "head": _head, "tail": _tail, "wc": _wc, "sort": _sort, "uniq": _uniq,
}
