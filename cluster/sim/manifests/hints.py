"""Podium's hints below kubectl's errors: the modern form of a removed API version, and what a mapping error means."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from cluster.sim.apimachinery import kinds
from cluster.sim.apimachinery.kinds import Kind

# Removed API versions and the release that removed them (all workload betas went in 1.16).
REMOVED_IN = {"apps/v1beta1": "1.16", "apps/v1beta2": "1.16", "extensions/v1beta1": "1.16",
               "networking.k8s.io/v1beta1": "1.22"}

INGRESS_REMOVED_IN = "1.22"


def mapping_hint(obj: dict[str, Any], api_version: str, kind: str) -> str | None:
    simulated = kinds.KINDS.get(kind)
    removed_in = INGRESS_REMOVED_IN if kind == "Ingress" else REMOVED_IN.get(api_version)
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
