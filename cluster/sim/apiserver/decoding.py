"""Strict decoding: reject JSON that does not fit the Go types, with the apiserver's 400 BadRequest texts."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from cluster.sim.apimachinery import errors

SCHEMA_PATH = Path(__file__).resolve().parent / "schema.json"

QUANTITY_FORMAT_ERROR = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix"
QUANTITY_NUMERIC_ERROR = "unable to parse numeric part of quantity"
_QUANTITY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E"}
_EXPONENT_SUFFIX = re.compile(r"[eE][-+]?[0-9]+")
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


class JsonNumber(float):
    """A JSON number literal that is not a plain integer (`2.0`, `1e3`, or more digits than int64 holds), with its
    text: encoding/json refuses such a literal for an integer field, whatever its value."""

    literal: str

    def __new__(cls, literal: str) -> JsonNumber:
        number = super().__new__(cls, float(literal))
        number.literal = literal
        return number


def json_int(literal: str) -> int | JsonNumber:
    """json.loads' parse_int: a Go-sized integer, or the literal kept (Python's int() stops at 4300 digits)."""
    return int(literal) if len(literal) <= 20 else JsonNumber(literal)


def loads(text: str) -> Any:
    """JSON as the apiserver reads a request body: number literals keep their text where Go's types care."""
    return json.loads(text, parse_float=JsonNumber, parse_int=json_int, parse_constant=_no_constant)


def _no_constant(constant: str) -> Any:
    raise ValueError(f"invalid character '{constant[0]}' looking for beginning of value")


@cache
def schema() -> dict[str, Any]:
    """The generated Go type schema (cluster/sim/apiserver/schema.json), loaded once."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


class _Returned(Exception):
    """An error an UnmarshalJSON method returns: it stops decoding at once (encoding/json `d.value` error)."""


class _Decoder:
    """Walks a JSON value against the schema the way sigs.k8s.io/json's UnmarshalStrict walks a Go struct."""

    def __init__(self, types: dict[str, dict[str, str]]) -> None:
        self.types = types
        self.saved: str | None = None  # first saved error wins (decodeState.saveError)
        self.saved_path = ""
        self.unknown: list[str] = []
        self.path = ""  # the JSON path being decoded, for where the editor marks an error

    def save(self, message: str, path: str) -> None:
        if self.saved is None:
            self.saved = message
            self.saved_path = path

    def type_error(self, value: Any, spec: str, struct: str, stack: list[str], path: str,
                   text: str | None = None) -> None:
        what = text or json_kind(value)
        self.save(f"json: cannot unmarshal {what} into Go struct field {struct}.{'.'.join(stack)} "
                  f"of type {go_type_name(spec)}", path)

    def struct(self, value: Any, key: str, stack: list[str], path: str) -> None:
        fields = self.types[key]
        name = key.rsplit(".", 1)[-1]
        # kubectl sends JSON marshalled from a map: keys in sorted order
        for field in sorted(value):
            field_path = f"{path}.{field}" if path else field
            if field not in fields:
                self.unknown.append(field_path)
                continue
            value[field] = self.value(value[field], fields[field], name, [*stack, field], field_path)

    def value(self, value: Any, spec: str, struct: str, stack: list[str], path: str) -> Any:
        """Check one value; what is returned replaces it (an integer field holds a Go integer, never 2.0)."""
        self.path = path
        if value is None:
            return None  # null leaves the Go zero value
        underlying = _underlying(spec)
        if underlying.startswith("#"):
            if not isinstance(value, dict):
                self.type_error(value, spec, struct, stack, path)
                return value
            self.struct(value, underlying[1:], stack, path)
        elif underlying.startswith("[]"):
            if not isinstance(value, list):
                self.type_error(value, spec, struct, stack, path)
                return value
            for i, item in enumerate(value):
                value[i] = self.value(item, underlying[2:], struct, stack, f"{path}[{i}]") if item is not None \
                    else _zero(underlying[2:])
        elif underlying.startswith("map[string]"):
            if not isinstance(value, dict):
                self.type_error(value, spec, struct, stack, path)
                return value
            for k in sorted(value):
                spec_of_value = underlying[len("map[string]"):]
                value[k] = self.value(value[k], spec_of_value, struct, stack, f"{path}.{k}") \
                    if value[k] is not None else _zero(spec_of_value)
        else:
            return self.scalar(value, spec, underlying, struct, stack, path)
        return value

    def scalar(self, value: Any, spec: str, kind: str, struct: str, stack: list[str], path: str) -> Any:
        if kind == "string":
            if not isinstance(value, str):
                self.type_error(value, spec, struct, stack, path)
        elif kind == "bool":
            if not isinstance(value, bool):
                self.type_error(value, spec, struct, stack, path)
        elif kind in _INT_RANGES:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.type_error(value, spec, struct, stack, path)
            elif isinstance(value, JsonNumber) or not _fits_int(value, kind):
                self.type_error(value, spec, struct, stack, path, "number " + _number_text(value))
            else:
                return int(value)  # 2.0 from YAML is the 2 sigs.k8s.io/yaml would have sent
        elif kind == "float64":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.type_error(value, spec, struct, stack, path)
            elif math.isinf(value) or math.isnan(value):
                self.type_error(value, spec, struct, stack, path, "number " + _number_text(value))
        elif kind == "bytes":
            if not isinstance(value, str):
                self.type_error(value, spec, struct, stack, path)
            else:
                problem = base64_problem(value)
                if problem:
                    self.save(problem, path)
        elif kind == "intstr":
            # mirrors IntOrString.UnmarshalJSON: an inner encoding/json call, so no struct context
            if isinstance(value, str):
                return value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _Returned(f"json: cannot unmarshal {json_kind(value)} into Go value of type int32")
            if isinstance(value, JsonNumber) or not _fits_int(value, "int32"):
                raise _Returned(f"json: cannot unmarshal number {_number_text(value)} into Go value of type int32")
            return int(value)
        elif kind == "quantity":
            text = value if isinstance(value, str) else go_json(value)
            problem = quantity_problem(text.strip())
            if problem:
                raise _Returned(problem)
        elif kind in ("time", "microtime"):
            if not isinstance(value, str):
                raise _Returned(f"json: cannot unmarshal {json_kind(value)} into Go value of type string")
            problem = time_problem(value, micro=kind == "microtime")
            if problem:
                raise _Returned(problem)
        return value


