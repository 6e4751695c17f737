// The "why" panel: for one Service, which pods its selector picks and why, which endpoints are ready,
// and the kube-proxy rules that spread the traffic (a `why` frame from the server).

import { el, mark, table } from "./dom.js";
import { formatLabels } from "./labels.js";

/** Mounts the panel; `ask(namespace, name)` resolves with a `why` (or `error`) frame. */
export function createWhy(root, store, { ask, onPick }) {
  const picker = root.querySelector("#why-service");
  const content = root.querySelector("#why-content");
  let current = null; // "namespace/name"
  let asking = 0;

  picker.addEventListener("change", () => {
    const [ns, name] = picker.value ? picker.value.split("/") : [null, null];
    onPick(ns, name);
  });
  root.querySelector("#why-refresh").addEventListener("click", () => refresh());

  function refreshChoices() {
    const byNamespace = new Map();
    for (const svc of store.list("Service")) {
      const ns = svc.metadata.namespace;
      if (!byNamespace.has(ns)) byNamespace.set(ns, []);
      byNamespace.get(ns).push(svc.metadata.name);
    }
    const order = [...byNamespace.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
    const groups = order.map((ns) => {
      const group = document.createElement("optgroup");
      group.label = `namespace ${ns}`;
      group.append(...byNamespace.get(ns).map((n) => new Option(n, `${ns}/${n}`)));
      return group;
    });
    picker.replaceChildren(new Option("Choose a Service…", ""), ...groups);
    const known = order.some((ns) => byNamespace.get(ns).some((n) => `${ns}/${n}` === current));
    picker.value = known ? current : "";
  }

  async function refresh() {
    if (!current) {
      content.replaceChildren(el("p", "muted", "Click a Service in the diagram (or choose one above) to see which pods it reaches, and why."));
      return;
    }
    const ticket = ++asking;
    const [ns, name] = current.split("/");
    const frame = await ask(ns, name);
    if (ticket !== asking) return;
    if (frame.type === "error") {
      content.replaceChildren(el("p", "error-text", frame.message));
      return;
    }
    render(frame);
  }

  function render(frame) {
    const name = frame.service.namespace && frame.service.namespace !== "default" ? `${frame.service.name}.${frame.service.namespace}` : frame.service.name;
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
        el("span", "why-pod", "", el("code", "pod-name-cell", p.name), el("div", "muted small", p.ip ? `${p.ip} on ${p.node || "no node"}` : "no IP yet")),
        labelChecks(p.labels_checked || []),
        mark(p.match, p.match ? "selected" : "not selected"),
        p.match ? mark(p.ready, p.ready ? "ready" : `not ready${p.reason ? `: ${p.reason}` : ""}`) : el("span", "muted", p.ready ? "ready" : p.reason || "not ready"),
      ]);
      parts.push(el("div", "table-scroll", "", table("Every pod in the namespace against the selector", ["Pod", "Labels checked", "Selector", "Readiness"], rows, "data-table why-pods")));
      if (!pods.some((p) => p.match)) parts.push(el("p", "warning-text", "⚠ No pod has all the selector's labels, so the Service has no endpoints and connections are refused."));
    }

    const endpoints = frame.endpoints || [];
    const epRows = endpoints.map((e) => [
      el("code", "", `${e.ip}:${e.port}`),
      e.pod ? el("code", "pod-name-cell", e.pod) : "—",
      mark(e.ready, e.ready ? "ready" : "not ready"),
      mark(e.serving, e.serving ? "serving" : "not serving"),
      e.terminating ? mark(false, "terminating") : el("span", "muted", "no"),
    ]);
    parts.push(
      endpoints.length
        ? el("div", "table-scroll", "", table("Endpoints (from the EndpointSlices): traffic goes only to ready ones", ["Address", "Pod", "Ready", "Serving", "Terminating"], epRows, "data-table why-endpoints"))
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
    show(namespace, name) {
      current = name ? `${namespace || "default"}/${name}` : null;
      refreshChoices();
      refresh();
    },
    get current() {
      return current;
    },
  };
}

const rank = (ns) => (ns === "default" ? 0 : ns.startsWith("kube-") ? 2 : 1);

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
