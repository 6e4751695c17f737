"""A whole simulated cluster: settings, clock, store, controllers, and its snapshot."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from random import Random
from typing import Any

from cluster.sim.apimachinery.timeutil import rfc3339
from cluster.sim.apiserver.allocators import NodePortRange, ServiceIPRange, pod_cidr
from cluster.sim.apiserver.server import ApiServer
from cluster.sim.apiserver.store import Obj, Store
from cluster.sim.bootstrap import bootstrap
from cluster.sim.clock import Clock
from cluster.sim.controllers import build_controllers
from cluster.sim.controllers.base import Controller
from cluster.sim.controllers.kubelet.kubelet import TIMER as KUBELET_TIMER
from cluster.sim.controllers.kubelet.kubelet import upgrade_v1_timer
from cluster.sim.controllers.recorder import Recorder
from cluster.sim.images.catalog import Catalog
from cluster.sim.network.kubeproxy import Network, ProxyState
from cluster.sim.settings import ClusterState, Settings

SNAPSHOT_VERSION = 2  # 2: kubelet timers name a container by Slot (version 1: init containers from 10 000)
MAX_SETTLE_ROUNDS = 10_000
REQUEST_HISTORY = 50  # the learner's most recent requests, kept in the snapshot for lesson checks
MAX_TRAFFIC_EVENTS = 100  # per batch, the diagram animates at most this many requests
CLUSTER_AGE_SECONDS = 600  # a fresh sandbox looks like a cluster kubeadm built ten minutes ago


class Cluster:
    """Settings, clock, store, API server and controllers of one simulated cluster; see the package docstring."""

    def __init__(self, settings: Settings, now: float) -> None:
        self.settings = settings
        self.rng = Random(settings.seed)
        self.clock = Clock(now)
        self.store = Store(self.rng, lambda: self.clock.now)
        self.state = ClusterState()
        self.recorder = Recorder(self.store, self.clock, self.state)
        self.service_ips = ServiceIPRange(settings.service_cidr)
        self.node_ports = NodePortRange()
        self._until = now
        self.api = ApiServer(self.store, self.clock, self.rng, settings, self.service_ips, self.node_ports)
        self.controllers: list[Controller] = build_controllers(self)
        self._handlers: dict[str, Callable[..., None]] = {"events.expire": self.recorder.expire}
        for controller in self.controllers:
            self._handlers.update(controller.timers())
        self.store.subscribe(self._fan_out)
        self._network: Network | None = None
        self._proxy_state: dict[str, Any] = {}  # kube-proxy's state until the network is first used
        self.traffic: list[dict[str, Any]] = []  # routing events since the last drain (not persisted)

    def _fan_out(self, type_: str, obj: Obj, old: Obj | None) -> None:
        for controller in self.controllers:
            controller.on_change(type_, obj, old)

    # ---- construction and snapshots -----------------------------------------------------------------

    @classmethod
    def create(cls, settings: Settings | None = None, now: float = 0.0) -> Cluster:
        """A fresh cluster as kubeadm leaves it: nodes, namespaces, the `kubernetes` Service, DNS."""
        cluster = cls(settings or Settings(), now - CLUSTER_AGE_SECONDS)
        bootstrap(cluster)
        cluster.advance(now)
        return cluster

    def to_snapshot(self) -> dict[str, Any]:
        self.settle()
        version, internal, gauss = self.rng.getstate()
        return {
            "version": SNAPSHOT_VERSION,
            "settings": asdict(self.settings),
            "clock": self.clock.to_dict(),
            "rng": [version, list(internal), gauss],
            "store": self.store.to_dict(),
            "state": self.state.to_dict(),
            "network": self.network.state.to_dict() if self._network is not None else self._proxy_state,
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Cluster:
        if data.get("version") == 1:
            data = _upgrade_from_v1(data)
        if data.get("version") != SNAPSHOT_VERSION:
            raise ValueError(f"snapshot version {data.get('version')} is not {SNAPSHOT_VERSION}")
        cluster = cls(Settings.from_dict(data["settings"]), data["clock"]["now"])
        cluster.clock.restore(data["clock"])
        version, internal, gauss = data["rng"]
        cluster.rng.setstate((version, tuple(internal), gauss))
        cluster.store.load(data["store"])
        cluster.state.restore(data["state"])
        cluster._proxy_state = data.get("network") or {}
        return cluster

    # ---- time ---------------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.clock.now

    @property
    def until(self) -> float:
        """The time the current advance() is heading for; lets long idle stretches be skipped in one step."""
        return self._until

    def settle(self) -> None:
        """Run the controllers until nothing changes; controllers that fight are a bug and fail loudly."""
        for _ in range(MAX_SETTLE_ROUNDS):
            busy = [c for c in self.controllers if c.queue]
            if not busy:
                return
            for controller in busy:
                controller.process()
        raise RuntimeError("controllers did not settle: " + ", ".join(c.name for c in self.controllers if c.queue))

    def advance(self, to: float) -> None:
        """Move time forward to `to`, firing every timer due on the way."""
        self._until = max(to, self.clock.now)
        self.settle()
        while True:
            due = self.clock.pop_due(self._until)
            if not due:
                break
            for _, _, action, args in due:
                self._handlers[action](*args)
            self.settle()
        self.clock.now = self._until
        self.settle()

    def advance_by(self, seconds: float) -> None:
        self.advance(self.clock.now + seconds)

    def run_until_idle(self, limit: float = 3600.0) -> None:
        """Advance until no timer is due within `limit` seconds of the last one (settled state)."""
        start = self.clock.now
        while True:
            nxt = self.clock.next_time()
            if nxt is None or nxt - start > limit:
                return
            self.advance(nxt)

    def timestamp(self) -> str:
        return rfc3339(self.clock.now)

    def delay(self, seconds: float) -> float:
        """A kubelet-side delay scaled by the lesson's time scale."""
        return seconds * self.settings.time_scale

    def record_traffic(self, events: list[dict[str, Any]]) -> None:
        """Requests sent on the learner's behalf: for the live diagram now, and a short history lesson checks read."""
        self.traffic.extend(events[:MAX_TRAFFIC_EVENTS])
        history = self.state.requests
        for event in events[-REQUEST_HISTORY:]:
            target = event.get("target") or {}
            pod = self.store.get("Pod", target.get("namespace", ""), target.get("name", "")) \
                if target.get("kind") == "pod" else None
            history.append({
                "from": (event.get("client") or {}).get("kind", ""),
                "client": (event.get("client") or {}).get("name", ""),
                "target": target.get("kind", ""),
                "name": target.get("name", ""),
                "labels": dict((pod or {}).get("metadata", {}).get("labels") or {}),
                "result": event.get("result", ""),
                "pod": (event.get("endpoint") or {}).get("pod", ""),
            })
        del history[:-REQUEST_HISTORY]

    def drain_traffic(self) -> list[dict[str, Any]]:
        out, self.traffic = self.traffic, []
        return out

    # ---- helpers for controllers --------------------------------------------------------------------

    def nodes(self) -> list[Obj]:
        return self.store.list("Node")

    def node_cidr(self, index: int) -> str:
        return pod_cidr(self.settings.cluster_cidr, index)

    def preview_network(self) -> Network:
        """kube-proxy over this cluster that routes without changing it: its own copy of the randomness and the
        session affinity, so checks can ask "what would happen" and the cluster's next choices stay the same."""
        rng = Random()
        rng.setstate(self.rng.getstate())
        state = self.network.state.to_dict() if self._network is not None else self._proxy_state
        return Network(self.store, Catalog(self.settings.images), ProxyState.from_dict(json.loads(json.dumps(state))),
                       rng, mode=self.settings.proxy_mode, service_cidr=self.settings.service_cidr,
                       cluster_cidr=self.settings.cluster_cidr)

    @property
    def network(self) -> Network:
        if self._network is None:
            self._network = Network(
                self.store, Catalog(self.settings.images), ProxyState.from_dict(self._proxy_state),
                self.rng, mode=self.settings.proxy_mode, service_cidr=self.settings.service_cidr,
                cluster_cidr=self.settings.cluster_cidr,
            )
        return self._network


def _upgrade_from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A version-1 snapshot in version 2's form: only the kubelet's timers changed."""
    timers = [[when, seq, action, upgrade_v1_timer(args) if action == KUBELET_TIMER else args]
              for when, seq, action, args in data["clock"]["timers"]]
    return {**data, "version": 2, "clock": {**data["clock"], "timers": timers}}