def _zero(spec: str) -> Any:
    """The Go zero value a `null` item of a slice or map decodes to (a struct, "", 0, false; nil otherwise)."""
    underlying = _underlying(spec)
    if underlying.startswith("#"):
        return {}
    return {"string": "", "bool": False, "int32": 0, "int64": 0, "float64": 0}.get(underlying)


def _underlying(spec: str) -> str:
    """Strip a `<go name>=` prefix: `v1.Protocol=string` -> `string`."""
    if spec.startswith(("[]", "map[", "#")):
        return spec
    return spec.split("=", 1)[1] if "=" in spec else spec


def go_type_name(spec: str) -> str:
    """How reflect prints the Go type of a spec: `[]v1.Container`, `map[string]string`, `int32`."""
    if spec.startswith("[]"):
        return "[]" + go_type_name(spec[2:])
    if spec.startswith("map[string]"):
        return "map[string]" + go_type_name(spec[len("map[string]"):])
    if spec.startswith("#"):
        parts = spec[1:].split(".")
        return f"{parts[-2]}.{parts[-1]}"
    if "=" in spec:
        return spec.split("=", 1)[0]
    return {
        "bytes": "[]uint8", "intstr": "intstr.IntOrString", "quantity": "resource.Quantity",
        "time": "v1.Time", "microtime": "v1.MicroTime", "any": "interface {}",
    }.get(spec, spec)


def json_kind(value: Any) -> str:
    """The JSON kind encoding/json names in `cannot unmarshal <kind>`."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def go_number(value: int | float) -> str:
    """A number as Go's json.Marshal writes it (what kubectl sends)."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = int(exponent)
    if 1e-6 <= abs(value) < 1e21:
        return format(Decimal(text), "f")
    # strconv 'e' format with two exponent digits, then json's clean-up of e-09 to e-9
    return f"{mantissa}e+{power:02d}" if power >= 0 else f"{mantissa}e-{-power}"
    return repr(value)


