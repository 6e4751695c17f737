// The pod details panel: labels, IP, node, status, owner, the Services that select it, its events, and
// a "Kill pod" button that deletes it (its Deployment then replaces it, with a new IP).

import { el } from "./dom.js";
import { formatLabels, serviceSelects } from "./labels.js";
import { CATEGORY_LOOK, humanDuration, parseTime, podIP, podReadyText, podRestarts, podStatus, statusCategory, podReady } from "./status.js";
import { Store } from "./store.js";

/** Mounts the panel; `kill(namespace, name)` resolves with the reply to `delete_pod`. */
export function createDetails(root, store, { kill, onClose }) {
  const panel = root.querySelector("#pod-details");
  let current = null;
  let namespace = "default";
  let message = "";

  function render() {
    if (!current) {
      panel.hidden = true;
      return;
    }
    const pod = store.get("Pod", namespace, current);
    panel.hidden = false;
    const header = el("div", "panel-head", "", el("h3", "", namespace === "default" ? "Pod" : `Pod · namespace ${namespace}`));
    const close = el("button", "icon-button", "✕");
    close.type = "button";
    close.setAttribute("aria-label", "Close pod details");
    close.addEventListener("click", () => onClose());
    header.append(close);
    if (!pod) {
      panel.replaceChildren(header, el("p", "pod-gone", `pod "${current}" is gone.`), el("p", "muted", message));
      return;
    }
    const status = podStatus(pod);
    const category = statusCategory(status, podReady(pod));
    const owner = Store.controllerOf(pod);
    const services = store.list("Service", namespace).filter((s) => serviceSelects(s.spec.selector, pod.metadata.labels)).map((s) => s.metadata.name);
    const dl = el("dl", "facts");
    const fact = (term, value) => dl.append(el("dt", "", term), el("dd", "", "", value instanceof Node ? value : document.createTextNode(value)));
    fact("Name", el("code", "", pod.metadata.name));
    fact("Status", el("span", `status-chip cat-${category}`, `${CATEGORY_LOOK[category].icon} ${status}`));
    fact("Ready", podReadyText(pod));
    fact("Restarts", String(podRestarts(pod)));
    fact("IP", podIP(pod));
    fact("Node", pod.spec.nodeName || "<none>");
    fact("Owner", owner ? `${owner.kind}/${owner.name}` : "<none>");
    fact("Labels", labelChips(pod.metadata.labels));
    fact("Selected by", services.length ? services.map((s) => `svc/${s}`).join(", ") : "no Service");

    const events = store.eventsFor("Pod", namespace, current);
    const now = store.time;
    // kubectl describe's Type/Reason/Age/From/Message, stacked to fit a side column.
    const eventsBlock = el("ol", "pod-events");
    for (const e of events) {
      const at = parseTime(e.lastTimestamp || e.eventTime || (e.metadata && e.metadata.creationTimestamp));
      const from = (e.source && e.source.component) || e.reportingComponent || "";
      const age = at === null ? "" : humanDuration(now - at);
      const head = el("div", "pod-event-head", "", el("span", e.type === "Warning" ? "event-type warning" : "event-type", e.type === "Warning" ? "⚠ Warning" : "Normal"));
      head.append(document.createTextNode(` ${e.reason}`), el("span", "muted", ` · ${age} · ${from}`));
      eventsBlock.append(el("li", "", "", head, el("div", "pod-event-message", e.message || "")));
    }
    if (!events.length) eventsBlock.append(el("li", "muted", "Events: <none>"));

    const button = el("button", "button danger", "Kill pod");
    button.type = "button";
    button.id = "kill-pod";
    button.disabled = Boolean(pod.metadata.deletionTimestamp);
    button.title = "Delete this pod, as `kubectl delete pod` does. Its ReplicaSet creates a replacement.";
    button.addEventListener("click", async () => {
      button.disabled = true;
      const reply = await kill(namespace, pod.metadata.name);
      message = reply.type === "error" ? `error: ${reply.message}` : reply.stdout || reply.output || `pod "${pod.metadata.name}" deleted`;
      render();
    });
    panel.replaceChildren(header, dl, el("h4", "", "Events"), eventsBlock, el("div", "panel-actions", "", button, el("span", "muted kill-message", message)));
  }

  return {
    render,
    show(ns, name) {
      if (name !== current || ns !== namespace) message = "";
      current = name;
      namespace = ns || "default";
      render();
    },
    get current() {
      return current;
    },
  };
}

function labelChips(labels) {
  const wrap = el("span", "chips");
  const keys = Object.keys(labels || {}).sort();
  if (!keys.length) wrap.textContent = formatLabels(labels);
  for (const k of keys) wrap.append(el("code", "chip", `${k}=${labels[k]}`));
  return wrap;
}
