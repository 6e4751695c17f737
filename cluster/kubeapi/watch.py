"""`?watch=true`: a stream of ADDED/MODIFIED/DELETED events read from the sandbox's change feed.

While a client watches, the sandbox's clock keeps running: whenever a timed happening falls due (an image
pulled, a grace period over) the watch advances the sandbox through `runtime.act`, which saves and publishes
it, and the changes reach every watcher through the feed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from cluster import runtime
from cluster.kubeapi import tables
from cluster.kubeapi.request import (
    authenticate,
    internal_error,
    parse_target,
    selector_for,
    status_response,
    unauthorized,
)
from cluster.kubeapi.selectors import FieldTerm, Selector
from cluster.models import Sandbox
from cluster.sim.apimachinery import errors
from cluster.sim.apimachinery.kinds import Kind
from cluster.sim.apiserver.store import clone

Obj = dict[str, Any]

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
DEFAULT_TIMEOUT_SECONDS = 1800  # kube-apiserver --min-request-timeout
# Podium's cap: the apiserver picks at most 2 × --min-request-timeout for a watch that names no timeout
# (ListResource), and a watch asking for longer gets that long here.
MAX_TIMEOUT_SECONDS = 2 * DEFAULT_TIMEOUT_SECONDS
_INT64_MAX = 2**63 - 1


def timeout_seconds(given: str | None) -> float:
    """`timeoutSeconds` read as the apiserver's query decoder reads an *int64 (strconv.ParseInt), then capped;
    a negative timeout ends the watch at once, as the apiserver's timer does."""
    if given is None or given == "":
        return DEFAULT_TIMEOUT_SECONDS
    digits = given[1:] if given[:1] in "+-" else given
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise errors.bad_request(f'strconv.ParseInt: parsing "{given}": invalid syntax')
    if len(digits) > 19 or int(digits) > _INT64_MAX:
        raise errors.bad_request(f'strconv.ParseInt: parsing "{given}": value out of range')
    seconds = int(given)
    if seconds == 0:
        return DEFAULT_TIMEOUT_SECONDS
    return float(min(seconds, MAX_TIMEOUT_SECONDS)) if seconds > 0 else 0.0


@dataclass
class Watch:
    """One open watch: what it selects, how it prints, and how far through the feed it has read."""

    sandbox: str
    kind: Kind
    selector: Selector
    table_version: str | None
    include_object: str
    deadline: float
    seq: int
    matching: set[tuple[str, str]] = field(default_factory=set)
    sent_columns: bool = False

    def line(self, type_: str, obj: Obj, now: float) -> str:
        if self.table_version is not None:
            meta = obj.get("metadata") or {}
            obj = tables.table(self.kind.kind, [obj], now, resource_version=meta.get("resourceVersion", ""),
                               include_object=self.include_object, api_version=self.table_version,
                               with_columns=not self.sent_columns)
            self.sent_columns = True
        return json.dumps({"type": type_, "object": obj}, separators=(",", ":"), ensure_ascii=False) + "\n"

    def event(self, type_: str, obj: Obj, now: float) -> str | None:
        """The event a watcher sees for this change: objects moving in or out of the selection appear or go."""
        if obj.get("kind") != self.kind.kind:
            return None
        meta = obj.get("metadata") or {}
        key = (meta.get("namespace", ""), meta.get("name", ""))
        selected = self.selector.matches(obj)
        was = key in self.matching
        if type_ == "DELETED":
            self.matching.discard(key)
            return self.line("DELETED", obj, now) if (was or selected) else None
        if selected:
            self.matching.add(key)
            return self.line("MODIFIED" if was and type_ == "MODIFIED" else "ADDED", obj, now)
        if was:
            self.matching.discard(key)
            return self.line("DELETED", obj, now)
        return None


def expired(requested: int, oldest: int) -> str:
    status = errors.ApiError(410, "Expired", f"too old resource version: {requested} ({oldest})").status()
    return json.dumps({"type": "ERROR", "object": status}, separators=(",", ":")) + "\n"


