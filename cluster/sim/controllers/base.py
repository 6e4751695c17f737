"""What every controller is: a level-driven reconciler over a queue of keys, and what it may use of its cluster."""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any, Protocol

from cluster.sim.apiserver.allocators import ServiceIPRange
from cluster.sim.apiserver.server import ApiServer
from cluster.sim.apiserver.store import Obj, Store
from cluster.sim.clock import Clock
from cluster.sim.controllers.recorder import Recorder
from cluster.sim.settings import ClusterState, Settings


class ClusterContext(Protocol):
    """The part of a cluster that controllers (and kubeadm's bootstrap) work with; `Cluster` provides it."""

    settings: Settings
    store: Store
    api: ApiServer
    clock: Clock
    recorder: Recorder
    rng: Random
    state: ClusterState
    service_ips: ServiceIPRange

    @property
    def now(self) -> float: ...

    @property
    def until(self) -> float: ...

    def timestamp(self) -> str: ...

    def delay(self, seconds: float) -> float: ...

    def nodes(self) -> list[Obj]: ...

    def node_cidr(self, index: int) -> str: ...


class Controller:
    """A level-driven controller: watches the store, queues keys, and reconciles one key at a time."""

    name = "controller"

    def __init__(self, cluster: ClusterContext) -> None:
        self.cluster = cluster
        self.queue: dict[Any, None] = {}

    def enqueue(self, key: Any) -> None:
        self.queue[key] = None

    def on_change(self, type_: str, obj: Obj, old: Obj | None) -> None:
        """Queue the keys this change concerns."""

    def sync(self, key: Any) -> None:
        raise NotImplementedError

    def process(self) -> None:
        keys, self.queue = list(self.queue), {}
        for key in keys:
            self.sync(key)

    def timers(self) -> dict[str, Callable[..., None]]:
        """Timed actions this controller handles, by name."""
        return {}
