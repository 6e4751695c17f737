"""Command-line flags parsed as kubectl's cobra/pflag parses them, with pflag's error texts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Flag:
    """One pflag flag: `kind` is bool, string, int, strings (repeatable, comma-split) or list (repeatable)."""

    name: str
    short: str = ""
    kind: str = "string"
    default: Any = None
    no_opt: str | None = None  # NoOptDefVal: the value of a bare `--flag` for a string flag

    def initial(self) -> Any:
        if self.kind in ("strings", "list"):
            return list(self.default or [])
        if self.default is not None:
            return self.default
        return {"bool": False, "int": 0, "string": ""}.get(self.kind, "")

    def label(self) -> str:
        """How pflag names the flag in `invalid argument` errors."""
        return f"-{self.short}, --{self.name}" if self.short else f"--{self.name}"


class UsageError(Exception):
    """A command-line error: printed as `error: <message>` plus cobra's `See 'kubectl <cmd> --help'` line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Parsed:
    """Flag values by long name, positional arguments, and what came after `--`."""

    values: dict[str, Any]
    args: list[str]
    dash_args: list[str]
    given: set[str]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def changed(self, name: str) -> bool:
        return name in self.given


_BOOL_TEXT = {"1": True, "t": True, "T": True, "true": True, "TRUE": True, "True": True,
              "0": False, "f": False, "F": False, "false": False, "FALSE": False, "False": False}


def _convert(flag: Flag, value: str) -> Any:
    if flag.kind == "bool":
        if value not in _BOOL_TEXT:
            raise UsageError(f'invalid argument "{value}" for "{flag.label()}" flag: strconv.ParseBool: '
                             f'parsing "{value}": invalid syntax')
        return _BOOL_TEXT[value]
    if flag.kind == "int":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise UsageError(f'invalid argument "{value}" for "{flag.label()}" flag: strconv.ParseInt: '
                             f'parsing "{value}": invalid syntax')
        return int(value)
    return value


def _store(values: dict[str, Any], flag: Flag, value: str, given: set[str]) -> None:
    converted = _convert(flag, value)
    if flag.kind == "strings":
        if flag.name not in given:
            values[flag.name] = []
        values[flag.name].extend(v for v in converted.split(",") if v != "" or converted == "")
    elif flag.kind == "list":
        if flag.name not in given:
            values[flag.name] = []
        values[flag.name].append(converted)
    else:
        values[flag.name] = converted
    given.add(flag.name)


def parse(argv: list[str], flags: list[Flag]) -> Parsed:
    """Interspersed flags and arguments, as pflag parses them; raises UsageError with pflag's texts."""
    by_long = {f.name: f for f in flags}
    by_short = {f.short: f for f in flags if f.short}
    values = {f.name: f.initial() for f in flags}
    given: set[str] = set()
    args: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            return Parsed(values, args, argv[i:], given)
        if arg.startswith("--") and len(arg) > 2:
            name, eq, value = arg[2:].partition("=")
            flag = by_long.get(name)
            if flag is None:
                raise UsageError(f"unknown flag: --{name}")
            if eq:
                _store(values, flag, value, given)
            elif flag.kind == "bool":
                _store(values, flag, "true", given)
            elif flag.no_opt is not None:
                _store(values, flag, flag.no_opt, given)
            elif i < len(argv):
                _store(values, flag, argv[i], given)
                i += 1
            else:
                raise UsageError(f"flag needs an argument: --{name}")
            continue
        if arg.startswith("-") and len(arg) > 1:
            shorts = arg[1:]
            while shorts:
                char, shorts = shorts[0], shorts[1:]
                flag = by_short.get(char)
                if flag is None:
                    raise UsageError(f"unknown shorthand flag: '{char}' in {arg}")
                if shorts.startswith("="):
                    _store(values, flag, shorts[1:], given)
                    break
                if flag.kind == "bool":
                    _store(values, flag, "true", given)
                    continue
                if shorts:
                    _store(values, flag, shorts, given)
                    break
                if flag.no_opt is not None:
                    _store(values, flag, flag.no_opt, given)
                elif i < len(argv):
                    _store(values, flag, argv[i], given)
                    i += 1
                else:
                    raise UsageError(f"flag needs an argument: '{char}' in -{char}")
            continue
        args.append(arg)
    return Parsed(values, args, [], given)


_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str, flag: str) -> float:
    """time.ParseDuration (`30s`, `1m30s`, `0`), in seconds."""
    if text in ("0", "+0", "-0"):
        return 0.0
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        raise UsageError(f'invalid argument "{text}" for "{flag}" flag: time: missing unit in duration "{text}"')
    parts = re.findall(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text.lstrip("+"):
        raise UsageError(f'invalid argument "{text}" for "{flag}" flag: time: invalid duration "{text}"')
    return sum(float(n) * _DURATION_UNITS[u] for n, u in parts)