def _start(request: HttpRequest, sandbox: str, group: str, version: str, rest: str,
           token: str | None) -> tuple[Watch, list[str]]:
    """Check the request, bring the sandbox's feed up to now, and the events the watch opens with."""
    with runtime.locked(sandbox):
        authenticate(request, sandbox, token)
        target = parse_target(group, version, rest)
        if target.subresource is not None:
            raise errors.ApiError(405, "MethodNotAllowed", "the server does not allow this method on the "
                                  "requested resource (get)", {})
        kind = target.kind
        selector = selector_for(request, kind, target.namespace if kind.namespaced else None)
        if target.name is not None:
            selector.fields.append(FieldTerm("metadata.name", True, target.name,
                                             lambda o: str((o.get("metadata") or {}).get("name", ""))))
        timeout = timeout_seconds(request.GET.get("timeoutSeconds"))
        requested = request.GET.get("resourceVersion", "")
        if requested and not (requested.isascii() and requested.isdigit() and len(requested) <= 19):
            raise errors.bad_request(f'invalid resource version: "{requested}"')
        # what time has done so far reaches the feed, and the watch starts from exactly what was saved
        outcome = runtime.act(sandbox, lambda cluster: (cluster.now, [
            clone(o) for o in cluster.store.list(kind.kind, selector.namespace) if selector.matches(o)]))
        now, current = outcome.result
        watch = Watch(sandbox, kind, selector, tables.negotiate(request.headers.get("Accept", "")),
                      request.GET.get("includeObject", "Metadata"), time.monotonic() + max(0.0, timeout),
                      outcome.seq)
        watch.matching = {(o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in current}
        if requested in ("", "0"):
            # no resource version: the watch starts with the current state, as synthetic ADDED events
            return watch, [watch.line("ADDED", o, now) for o in current]
        start = int(requested)
        frames = runtime.changes_since(sandbox, start)
        if frames is None:
            return watch, [expired(start, outcome.seq)]
        lines = []
        for frame in frames:
            if frame["seq"] > watch.seq:
                break
            change = frame["change"]
            text = watch.event(change["type"], change["object"], frame["time"])
            if text:
                lines.append(text)
        return watch, lines


def _poll(watch: Watch) -> tuple[list[str], bool]:
    """The events since the last poll (advancing the sandbox if something fell due), and whether to stop."""
    with runtime.locked(watch.sandbox):
        row = Sandbox.objects.filter(name=watch.sandbox).only(
            "seq", "next_due", "cluster_time", "wall_time", "speed").first()
        if row is None:
            return [], True
        if row.seq < watch.seq:  # the sandbox was reset: its history is gone
            return [expired(watch.seq, row.seq)], True
        if row.next_due is not None and row.cluster_now(runtime.wall_clock()) >= row.next_due:
            runtime.act(watch.sandbox, lambda cluster: None)
        frames = runtime.changes_since(watch.sandbox, watch.seq)
        if frames is None:
            return [expired(watch.seq, row.seq)], True
        lines = []
        for frame in frames:
            watch.seq = frame["seq"]
            change = frame["change"]
            text = watch.event(change["type"], change["object"], frame["time"])
            if text:
                lines.append(text)
        return lines, False


async def _stream(watch: Watch, opening: list[str]) -> AsyncIterator[bytes]:
    # an empty first chunk makes the server send the response headers now, as the apiserver does; clients
    # that stop waiting before the first event (kubectl rollout status, delete --wait) need them to hang up
    yield b""
    for line in opening:
        yield line.encode()
    if any('"type":"ERROR"' in line for line in opening):
        return
    while True:
        remaining = watch.deadline - time.monotonic()
        if remaining <= 0:
            return
        await asyncio.sleep(min(POLL_SECONDS, remaining))
        try:
            lines, done = await sync_to_async(_poll)(watch)
        except runtime.SandboxBusy:
            continue
        except Exception as err:  # the watch ends, as a watch on a failing apiserver does
            if not isinstance(err, runtime.SandboxBroken):
                log.exception("watching sandbox %s failed", watch.sandbox)
            return
        for line in lines:
            yield line.encode()
        if done:
            return


async def serve_watch(request: HttpRequest, sandbox: str, group: str, version: str, rest: str,
                      token: str | None = None) -> HttpResponse:
    try:
        watch, opening = await sync_to_async(_start)(request, sandbox, group, version, rest, token)
    except errors.ApiError as err:
        return status_response(err)
    except runtime.SandboxNotFound:
        return status_response(unauthorized())
    except runtime.SandboxBroken as err:
        return status_response(internal_error(str(err)))
    except Exception:
        log.exception("starting a watch on sandbox %s failed", sandbox)
        return status_response(internal_error("an unexpected failure in this simulated cluster"))
    content_type = tables.content_type(watch.table_version) if watch.table_version else "application/json"
    response = StreamingHttpResponse(_stream(watch, opening), content_type=content_type)
    response["Cache-Control"] = "no-cache, private"
    return response
