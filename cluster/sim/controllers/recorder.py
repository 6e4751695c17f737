"""core/v1 Events as controllers and the kubelet record them, with the recorder's aggregation and a TTL."""

from __future__ import annotations

from typing import Any

from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.apimachinery.timeutil import rfc3339
from cluster.sim.apiserver.store import Obj, Store
from cluster.sim.clock import Clock
from cluster.sim.settings import ClusterState

EVENT_TTL_SECONDS = 3600  # kube-apiserver --event-ttl default


class Recorder:
    """Records events; a repeat of the same (object, type, reason, message, source) bumps `count`."""

    def __init__(self, store: Store, clock: Clock, state: ClusterState) -> None:
        self.store = store
        self.clock = clock
        self.state = state

    def record(self, obj: Obj, type_: str, reason: str, message: str, component: str,
               host: str | None = None, field_path: str | None = None) -> Obj:
        store = self.store
        now = self.clock.now
        meta = obj["metadata"]
        namespace = meta.get("namespace") or "default"
        involved: dict[str, Any] = {
            "kind": obj["kind"],
            "namespace": meta.get("namespace", "") or ("default" if obj["kind"] == "Node" else ""),
            "name": meta["name"],
            "uid": meta.get("uid", meta["name"]),
            "apiVersion": KINDS[obj["kind"]].api_version,
            "resourceVersion": meta.get("resourceVersion", ""),
        }
        if obj["kind"] == "Node":
            involved["uid"] = meta["name"]
            involved.pop("resourceVersion")
        if field_path:
            involved["fieldPath"] = field_path
        key = (involved["uid"], type_, reason, message, component, field_path or "")
        existing_name = self.state.event_keys.get("|".join(key))
        if existing_name:
            current = store.get("Event", namespace, existing_name)
            if current is not None:
                updated = dict(current)
                updated["count"] = current.get("count", 1) + 1
                updated["lastTimestamp"] = rfc3339(now)
                updated["metadata"] = dict(current["metadata"])
                result = store.update(updated, check_version=False)
                self.clock.at(now + EVENT_TTL_SECONDS, "events.expire", namespace, existing_name,
                                      updated["lastTimestamp"])
                return result
        stamp = int(now * 1e9) + self.state.event_seq
        self.state.event_seq += 1
        name = f"{meta['name']}.{stamp:x}"
        source: dict[str, str] = {"component": component}
        if host:
            source["host"] = host
        event: Obj = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": namespace},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": rfc3339(now),
            "lastTimestamp": rfc3339(now),
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host or "",
        }
        created = store.create(event)
        self.state.event_keys["|".join(key)] = name
        self.state.event_names[name] = "|".join(key)
        self.clock.at(now + EVENT_TTL_SECONDS, "events.expire", namespace, name, event["lastTimestamp"])
        return created

    def expire(self, namespace: str, name: str, last_timestamp: str) -> None:
        """Delete an event whose TTL ran out, unless it was repeated since."""
        current = self.store.get("Event", namespace, name)
        if current is None or current.get("lastTimestamp") != last_timestamp:
            return
        self.store.delete("Event", namespace, name)
        key = self.state.event_names.pop(name, None)
        if key is not None:
            self.state.event_keys.pop(key, None)
