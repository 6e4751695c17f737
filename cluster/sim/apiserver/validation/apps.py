"""The apps group (pkg/apis/apps/validation/validation.go): Deployments and ReplicaSets."""

from __future__ import annotations

import re
from typing import Any

from cluster.sim.apimachinery import errors
from cluster.sim.apimachinery.errors import GoValue
from cluster.sim.apimachinery.labels import selector_matches, selector_parses
from cluster.sim.apimachinery.validation import (
    IMMUTABLE_MSG,
    NEGATIVE_MSG,
    PERCENT_FMT,
    PERCENT_MSG,
    full_match,
    regex_error,
)
from cluster.sim.apiserver.validation.core import validate_pod_template
from cluster.sim.apiserver.validation.helpers import (
    Errs,
    Obj,
    as_dict,
    as_int,
    as_list,
    as_str,
    go_map,
    go_string,
    int_or_string_value,
    label_selector_value,
)
from cluster.sim.apiserver.validation.meta import validate_label_selector

# ---- Deployments and ReplicaSets -----------------------------------------------------------------------


def _validate_selector_and_template(spec: Obj, path: str) -> Errs:
    """The selector checks shared by ValidateDeploymentSpec and ValidateReplicaSetSpec, then the template."""
    errs: Errs = []
    selector = spec.get("selector")
    if selector is None:
        errs.append(errors.required(f"{path}.selector"))
    else:
        selector = as_dict(selector)
        errs += validate_label_selector(selector, f"{path}.selector")
        if not as_dict(selector.get("matchLabels")) and not as_list(selector.get("matchExpressions")):
            errs.append(errors.invalid(f"{path}.selector", label_selector_value(selector),
                                       "empty selector is invalid for deployment"))
    if selector is not None and not selector_parses(selector):
        errs.append(errors.invalid(f"{path}.selector", label_selector_value(selector), "invalid label selector"))
        return errs
    errs += _validate_template_for_replica_set(spec.get("template"), selector, f"{path}.template")
    return errs


def _validate_template_for_replica_set(template: Any, selector: Obj | None, path: str) -> Errs:
    """mirrors ValidatePodTemplateSpecForReplicaSet (a nil selector is labels.Nothing(): it matches nothing)."""
    template = as_dict(template)
    raw_labels = as_dict(template.get("metadata")).get("labels")
    labels = as_dict(raw_labels)
    errs: Errs = []
    everything = selector is not None and not selector.get("matchLabels") and not selector.get("matchExpressions")
    if not everything and (selector is None or not selector_matches(selector, labels)):
        rendered = GoValue(go_map(raw_labels if isinstance(raw_labels, dict) else None))
        errs.append(errors.invalid(f"{path}.metadata.labels", rendered, "`selector` does not match template `labels`"))
    errs += validate_pod_template(template, path)
    template_spec = as_dict(template.get("spec"))
    if template_spec.get("restartPolicy") != "Always":
        errs.append(errors.unsupported(f"{path}.spec.restartPolicy", as_str(template_spec.get("restartPolicy")),
                                       ["Always"]))
    if template_spec.get("activeDeadlineSeconds") is not None:
        errs.append(errors.forbidden(f"{path}.spec.activeDeadlineSeconds",
                                     "activeDeadlineSeconds in ReplicaSet is not Supported"))
    return errs


def _percent(value: Any) -> int | None:
    if isinstance(value, str) and full_match(PERCENT_FMT, value):
        return int(value[:-1])
    return None


def _int_or_percent(value: Any) -> int:
    """getIntOrPercentValue: a percent's number, an int, or Atoi of a string (0 if it fails)."""
    percent = _percent(value)
    if percent is not None:
        return percent
    if isinstance(value, str):
        return int(value) if re.fullmatch(r"[+-]?\d+", value) else 0
    return as_int(value)


def _validate_positive_int_or_percent(value: Any, path: str) -> Errs:
    if isinstance(value, str):
        if _percent(value) is None:
            return [errors.invalid(path, int_or_string_value(value),
                                   regex_error(PERCENT_MSG, PERCENT_FMT, "1%", "93%"))]
        return []
    if as_int(value) < 0:
        return [errors.invalid(path, as_int(value), NEGATIVE_MSG)]
    return []


