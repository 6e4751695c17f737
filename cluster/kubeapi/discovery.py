"""Discovery documents: aggregated (apidiscovery.k8s.io/v2) and legacy, and /version, for the simulated kinds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cluster.sim.apimachinery.kinds import KINDS, Kind
from cluster.sim.settings import KUBERNETES_VERSION

AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"

# What `kubectl version` reads from /version; gitCommit and buildDate are those of the v1.32.4 release [K].
VERSION_INFO = {
    "major": "1",
    "minor": KUBERNETES_VERSION.lstrip("v").split(".")[1],
    "gitVersion": KUBERNETES_VERSION,
    "gitCommit": "59526cd4867447956156ae3a602fcbac5347b0ba",
    "gitTreeState": "clean",
    "buildDate": "2025-04-22T15:56:25Z",
    "goVersion": "go1.23.6",
    "compiler": "gc",
    "platform": "linux/amd64",
}

SUBRESOURCE_VERBS = ("get", "patch", "update")


@dataclass(frozen=True)
class Subresource:
    """A subresource the API serves, with the kind its responses carry."""

    name: str
    group: str
    version: str
    kind: str


def subresources(kind: Kind) -> list[Subresource]:
    """The subresources served for a kind: `status` everywhere it exists, `scale` for the apps workloads."""
    found = []
    if kind.kind in ("Deployment", "ReplicaSet"):
        found.append(Subresource("scale", "autoscaling", "v1", "Scale"))
    if kind.kind in ("Pod", "Service", "Deployment", "ReplicaSet", "Node", "Namespace"):
        found.append(Subresource("status", kind.group, kind.version, kind.kind))
    return found


def group_versions() -> list[tuple[str, str]]:
    """(group, version) pairs served, the core group first, in the order discovery lists them."""
    seen: list[tuple[str, str]] = []
    for kind in KINDS.values():
        if (kind.group, kind.version) not in seen:
            seen.append((kind.group, kind.version))
    return sorted(seen, key=lambda gv: (gv[0] != "", gv[0]))


def kinds_in(group: str, version: str) -> list[Kind]:
    return sorted((k for k in KINDS.values() if (k.group, k.version) == (group, version)),
                  key=lambda k: k.resource)


def find_resource(group: str, version: str, resource: str) -> Kind | None:
    """The simulated kind served at group/version under this plural resource name."""
    for kind in KINDS.values():
        if (kind.group, kind.version, kind.resource) == (group, version, resource):
            return kind
    return None


# ---- aggregated discovery ----------------------------------------------------------------------------


def _resource_discovery(kind: Kind) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "resource": kind.resource,
        "responseKind": {"group": kind.group, "version": kind.version, "kind": kind.kind},
        "scope": "Namespaced" if kind.namespaced else "Cluster",
        "singularResource": kind.singular,
        "verbs": sorted(kind.verbs),
    }
    if kind.short_names:
        entry["shortNames"] = list(kind.short_names)
    if kind.categories:
        entry["categories"] = list(kind.categories)
    subs = subresources(kind)
    if subs:
        entry["subresources"] = [
            {"subresource": s.name, "responseKind": {"group": s.group, "version": s.version, "kind": s.kind},
             "verbs": list(SUBRESOURCE_VERBS)}
            for s in subs
        ]
    return entry


def _group_discovery(group: str) -> dict[str, Any]:
    versions = [v for g, v in group_versions() if g == group]
    meta: dict[str, Any] = {"creationTimestamp": None}
    if group:
        meta["name"] = group
    return {
        "metadata": meta,
        "versions": [
            {"version": v, "resources": [_resource_discovery(k) for k in kinds_in(group, v)], "freshness": "Current"}
            for v in versions
        ],
    }


def aggregated(core: bool, api_version: str = "apidiscovery.k8s.io/v2") -> dict[str, Any]:
    """The APIGroupDiscoveryList for /api (core) or /apis (every named group)."""
    groups = [""] if core else sorted({g for g, _ in group_versions() if g})
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": api_version,
        "metadata": {},
        "items": [_group_discovery(g) for g in groups],
    }


def negotiate_aggregated(accept: str) -> str | None:
    """The aggregated content type the client accepts (v2 preferred), or None for the legacy documents."""
    offered = [part.replace(" ", "") for part in accept.split(",")]
    for wanted in (AGGREGATED_V2, AGGREGATED_V2BETA1):
        params = set(wanted.split(";"))
        if any(set(o.split(";")) >= params for o in offered):
            return wanted
    return None


# ---- legacy discovery --------------------------------------------------------------------------------


def api_versions(server_address: str) -> dict[str, Any]:
    """GET /api as metav1.APIVersions."""
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}


def api_group_list() -> dict[str, Any]:
    """GET /apis as metav1.APIGroupList."""
    groups = []
    for group in sorted({g for g, _ in group_versions() if g}):
        versions = [{"groupVersion": f"{group}/{v}", "version": v} for g, v in group_versions() if g == group]
        groups.append({"name": group, "versions": versions, "preferredVersion": versions[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> dict[str, Any] | None:
    """GET /apis/<group> as metav1.APIGroup."""
    for entry in api_group_list()["groups"]:
        if entry["name"] == group:
            return {"kind": "APIGroup", "apiVersion": "v1", **entry}
    return None


def resource_list(group: str, version: str) -> dict[str, Any] | None:
    """GET /api/v1 or /apis/<group>/<version> as metav1.APIResourceList."""
    kinds = kinds_in(group, version)
    if not kinds:
        return None
    resources: list[dict[str, Any]] = []
    for kind in kinds:
        entry: dict[str, Any] = {"name": kind.resource, "singularName": kind.singular,
                                 "namespaced": kind.namespaced, "kind": kind.kind, "verbs": sorted(kind.verbs)}
        if kind.short_names:
            entry["shortNames"] = list(kind.short_names)
        if kind.categories:
            entry["categories"] = list(kind.categories)
        resources.append(entry)
        for sub in subresources(kind):
            sub_entry: dict[str, Any] = {"name": f"{kind.resource}/{sub.name}", "singularName": "",
                                         "namespaced": kind.namespaced, "kind": sub.kind,
                                         "verbs": list(SUBRESOURCE_VERBS)}
            if (sub.group, sub.version) != (kind.group, kind.version):
                sub_entry["group"], sub_entry["version"] = sub.group, sub.version
            resources.append(sub_entry)
    group_version = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}