def go_json(value: Any) -> str:
    """Compact JSON as Go marshals it (numbers Go-style)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return go_number(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _number_text(value: int | float) -> str:
    return value.literal if isinstance(value, JsonNumber) else go_number(value)


def _fits_int(value: int | float, kind: str) -> bool:
    low, high = _INT_RANGES[kind]
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer() or abs(value) >= 1e21:
            return False
        value = int(value)
    return low <= value <= high


def quantity_problem(text: str) -> str | None:
    """mirrors resource.ParseQuantity's errors (format, suffix, numeric part)."""
    if not text:
        return QUANTITY_FORMAT_ERROR
    pos = 1 if text[0] in "+-" else 0
    number = re.match(r"[0-9]*(\.[0-9]*)?", text[pos:])
    digits_end = pos + (number.end() if number else 0)
    numeric = text[pos:digits_end]
    rest = text[digits_end:]
    suffix = re.match(r"[eEinumkKMGTP]*[-+]?[0-9]*", rest)
    if suffix is None or suffix.end() != len(rest):
        return QUANTITY_FORMAT_ERROR
    if rest not in _QUANTITY_SUFFIXES and not _EXPONENT_SUFFIX.fullmatch(rest):
        return QUANTITY_SUFFIX_ERROR
    if not re.search(r"[0-9]", numeric):
        return QUANTITY_NUMERIC_ERROR if numeric else QUANTITY_FORMAT_ERROR if rest else None
    return None


def base64_problem(text: str) -> str | None:
    """base64.StdEncoding's CorruptInputError text for a bad Secret value, or None."""
    cleaned = text.replace("\r", "").replace("\n", "")
    try:
        base64.b64decode(cleaned, validate=True)
        return None
    except (binascii.Error, ValueError):
        pass
    # position of the first byte the Go decoder rejects: an illegal character, or the end of a short quantum
    for i, ch in enumerate(cleaned):
        if not (ch.isascii() and (ch.isalnum() or ch in "+/=")):
            return f"illegal base64 data at input byte {i}"
        if ch == "=":
            return f"illegal base64 data at input byte {i}"
    return f"illegal base64 data at input byte {len(cleaned) - len(cleaned) % 4}"


_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def time_problem(text: str, micro: bool = False) -> str | None:
    """A short version of time.Parse(RFC3339)'s error for a malformed timestamp [D]."""
    if _RFC3339.fullmatch(text):
        return None
    layout = "2006-01-02T15:04:05.000000Z07:00" if micro else "2006-01-02T15:04:05Z07:00"
    return f'parsing time "{text}" as "{layout}": cannot parse "{text}" as "2006"'


def decode(obj: dict[str, Any], strict: bool = True) -> None:
    """Check obj against its kind's Go types; raise ApiError 400 BadRequest as the apiserver would."""
    data = schema()
    kind = obj.get("kind")
    if not isinstance(kind, str) or kind not in data["kinds"]:
        return
    decoder = _Decoder(data["types"])
    problem: str | None
    paths: tuple[str, ...] = ()
    try:
        decoder.struct(obj, data["kinds"][kind], [], "")
        problem = decoder.saved
        paths = (decoder.saved_path,)
    except _Returned as returned:
        problem = str(returned)
        paths = (decoder.path,)
    if problem is None and strict and decoder.unknown:
        # mirrors runtime.NewStrictDecodingError
        problem = "strict decoding error: " + ", ".join(f'unknown field "{p}"' for p in decoder.unknown)
        paths = tuple(decoder.unknown)
    if problem is None:
        return
    version = str(obj.get("apiVersion", "")).rsplit("/", 1)[-1]
    err = errors.bad_request(f'{kind} in version "{version}" cannot be handled as a {kind}: {problem}')
    err.field_paths = paths
    raise err