def _strategy_value(strategy: Obj) -> GoValue:
    rolling = "(*apps.RollingUpdateDeployment)(nil)" if strategy.get("rollingUpdate") is None \
        else "(*apps.RollingUpdateDeployment)(0xc000a3e1b0)"  # Go prints the pointer's address
    return GoValue(f"apps.DeploymentStrategy{{Type:{go_string(as_str(strategy.get('type')))}, RollingUpdate:{rolling}}}")


def _validate_strategy(strategy: Any, path: str) -> Errs:
    """mirrors ValidateDeploymentStrategy and ValidateRollingUpdateDeployment."""
    strategy = as_dict(strategy)
    kind = strategy.get("type")
    errs: Errs = []
    if kind == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            errs.append(errors.forbidden(f"{path}.rollingUpdate",
                                         "may not be specified when strategy `type` is 'Recreate'"))
    elif kind == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if rolling is None:
            errs.append(errors.required(f"{path}.rollingUpdate", "this should be defaulted and never be nil"))
            return errs
        rolling = as_dict(rolling)
        unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
        errs += _validate_positive_int_or_percent(unavailable, f"{path}.rollingUpdate.maxUnavailable")
        errs += _validate_positive_int_or_percent(surge, f"{path}.rollingUpdate.maxSurge")
        if _int_or_percent(unavailable) == 0 and _int_or_percent(surge) == 0:
            errs.append(errors.invalid(f"{path}.rollingUpdate.maxUnavailable", int_or_string_value(unavailable),
                                       "may not be 0 when `maxSurge` is 0"))
        percent = _percent(unavailable)
        if percent is not None and percent > 100:
            errs.append(errors.invalid(f"{path}.rollingUpdate.maxUnavailable", int_or_string_value(unavailable),
                                       "must not be greater than 100%"))
    else:
        errs.append(errors.unsupported(path, _strategy_value(strategy), ["Recreate", "RollingUpdate"]))
    return errs


def validate_deployment_spec(deployment: Obj) -> Errs:
    """mirrors ValidateDeploymentSpec."""
    errs: Errs = []
    spec = as_dict(deployment.get("spec"))
    if as_int(spec.get("replicas")) < 0:
        errs.append(errors.invalid("spec.replicas", spec["replicas"], NEGATIVE_MSG))
    errs += _validate_selector_and_template(spec, "spec")
    errs += _validate_strategy(spec.get("strategy"), "spec.strategy")
    min_ready = as_int(spec.get("minReadySeconds"))
    if min_ready < 0:
        errs.append(errors.invalid("spec.minReadySeconds", min_ready, NEGATIVE_MSG))
    history = spec.get("revisionHistoryLimit")
    if isinstance(history, int) and history < 0:
        errs.append(errors.invalid("spec.revisionHistoryLimit", history, NEGATIVE_MSG))
    deadline = spec.get("progressDeadlineSeconds")
    if isinstance(deadline, int):
        if deadline < 0:
            errs.append(errors.invalid("spec.progressDeadlineSeconds", deadline, NEGATIVE_MSG))
        if deadline <= min_ready:
            errs.append(errors.invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"))
    return errs


def validate_replica_set_spec(replica_set: Obj) -> Errs:
    """mirrors ValidateReplicaSetSpec."""
    errs: Errs = []
    spec = as_dict(replica_set.get("spec"))
    if as_int(spec.get("replicas")) < 0:
        errs.append(errors.invalid("spec.replicas", spec["replicas"], NEGATIVE_MSG))
    if as_int(spec.get("minReadySeconds")) < 0:
        errs.append(errors.invalid("spec.minReadySeconds", spec["minReadySeconds"], NEGATIVE_MSG))
    errs += _validate_selector_and_template(spec, "spec")
    return errs


def selector_immutable(new: Obj, old: Obj) -> Errs:
    """apps/v1 strategies: `spec.selector` may not change (registry/apps/*/strategy.go ValidateUpdate) [K]."""
    selector = as_dict(new.get("spec")).get("selector")
    if selector != as_dict(old.get("spec")).get("selector"):
        return [errors.invalid("spec.selector", label_selector_value(selector), IMMUTABLE_MSG)]
    return []
