// The cluster event log (an aria-live region) and the lesson checks list.

import { el } from "./dom.js";

const MAX_LINES = 80;

/** One event as a log line: `Normal Scheduled pod/httpd-… Successfully assigned …`. */
export function eventLine(event) {
  const o = event.involvedObject || event.regarding || {};
  const count = event.count > 1 ? ` (x${event.count})` : "";
  return `${event.type} ${event.reason} ${(o.kind || "").toLowerCase()}/${o.name} ${event.message || event.note || ""}${count}`;
}

/** Cluster time (unix seconds) as `HH:MM:SS` UTC. */
export function clockText(seconds) {
  return new Date(seconds * 1000).toISOString().slice(11, 19);
}

/** Mounts the event log. */
export function createEventLog(list) {
  const seen = new Map();
  return {
    /** Replaces the log with a snapshot's events. */
    reset(events) {
      list.replaceChildren();
      seen.clear();
      const when = (e) => e.lastTimestamp || e.eventTime || (e.metadata && e.metadata.creationTimestamp) || "";
      for (const e of [...events].sort((a, b) => (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0))) this.add(e);
    },
    add(event) {
      const key = (event.metadata && (event.metadata.uid || event.metadata.name)) || eventLine(event);
      const old = seen.get(key);
      if (old) old.remove();
      const at = Date.parse(event.lastTimestamp || event.eventTime || (event.metadata && event.metadata.creationTimestamp) || "");
      const li = el("li", event.type === "Warning" ? "event warning" : "event");
      li.append(
        el("span", "event-time", Number.isNaN(at) ? "" : clockText(at / 1000)),
        el("span", "event-type", event.type === "Warning" ? "⚠ Warning" : "Normal"),
        document.createTextNode(` ${eventLine(event).replace(/^\S+ /, "")}`),
      );
      list.prepend(li);
      seen.set(key, li);
      while (list.childElementCount > MAX_LINES) list.lastElementChild.remove();
    },
  };
}

/** Renders `checks` into an element as a ✓/✗ list with hints. */
export function renderChecks(target, checks) {
  target.replaceChildren();
  const ul = el("ul", "checks");
  for (const c of checks) {
    const li = el("li", c.passed ? "check passed" : "check failed");
    li.dataset.checkId = c.id;
    li.dataset.passed = String(Boolean(c.passed));
    li.append(el("span", "check-mark", c.passed ? "✓" : "✗"), el("span", "check-title", c.title));
    li.append(el("span", "visually-hidden", c.passed ? " (done)" : " (not yet)"));
    if (!c.passed && c.hint) li.append(el("p", "check-hint", c.hint));
    ul.append(li);
  }
  target.append(ul);
}
