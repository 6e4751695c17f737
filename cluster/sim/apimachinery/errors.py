"""API errors shaped like metav1.Status, and field errors worded like apimachinery's field.Error."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# field.ErrorType -> (Status cause reason, text)
FIELD_ERROR_TYPES: dict[str, tuple[str, str]] = {
    "required": ("FieldValueRequired", "Required value"),
    "invalid": ("FieldValueInvalid", "Invalid value"),
    "duplicate": ("FieldValueDuplicate", "Duplicate value"),
    "unsupported": ("FieldValueNotSupported", "Unsupported value"),
    "forbidden": ("FieldValueForbidden", "Forbidden"),
    "too_long": ("FieldValueTooLong", "Too long"),
    "too_many": ("FieldValueTooMany", "Too many"),
    "not_found": ("FieldValueNotFound", "Not found"),
    "internal": ("InternalError", "Internal error"),
}
_NO_VALUE = {"required", "forbidden", "too_long", "internal"}


class GoValue:
    """A value that prints as Go's %#v would; used where validation quotes a Go struct."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def go_repr(value: Any) -> str:
    """How field.Error prints a value: ints/bools %v, strings %q, maps and slices as Go literals."""
    if isinstance(value, GoValue):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        inner = ", ".join(f"{go_repr(str(k))}:{go_repr(v)}" for k, v in sorted(value.items()))
        return "map[string]string{" + inner + "}"
    if isinstance(value, list):
        return "[]string{" + ", ".join(go_repr(v) for v in value) + "}"
    if value is None:
        return "<nil>"
    return str(value)


@dataclass(frozen=True)
class FieldError:
    """One validation finding: `spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`."""

    type: str
    field: str
    value: Any = None
    detail: str = ""

    @property
    def reason(self) -> str:
        return FIELD_ERROR_TYPES[self.type][0]

    def body(self) -> str:
        """ErrorBody(): the text after `<field>: `."""
        text = FIELD_ERROR_TYPES[self.type][1]
        if self.type not in _NO_VALUE and self.value is not None:
            text += ": " + go_repr(self.value)
        if self.detail:
            text += ": " + self.detail
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


def required(path: str, detail: str = "") -> FieldError:
    return FieldError("required", path, None, detail)


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError("invalid", path, value, detail)


def unsupported(path: str, value: Any, supported: list[str]) -> FieldError:
    return FieldError("unsupported", path, value, "supported values: " + ", ".join(json.dumps(s) for s in supported))


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError("forbidden", path, None, detail)


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError("duplicate", path, value)


@dataclass
class ApiError(Exception):
    """An error the API server answers with: a metav1.Status with an HTTP code."""

    code: int
    reason: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    # the fields a decoding error is about (not part of the Status): where the editor marks it
    field_paths: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    @property
    def causes(self) -> list[dict[str, str]]:
        return list(self.details.get("causes", []))

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            body["details"] = self.details
        return body


def _qualified(resource: str, group: str) -> str:
    return f"{resource}.{group}" if group else resource


def not_found(resource: str, group: str, name: str) -> ApiError:
    return ApiError(404, "NotFound", f'{_qualified(resource, group)} "{name}" not found',
                    {"name": name, "group": group, "kind": resource} if group else {"name": name, "kind": resource})


def already_exists(resource: str, group: str, name: str) -> ApiError:
    details = {"name": name, "kind": resource}
    if group:
        details["group"] = group
    return ApiError(409, "AlreadyExists", f'{_qualified(resource, group)} "{name}" already exists', details)


def conflict(resource: str, group: str, name: str, why: str) -> ApiError:
    details = {"name": name, "kind": resource}
    if group:
        details["group"] = group
    return ApiError(409, "Conflict",
                    f'Operation cannot be fulfilled on {_qualified(resource, group)} "{name}": {why}', details)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def invalid_object(kind: str, group: str, name: str, errors: list[FieldError]) -> ApiError:
    """apierrors.NewInvalid: 422 with one cause per field error (duplicates dropped)."""
    seen: list[str] = []
    causes = []
    for err in errors:
        text = str(err)
        if text in seen:
            continue
        seen.append(text)
        causes.append({"reason": err.reason, "message": err.body(), "field": err.field})
    qualified = f"{kind}.{group}" if group else kind
    if len(seen) == 1:
        aggregate = seen[0]
    else:
        aggregate = "[" + ", ".join(seen) + "]"
    details: dict[str, Any] = {"name": name, "kind": kind, "causes": causes}
    if group:
        details["group"] = group
    return ApiError(422, "Invalid", f'{qualified} "{name}" is invalid: {aggregate}', details)


class TooMuch(ApiError):
    """A Podium limit was hit (size, count, rate): 413/429-style, with a clear message."""

    def __init__(self, message: str, code: int = 422) -> None:
        super().__init__(code, "RequestEntityTooLarge" if code == 413 else "Forbidden", message)
