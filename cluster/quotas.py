"""Quotas: what one sandbox may hold so that its lesson page can always open it, and the refusal when a command
would make it bigger than that."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cluster.sim.apimachinery import errors
from cluster.sim.cluster import Cluster

# What the page's `snapshot` frame carries (consumers.snapshot): these kinds, and the latest events.
PAGE_KINDS = ("Node", "Pod", "Service", "Endpoints", "EndpointSlice", "Deployment", "ReplicaSet", "ConfigMap",
              "Secret")
PAGE_EVENTS = 50

# daphne refuses to send a websocket message over 1 MiB (its websocket_max_message_size, autobahn's
# maxMessagePayloadSize): a sandbox whose snapshot frame grew past that could never be opened again.
WEBSOCKET_MESSAGE_BYTES = 1024 * 1024
# A command may leave the page's objects at most this big; the rest is headroom for what time alone adds
# (pod statuses filling in, restarts, the latest events) and for the checks the frame also carries.
MAX_PAGE_BYTES = 768 * 1024
# Over MAX_PAGE_BYTES, a command that creates nothing may still grow the page a little, up to HARD_PAGE_BYTES:
# deleting or scaling down marks pods as terminating (their grace period) before they go.
SHRINK_SLACK_BYTES = 64 * 1024
HARD_PAGE_BYTES = 960 * 1024
# Everything else a sandbox keeps (namespaces, events, the kubelets' and kube-proxy's state) has a bound too.
MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024


def page_measure(cluster: Cluster) -> tuple[int, int]:
    """The size (compact JSON) of the objects and events a snapshot frame of this cluster carries, and how many
    objects that is."""
    objects = [obj for kind in PAGE_KINDS for obj in cluster.store.list(kind)]
    events = sorted(cluster.store.list("Event"), key=lambda e: int(e["metadata"].get("resourceVersion", "0")))
    return len(_json({"objects": objects, "events": events[-PAGE_EVENTS:]})), len(objects)


def page_bytes(cluster: Cluster) -> int:
    return page_measure(cluster)[0]


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def kibibytes(size: int) -> str:
    """A size as a Kubernetes quantity in Ki (`768Ki`), rounded up."""
    return f"{-(-size // 1024)}Ki"


class SandboxFull(errors.ApiError):
    """A command would make the sandbox bigger than its page can show; it was not carried out."""

    def __init__(self, before: int, after: int, limit: int = MAX_PAGE_BYTES, what: str = "its lesson page can show"
                 ) -> None:
        # worded as the ResourceQuota admission plugin words a refusal (403 Forbidden, "exceeded quota")
        super().__init__(403, "Forbidden", (
            f"exceeded quota: sandbox-size, requested: size={kibibytes(max(after - before, 0))}, used: "
            f"size={kibibytes(before)}, limited: size={kibibytes(limit)}; this sandbox holds all {what}, so "
            "nothing was changed: delete something or scale down first"))
        self.before, self.after = before, after


@dataclass(frozen=True)
class Measure:
    """A saved sandbox's size: its page's objects (bytes and how many), and its whole snapshot."""

    page: int
    objects: int
    snapshot: int


def check_size(cluster: Cluster, snapshot_size: int, before: Callable[[], Measure]) -> None:
    """Refuse (SandboxFull) a command that leaves the page's objects over MAX_PAGE_BYTES, or the whole snapshot
    over MAX_SNAPSHOT_BYTES, unless it shrinks them.

    `snapshot_size` is the length of the whole snapshot's JSON, which holds everything the frame carries: when
    it is under the page limit nothing needs measuring. `before()` measures the sandbox as saved before the
    command (only asked for when it is over a limit): a command that makes an oversized sandbox smaller, or one
    that creates nothing and grows it by a little (graceful deletion), still goes through.
    """
    if snapshot_size <= MAX_PAGE_BYTES:
        return
    if snapshot_size > MAX_SNAPSHOT_BYTES:
        previous = before()
        if snapshot_size > previous.snapshot:
            raise SandboxFull(previous.snapshot, snapshot_size, MAX_SNAPSHOT_BYTES, "it may keep")
    after, objects = page_measure(cluster)
    if after <= MAX_PAGE_BYTES:
        return
    previous = before()
    if after <= previous.page:
        return
    if objects <= previous.objects and after - previous.page <= SHRINK_SLACK_BYTES and after <= HARD_PAGE_BYTES:
        return
    raise SandboxFull(previous.page, after)
