"""A Django form per check kind, built from the registry in tutorial.checks: its fields, help and validation.

`params_form(kind)` is the form class for one kind; bound to what an author typed, `params()` gives the
check's parameters as the check reads them. `describe_params` shows parameters the way the forms ask for them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from django import forms

from cluster.sim.apimachinery.kinds import KINDS
from tutorial.checks import REGISTRY, TRAFFIC_RESULTS, CheckKind, Param, parse_path, validate_params

TYPE_HELP = {
    "labels": "labels as key=value, comma-separated, e.g. app=web,tier=front",
    "source": '"outside", "node", "pod" (with from_labels), "node/NAME" or "pod/NAME"',
}
BOOL_CHOICES = [("", "— (default)"), ("true", "yes"), ("false", "no")]


class LabelsField(forms.CharField):
    """Labels typed as kubectl's selectors are: `app=web,tier=front`."""

    def to_python(self, value: Any) -> dict[str, str] | None:
        text = super().to_python(value).strip()
        if not text:
            return None
        labels = {}
        for part in text.split(","):
            key, equals, label = part.strip().partition("=")
            if not equals or not key.strip():
                raise forms.ValidationError(f"{part.strip()!r} is not key=value; write labels like app=web,tier=front")
            labels[key.strip()] = label.strip()
        return labels


class FieldValuesField(forms.CharField):
    """Field paths and values, one `path: value` a line; values read as YAML, so 30080 is a number."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 50, "class": "pd-mono"})

    def to_python(self, value: Any) -> dict[str, Any] | None:
        text = super().to_python(value)
        if not text.strip():
            return None
        fields: dict[str, Any] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            path, colon, raw = line.partition(":")
            path = path.strip()
            if not colon or not path:
                raise forms.ValidationError(f"line {number}: write it as path: value, e.g. spec.type: NodePort")
            if parse_path(path) is None:
                raise forms.ValidationError(f"line {number}: {path} is not a field path (write it like "
                                            "spec.ports[0].port)")
            try:
                fields[path] = yaml.safe_load(raw.strip()) if raw.strip() else ""
            except yaml.YAMLError as err:
                raise forms.ValidationError(f"line {number}: the value does not read as YAML ({err})") from err
        return fields


class PathsField(forms.CharField):
    """Field paths, one a line."""

    widget = forms.Textarea(attrs={"rows": 2, "cols": 50, "class": "pd-mono"})

    def to_python(self, value: Any) -> list[str] | None:
        paths = [line.strip() for line in super().to_python(value).splitlines() if line.strip()]
        bad = [path for path in paths if parse_path(path) is None]
        if bad:
            raise forms.ValidationError(f"not a field path: {', '.join(bad)} (write them like status.podIP)")
        return paths or None


class OptionalBoolField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=BOOL_CHOICES, coerce=lambda v: v == "true", empty_value=None, **kwargs)


def form_field(param: Param) -> forms.Field:
    """The form field that asks for one parameter."""
    common: dict[str, Any] = {"required": param.required, "label": param.name,
                              "help_text": param.help or TYPE_HELP.get(param.type, "")}
    if param.type == "int":
        return forms.IntegerField(min_value=0, **common)
    if param.type == "bool":
        return OptionalBoolField(**{**common, "required": False})
    if param.type == "kind":
        return forms.ChoiceField(choices=[("", "—")] + [(k, k) for k in sorted(KINDS)], **common)
    if param.type == "result":
        return forms.ChoiceField(choices=[("", "— (answered)")] + [(r, r) for r in TRAFFIC_RESULTS], **common)
    if param.type == "labels":
        return LabelsField(**common)
    if param.type == "fields":
        return FieldValuesField(**common)
    if param.type == "paths":
        return PathsField(**common)
    return forms.CharField(max_length=500, **common)


class ParamsForm(forms.Form):
    """The parameters of one check kind; subclasses are made by `params_form`."""

    check_kind: CheckKind
    use_required_attribute = False  # the forms of the kinds not chosen are hidden, and stay empty

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        for problem in validate_params(self.check_kind.id, self._params(cleaned)):
            name = problem.split(" ", 1)[0]
            self.add_error(name if name in self.fields else None, problem)
        return cleaned

    @staticmethod
    def _params(cleaned: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in cleaned.items() if value is not None and value != ""}

    def params(self) -> dict[str, Any]:
        """The check's parameters (call after is_valid): only those given, typed as the check reads them."""
        return self._params(self.cleaned_data)

    @classmethod
    def initial_for(cls, params: dict[str, Any]) -> dict[str, Any]:
        """Form values that show these parameters."""
        return {name: display_value(cls.check_kind.params, name, value) for name, value in (params or {}).items()
                if name in cls.base_fields}


@cache
def params_form(kind: str) -> type[ParamsForm]:
    """The form class for one check kind."""
    spec = REGISTRY[kind]
    attrs: dict[str, Any] = {param.name: form_field(param) for param in spec.params}
    attrs["check_kind"] = spec
    return type(f"{kind.title().replace('_', '')}ParamsForm", (ParamsForm,), attrs)


def display_value(params: tuple[Param, ...], name: str, value: Any) -> Any:
    """A parameter's value as its form field shows it."""
    param = next((p for p in params if p.name == name), None)
    kind = param.type if param else ""
    if kind == "labels" and isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items())
    if kind == "fields" and isinstance(value, dict):
        return "\n".join(f"{path}: {_yaml_scalar(v)}" for path, v in value.items())
    if kind == "paths" and isinstance(value, list):
        return "\n".join(str(p) for p in value)
    if kind == "bool" and isinstance(value, bool):
        return "true" if value else "false"
    return value


def _yaml_scalar(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip().removesuffix(
        "\n...").removesuffix("...").strip()


def describe_params(kind: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, value) pairs a person reads: labels as app=web, field values as path: value."""
    spec = REGISTRY.get(kind)
    order = [p.name for p in spec.params] if spec else []
    out = []
    for name in sorted(params or {}, key=lambda n: order.index(n) if n in order else len(order)):
        value = params[name]
        shown = ("yes" if value else "no") if isinstance(value, bool) else \
            display_value(spec.params if spec else (), name, value)
        out.append((name, ", ".join(str(shown).splitlines()) if isinstance(shown, str) else str(shown)))
    return out
