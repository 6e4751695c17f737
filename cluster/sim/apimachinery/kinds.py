"""The kinds this cluster simulates, with their API coordinates, as discovery describes them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    kind: str
    group: str
    version: str
    resource: str  # plural, lower case: "deployments"
    singular: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified_resource(self) -> str:
        """`deployments.apps`, `pods`: how errors name the resource."""
        return f"{self.resource}.{self.group}" if self.group else self.resource

    @property
    def type_name(self) -> str:
        """`deployment.apps`, `pod`: how kubectl's name printer names the type."""
        return f"{self.kind.lower()}.{self.group}" if self.group else self.kind.lower()


KINDS: dict[str, Kind] = {
    k.kind: k
    for k in (
        Kind("Namespace", "", "v1", "namespaces", "namespace", False, ("ns",),
             verbs=("create", "delete", "get", "list", "patch", "update", "watch")),
        Kind("Node", "", "v1", "nodes", "node", False, ("no",)),
        Kind("Pod", "", "v1", "pods", "pod", True, ("po",), ("all",)),
        Kind("Service", "", "v1", "services", "service", True, ("svc",), ("all",),
             verbs=("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")),
        Kind("Endpoints", "", "v1", "endpoints", "endpoints", True, ("ep",)),
        Kind("ConfigMap", "", "v1", "configmaps", "configmap", True, ("cm",)),
        Kind("Secret", "", "v1", "secrets", "secret", True),
        Kind("Event", "", "v1", "events", "event", True, ("ev",)),
        Kind("Deployment", "apps", "v1", "deployments", "deployment", True, ("deploy",), ("all",)),
        Kind("ReplicaSet", "apps", "v1", "replicasets", "replicaset", True, ("rs",), ("all",)),
        Kind("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", "endpointslice", True),
    )
}

# Order in which `kubectl get all` prints what it finds.
ALL_CATEGORY_ORDER = ("Pod", "Service", "Deployment", "ReplicaSet")

# API versions Kubernetes once served and has since removed: kind -> versions.
REMOVED_VERSIONS: dict[str, tuple[str, ...]] = {
    "Deployment": ("apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"),
    "ReplicaSet": ("apps/v1beta2", "extensions/v1beta1"),
    "DaemonSet": ("apps/v1beta2", "extensions/v1beta1"),
    "StatefulSet": ("apps/v1beta1", "apps/v1beta2"),
    "Ingress": ("extensions/v1beta1", "networking.k8s.io/v1beta1"),
}

# Kinds a real cluster serves but Podium does not simulate: kind -> apiVersion.
KNOWN_UNSIMULATED: dict[str, str] = {
    "PersistentVolumeClaim": "v1", "PersistentVolume": "v1", "ServiceAccount": "v1", "LimitRange": "v1",
    "ResourceQuota": "v1", "ReplicationController": "v1",
    "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "ControllerRevision": "apps/v1",
    "Job": "batch/v1", "CronJob": "batch/v1", "Ingress": "networking.k8s.io/v1",
    "IngressClass": "networking.k8s.io/v1", "NetworkPolicy": "networking.k8s.io/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2", "PodDisruptionBudget": "policy/v1",
    "Role": "rbac.authorization.k8s.io/v1", "RoleBinding": "rbac.authorization.k8s.io/v1",
    "ClusterRole": "rbac.authorization.k8s.io/v1", "ClusterRoleBinding": "rbac.authorization.k8s.io/v1",
    "StorageClass": "storage.k8s.io/v1", "CustomResourceDefinition": "apiextensions.k8s.io/v1",
}


def simulated_kinds_text() -> str:
    return ", ".join(sorted(KINDS))


def by_api_version_kind(api_version: str, kind: str) -> Kind | None:
    """The simulated kind served at exactly this apiVersion and kind, or None."""
    found = KINDS.get(kind)
    if found is None or found.api_version != api_version:
        return None
    return found


def resolve_resource(name: str) -> Kind | None:
    """Match what a user types after `kubectl get`: plural, singular, short name, kind, or `plural.group`."""
    lowered = name.lower()
    for k in KINDS.values():
        if lowered in (k.resource, k.singular, k.kind.lower(), *k.short_names):
            return k
        if k.group and lowered in (f"{k.resource}.{k.group}", f"{k.singular}.{k.group}",
                                   f"{k.resource}.{k.version}.{k.group}"):
            return k
    return None
