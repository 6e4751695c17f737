"""What a lesson or an admin may choose about a cluster, and what the cluster keeps beside its objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_origin, get_type_hints

KUBERNETES_VERSION = "v1.32.4"  # what the API server and the kubelets report

# What a lesson may choose; the rest (limits, node sizes, the cluster's name) is the server's to set.
LESSON_SETTINGS = ("seed", "service_cidr", "cluster_cidr", "workers", "time_scale", "stages", "images",
                   "proxy_mode")


@dataclass
class Settings:
    """What a lesson or an admin may choose about a cluster; everything else follows from the seed."""

    seed: int = 1
    service_cidr: str = "10.96.0.0/12"
    cluster_cidr: str = "10.244.0.0/16"
    workers: int = 2
    cluster_name: str = "podium"
    proxy_mode: str = "iptables"  # or "ipvs"
    time_scale: float = 1.0  # multiplies kubelet delays; a lesson may speed the lifecycle up (0.25 = 4× faster)
    # the kubelet's stage table, changed by stage name: {"sandbox": {"delay": 5}} (controllers/kubelet/stages.py)
    stages: dict[str, dict[str, float]] = field(default_factory=dict)
    images: dict[str, Any] = field(default_factory=dict)  # catalog additions
    max_objects: int = 5000
    max_replicas: int = 1000
    node_cpu: str = "8"
    node_memory: str = "16Gi"
    node_max_pods: int = 110

    @classmethod
    def json_types(cls, names: tuple[str, ...]) -> dict[str, tuple[type, ...]]:
        """The JSON types each named field accepts (an int where a float is expected), for checking lesson files."""
        hints = get_type_hints(cls)
        out: dict[str, tuple[type, ...]] = {}
        for name in names:
            hint = get_origin(hints[name]) or hints[name]
            out[name] = (int, float) if hint is float else (hint,)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class ClusterState:
    """What the control plane remembers beside the objects, one field per owner, persisted in the snapshot."""

    event_keys: dict[str, str] = field(default_factory=dict)  # the recorder: aggregation key -> event name
    event_names: dict[str, str] = field(default_factory=dict)  # the recorder: event name -> aggregation key
    event_seq: int = 0  # the recorder: tie-breaker for event names created in the same nanosecond
    kubelet: dict[str, dict[str, Any]] = field(default_factory=dict)  # the kubelets: per pod uid
    ipam: dict[str, Any] = field(default_factory=dict)  # host-local IPAM: per node
    requests: list[dict[str, Any]] = field(default_factory=list)  # the learner's recent requests, for checks

    def restore(self, data: dict[str, Any]) -> None:
        """Take a snapshot's state, in place (the recorder and the kubelets keep this object)."""
        fresh = ClusterState()
        for name in self.__dataclass_fields__:
            setattr(self, name, data.get(name, getattr(fresh, name)))

    def to_dict(self) -> dict[str, Any]:
        """Only what is set, as the snapshot has always stored it."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value:
                out[name] = value
        return out
