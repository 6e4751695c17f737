"""`kubectl get -w` / `--watch-only`: the listing, then one printed row per change until the learner stops it.

`start` runs inside `kubectl get` and leaves a `Watcher` on the session; whoever holds the terminal (the
websocket consumer) hands it each change of the store, and `Watcher.change` says what kubectl prints for it.
The watch filters changes as the API server's watch cache does: an object that stops matching the selectors
arrives as DELETED, one that starts matching as ADDED.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cluster.sim.apimachinery import labels
from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.apiserver.fieldselectors import FieldTerm, fields_match
from cluster.sim.apiserver.tables import column, meta_of, table
from cluster.sim.kubectl import jsonpath, printers
from cluster.sim.kubectl.flags import Parsed
from cluster.sim.kubectl.resource import _selectors, list_objects
from cluster.sim.kubectl.session import KubectlError, Obj, Session, Targets, errors_text
from cluster.sim.kubectl.tabwriter import TabWriter

SINGLE_TYPE = "error: you may only specify a single resource type"
MULTIPLE_KINDS = ("error: watch is only supported on individual resources and resource collections - more than 1 "
                  "resource was found")
EVENT = column("Event")


@dataclass
class Watcher:
    """One running `kubectl get -w`: what it watches, how it prints, and what it has printed so far."""

    kind: str
    namespace: str | None  # None: every namespace (or a cluster-scoped kind)
    names: list[str]
    selector: labels.Selector
    terms: list[FieldTerm]
    output: str = ""
    all_namespaces: bool = False
    show_labels: bool = False
    label_columns: list[str] = field(default_factory=list)
    no_headers: bool = False
    watch_events: bool = False  # --output-watch-events
    since: int = 0  # the store's resourceVersion the listing showed; later changes are printed
    matching: set[tuple[str, str]] = field(default_factory=set)
    header_printed: bool = False
    printed: int = 0  # objects printed (YAML separates them with ---)
    writer: TabWriter = field(default_factory=lambda: TabWriter(6, 4, 3, remember_widths=True))

    def _key(self, obj: Obj) -> tuple[str, str]:
        meta = meta_of(obj)
        return str(meta.get("namespace", "")), str(meta.get("name", ""))

    def _in_scope(self, obj: Obj) -> bool:
        if obj.get("kind") != self.kind:
            return False
        namespace, name = self._key(obj)
        if self.namespace is not None and namespace != self.namespace:
            return False
        return not self.names or name in self.names

    def _selected(self, obj: Obj) -> bool:
        return self.selector.matches(meta_of(obj).get("labels")) and fields_match(self.terms, obj)

    def event_for(self, change_type: str, obj: Obj) -> str | None:
        """The watch event this change of the store gives this watch (None: the watch is not told)."""
        if not self._in_scope(obj):
            return None
        key = self._key(obj)
        was = key in self.matching
        now = change_type != "DELETED" and self._selected(obj)
        if now:
            self.matching.add(key)
            return "MODIFIED" if was and change_type == "MODIFIED" else "ADDED"
        self.matching.discard(key)
        return "DELETED" if was else None

    def change(self, change_type: str, obj: Obj, now: float, seq: int = 0) -> str:
        """What kubectl prints for one change of the store at cluster time `now` ("" for nothing)."""
        if seq and seq <= self.since:
            return ""
        event = self.event_for(change_type, obj)
        if event is None:
            return ""
        return self.print(event, [obj], now)

    def print(self, event: str, objs: list[Obj], now: float) -> str:
        """Objects as one watch event's printer prints them; the table header comes once, widths only grow."""
        if not objs:
            return ""
        if self.output in ("", "wide"):
            return self._rows(event, objs, now)
        out = []
        for obj in objs:
            shown: Obj = {"type": event, "object": obj} if self.watch_events else obj
            if self.output == "name":
                out.append(printers.name_of(obj) + "\n")
            elif self.output == "yaml":
                out.append(("---\n" if self.printed else "") + printers.to_yaml(shown))
            elif self.output == "json":
                out.append(printers.to_json(shown))
            elif self.output.startswith("jsonpath="):
                template = self.output[len("jsonpath="):]
                if len(template) >= 2 and template[0] == template[-1] and template[0] in "'\"":
                    template = template[1:-1]
                out.append(jsonpath.execute(template, shown))
            self.printed += 1
        return "".join(out)

    def _rows(self, event: str, objs: list[Obj], now: float) -> str:
        columns, rows = table(self.kind, objs, now)
        if self.watch_events:
            columns = [EVENT, *columns]
            rows = [[event, *row] for row in rows]
        namespaced = KINDS[self.kind].namespaced
        printers.render_table(
            columns, rows, wide=self.output == "wide",
            namespaces=[meta_of(o).get("namespace", "") for o in objs] if self.all_namespaces and namespaced
            else None, show_labels=self.show_labels, labels=[meta_of(o).get("labels") or {} for o in objs],
            label_columns=self.label_columns, no_headers=self.no_headers or self.header_printed, writer=self.writer)
        self.header_printed = True
        self.printed += len(objs)
        self.writer.flush()
        return self.writer.take()

    def change_frame(self, frame: dict[str, Any]) -> str:
        """What kubectl prints for one `change` frame of the websocket feed."""
        change = frame.get("change") or {}
        obj = change.get("object")
        if frame.get("type") != "change" or not isinstance(obj, dict):
            return ""
        return self.change(str(change.get("type", "")), obj, float(frame.get("time", 0.0)), int(frame.get("seq", 0)))


def start(s: Session, p: Parsed, targets: Targets, sort: Callable[[list[Obj], str], list[Obj]]) -> int:
    """kubectl get's watch: print the current objects (unless --watch-only), then leave the watch running."""
    if len(p.args) == 1 and "," in p.args[0].strip(",") and "/" not in p.args[0]:
        raise KubectlError(SINGLE_TYPE)
    if len({t.kind.kind for t in targets.items}) > 1:
        raise KubectlError(MULTIPLE_KINDS)
    if not targets.items:
        return 0
    target = targets.items[0]
    kind = target.kind
    objs, errs = list_objects(s, kind, target.names, all_namespaces=p["all-namespaces"], selector=p["selector"],
                              field_selector=p["field-selector"], ignore_not_found=p["ignore-not-found"])
    if errs:
        raise KubectlError(errors_text(errs))
    if p["sort-by"]:
        objs = sort(objs, p["sort-by"])
    selector, terms = _selectors(kind, p["selector"], p["field-selector"])
    output: str = p["output"]
    watcher = Watcher(
        kind.kind, None if p["all-namespaces"] or not kind.namespaced else s.namespace, list(target.names),
        selector, terms, output=output, all_namespaces=p["all-namespaces"], show_labels=p["show-labels"],
        label_columns=list(p["label-columns"]), no_headers=p["no-headers"], watch_events=p["output-watch-events"],
        since=int(s.store.rv))
    watcher.matching = {watcher._key(o) for o in objs}
    if not p["watch-only"]:
        try:
            s.write(watcher.print("ADDED", objs, s.now))
        except jsonpath.JSONPathError as exc:
            raise KubectlError(f"error: {exc}") from exc
    s.watch = watcher
    return 0
