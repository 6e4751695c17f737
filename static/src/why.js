// The "why" panel: for one Service, which pods its selector picks and why, which endpoints are ready,
// and the kube-proxy rules that spread the traffic (a `why` frame from the server).

import { el, mark, table } from "./dom.js";
import { formatLabels } from "./labels.js";

/** Mounts the panel; `ask(namespace, name)` resolves with a `why` (or `error`) frame. */
export function createWhy(root, store, { ask, onPick }) {
  const picker = root.querySelector("#why-service");
  const content = root.querySelector("#why-content");
  let current = null;
  let asking = 0;

  picker.addEventListener("change", () => onPick(picker.value || null));
  root.querySelector("#why-refresh").addEventListener("click", () => refresh());

  function refreshChoices() {
    const names = store.list("Service", "default").map((s) => s.metadata.name);
    picker.replaceChildren(new Option("Choose a Service…", ""), ...names.map((n) => new Option(n, n)));
    picker.value = current && names.includes(current) ? current : "";
  }

  async function refresh() {
    if (!current) {
      content.replaceChildren(el("p", "muted", "Click a Service in the diagram (or choose one above) to see which pods it reaches, and why."));
      return;
    }
    const ticket = ++asking;
    const frame = await ask("default", current);
    if (ticket !== asking) return;
    if (frame.type === "error") {
      content.replaceChildren(el("p", "error-text", frame.message));
      return;
    }
    render(frame);
  }

  function render(frame) {
    const name = frame.service.name;
    const selector = frame.selector || {};
    const parts = [];
    parts.push(el("h3", "why-title", `Why Service ${name} reaches these pods`));
    const hasSelector = Object.keys(selector).length > 0;
    parts.push(
      el("p", "why-selector", "", el("span", "muted", "selector "), el("code", "", hasSelector ? formatLabels(selector) : "<none>")),
    );
    if (!hasSelector) parts.push(el("p", "muted", "This Service has no selector: its endpoints are managed by hand (or by the API server, for kubernetes)."));

    const pods = frame.pods || [];
    if (hasSelector) {
      const rows = pods.map((p) => [
        el("span", "", "", el("code", "", p.name), el("div", "muted small", p.ip ? `${p.ip} on ${p.node || "no node"}` : "no IP yet")),
        labelChecks(p.labels_checked || []),
        mark(p.match, p.match ? "selected" : "not selected"),
        p.match ? mark(p.ready, p.ready ? "ready" : `not ready${p.reason ? `: ${p.reason}` : ""}`) : el("span", "muted", p.ready ? "ready" : p.reason || "not ready"),
      ]);
      parts.push(table("Every pod in the namespace against the selector", ["Pod", "Labels checked", "Selector", "Readiness"], rows, "data-table why-pods"));
      if (!pods.some((p) => p.match)) parts.push(el("p", "warning-text", "⚠ No pod has all the selector's labels, so the Service has no endpoints and connections are refused."));
    }

    const endpoints = frame.endpoints || [];
    const epRows = endpoints.map((e) => [
      el("code", "", `${e.ip}:${e.port}`),
      e.pod || "—",
      mark(e.ready, e.ready ? "ready" : "not ready"),
      mark(e.serving, e.serving ? "serving" : "not serving"),
      e.terminating ? mark(false, "terminating") : el("span", "muted", "no"),
    ]);
    parts.push(
      endpoints.length
        ? table("Endpoints (from the EndpointSlices): traffic goes only to ready ones", ["Address", "Pod", "Ready", "Serving", "Terminating"], epRows, "data-table why-endpoints")
        : el("p", "muted", "Endpoints: none."),
    );

    const rules = frame.rules || [];
    parts.push(el("h4", "", "kube-proxy rules (iptables-save)"));
    parts.push(rules.length ? el("pre", "why-rules", rules.join("\n")) : el("p", "muted", "No rules for this Service."));
    content.replaceChildren(...parts);
  }

  refreshChoices();
  refresh();

  return {
    refreshChoices,
    refresh,
    /** Shows the panel for one Service (null to clear). */
    show(name) {
      current = name;
      refreshChoices();
      refresh();
    },
    get current() {
      return current;
    },
  };
}

function labelChecks(checks) {
  const list = el("ul", "label-checks");
  for (const c of checks) {
    const text = c.ok
      ? `${c.key}=${c.want}`
      : c.have === null || c.have === undefined
        ? `${c.key}: missing (wants ${c.want})`
        : `${c.key}: has ${c.have}, wants ${c.want}`;
    list.append(el("li", "", "", mark(c.ok, text)));
  }
  return list;
}
