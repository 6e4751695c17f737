"""Requests sent on a learner's behalf: from a pod, a node or outside the cluster, routed by kube-proxy's model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cluster.sim.cluster import Cluster

OUTSIDE_IP = "203.0.113.10"  # TEST-NET-3: a laptop outside the cluster


class TrafficError(Exception):
    pass


def client_for(cluster: Cluster, source: str, namespace: str = "default") -> Any:
    """`pod/NAME`, `node/NAME` or `outside` as a network Client."""
    from cluster.sim.network.kubeproxy import Client

    if source == "outside":
        return Client("outside", "outside", OUTSIDE_IP, "")
    kind, _, name = source.partition("/")
    if kind in ("pod", "pods", "po"):
        ns, _, pod_name = name.rpartition("/") if "/" in name else (namespace, "", name)
        pod = cluster.store.get("Pod", ns, pod_name)
        if pod is None:
            raise TrafficError(f'pods "{pod_name}" not found')
        ip = (pod.get("status") or {}).get("podIP")
        if not ip:
            raise TrafficError(f"pod/{pod_name} has no IP yet: it cannot send requests until its sandbox is up")
        return Client("pod", pod_name, ip, pod["spec"].get("nodeName", ""), ns)
    if kind in ("node", "nodes", "no"):
        node = cluster.store.get("Node", "", name)
        if node is None:
            raise TrafficError(f'nodes "{name}" not found')
        ip = next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
        return Client("node", name, ip, name)
    raise TrafficError(f"--from must be pod/NAME, node/NAME or outside, not {source!r}")


@dataclass
class TrafficReport:
    url: str
    source: str
    events: list[dict[str, Any]] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = []
        for event in self.events:
            out.append(describe_event(event))
        total = sum(self.hits.values())
        parts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(self.hits.items(), key=lambda kv: -kv[1]))
        out.append(f"{total} request{'s' if total != 1 else ''} from {self.source} to {self.url}: {parts}")
        return out


def describe_event(event: dict[str, Any]) -> str:
    number = event.get("id", 0)
    if event.get("result") == "answered":
        endpoint = event.get("endpoint") or {}
        pod = endpoint.get("pod")
        where = f"pod/{pod}" if pod else endpoint.get("ip", "?")
        return f"#{number} answered by {where} ({endpoint.get('ip')}:{endpoint.get('port')}): HTTP {event.get('status')}"
    return f"#{number} {event.get('result')}: {event.get('reason', '')}"


def send(cluster: Cluster, source: str, url: str, count: int, *, record: bool = True) -> TrafficReport:
    """Route `count` requests and remember their events for the live diagram."""
    client = client_for(cluster, source)
    if "://" not in url:
        url = "http://" + url
    hits, events = cluster.network.route_many(client, url, count, cluster.now, events=True)
    report = TrafficReport(url=url, source=source, events=events, hits=_outcome_keys(hits))
    if record:
        cluster.record_traffic(events)
    return report


def _outcome_keys(hits: dict[str, int]) -> dict[str, int]:
    return {(f"answered by {k}" if k.startswith("pod/") else k): v for k, v in hits.items()}
