// The traffic panel: pick a client and a URL, send 1, 10 or 100 requests (or a steady 2/s), watch each
// request travel client → Service → pod in the diagram, and count which pod answered.

import { select } from "d3-selection";
import "d3-transition";
import { podIP } from "./status.js";

const MAX_LOG = 40;

/** The sources a request can come from: `outside`, every node, every pod with an IP. */
export function trafficSources(store) {
  const sources = [{ value: "outside", label: "Outside the cluster (your laptop)" }];
  for (const node of store.list("Node")) sources.push({ value: `node/${node.metadata.name}`, label: `Node ${node.metadata.name}` });
  for (const pod of store.list("Pod", "default")) {
    if (podIP(pod) !== "<none>") sources.push({ value: `pod/${pod.metadata.name}`, label: `Pod ${pod.metadata.name}` });
  }
  return sources;
}

/** URLs worth trying: every Service by name and by ClusterIP, NodePorts on node IPs, pod IPs. */
export function trafficTargets(store) {
  const targets = [];
  const nodeIPs = store.list("Node").map((n) => ((n.status || {}).addresses || []).find((a) => a.type === "InternalIP")).filter(Boolean).map((a) => a.address);
  for (const svc of store.list("Service", "default")) {
    const spec = svc.spec || {};
    for (const port of spec.ports || []) {
      if ((port.protocol || "TCP") !== "TCP") continue;
      targets.push({ url: `http://${svc.metadata.name}:${port.port}/`, label: `Service ${svc.metadata.name} by name` });
      if (spec.clusterIP && spec.clusterIP !== "None") targets.push({ url: `http://${spec.clusterIP}:${port.port}/`, label: `Service ${svc.metadata.name} by ClusterIP` });
      if (port.nodePort && nodeIPs[0]) targets.push({ url: `http://${nodeIPs[0]}:${port.nodePort}/`, label: `NodePort of ${svc.metadata.name}` });
    }
  }
  for (const pod of store.list("Pod", "default")) {
    const ip = podIP(pod);
    if (ip === "<none>") continue;
    const port = (pod.spec.containers || []).flatMap((c) => c.ports || [])[0];
    targets.push({ url: `http://${ip}:${port ? port.containerPort : 80}/`, label: `Pod ${pod.metadata.name} directly` });
  }
  return targets;
}

/** Counts answers per pod and failures per reason over a batch of routing events. */
export function countHits(requests, hits = new Map(), failures = new Map()) {
  for (const r of requests) {
    if (r.result === "answered" && r.endpoint && r.endpoint.pod) hits.set(r.endpoint.pod, (hits.get(r.endpoint.pod) || 0) + 1);
    else if (r.result !== "answered") failures.set(r.reason || r.result, (failures.get(r.reason || r.result) || 0) + 1);
  }
  return { hits, failures };
}

/** Mounts the panel. `send(frame)` sends a `traffic` frame; `diagram` gives anchors for the dots. */
export function createTraffic(root, store, diagram, { send }) {
  const from = root.querySelector("#traffic-from");
  const url = root.querySelector("#traffic-url");
  const count = root.querySelector("#traffic-count");
  const targets = root.querySelector("#traffic-targets");
  const steady = root.querySelector("#traffic-steady");
  const chart = root.querySelector("#hit-chart");
  const log = root.querySelector("#traffic-log");
  const summary = root.querySelector("#traffic-summary");
  let hits = new Map();
  let failures = new Map();
  let steadyTimer = null;
  let chosen = false;
  from.addEventListener("change", () => (chosen = true));

  const fire = (n) => {
    const c = Math.max(1, Math.min(100, Number(n) || 1));
    if (!url.value.trim()) {
      summary.textContent = "Choose a URL to send requests to.";
      url.focus();
      return;
    }
    send({ type: "traffic", from: from.value, url: url.value.trim(), count: c });
  };

  root.querySelector("#traffic-send").addEventListener("click", () => fire(count.value));
  for (const button of root.querySelectorAll("[data-traffic-count]")) {
    button.addEventListener("click", () => {
      count.value = button.dataset.trafficCount;
      fire(button.dataset.trafficCount);
    });
  }
  url.addEventListener("keydown", (event) => {
    if (event.key === "Enter") fire(count.value);
  });
  steady.addEventListener("click", () => {
    if (steadyTimer) {
      clearInterval(steadyTimer);
      steadyTimer = null;
    } else {
      // Two requests each second: the same rate as one every 500 ms, in half the frames.
      fire(2);
      steadyTimer = setInterval(() => fire(2), 1000);
    }
    steady.setAttribute("aria-pressed", String(Boolean(steadyTimer)));
    steady.textContent = steadyTimer ? "Stop steady 2/s" : "Steady 2/s";
  });
  root.querySelector("#hit-reset").addEventListener("click", () => {
    hits = new Map();
    failures = new Map();
    renderChart();
    log.replaceChildren();
    summary.textContent = "Counts cleared.";
  });

  function refreshChoices() {
    const current = from.value;
    const sources = trafficSources(store);
    from.replaceChildren(...sources.map((s) => new Option(s.label, s.value)));
    const fallback =
      sources.find((s) => s.value === "pod/client") || sources.find((s) => s.value.startsWith("node/") && !s.value.includes("control-plane")) || sources[0];
    from.value = chosen && sources.some((s) => s.value === current) ? current : fallback.value;
    const list = trafficTargets(store);
    targets.replaceChildren(...list.map((t) => new Option(t.label, t.url)));
    if (!url.value && list.length) url.value = list[0].url;
  }

  function renderChart() {
    const max = Math.max(1, ...hits.values());
    const rows = [...hits.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    chart.replaceChildren();
    if (!rows.length && !failures.size) {
      const empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = "No answers yet. Send a few requests to a Service and see how they spread over its pods.";
      chart.append(empty);
    }
    for (const [pod, n] of rows) chart.append(barRow(pod, n, max, false));
    for (const [reason, n] of failures) chart.append(barRow(reason, n, max, true));
  }

  function barRow(name, n, max, failed) {
    const row = document.createElement("div");
    row.className = failed ? "hit-row failed" : "hit-row";
    if (failed) row.dataset.failure = name;
    else row.dataset.pod = name;
    row.dataset.hits = String(n);
    const label = document.createElement("span");
    label.className = "hit-label";
    label.textContent = failed ? `✗ ${name}` : name;
    label.title = name;
    const track = document.createElement("span");
    track.className = "hit-track";
    const bar = document.createElement("span");
    bar.className = "hit-bar";
    bar.style.width = `${Math.round((n / max) * 100)}%`;
    track.append(bar);
    const value = document.createElement("span");
    value.className = "hit-count";
    value.textContent = String(n);
    row.append(label, track, value);
    return row;
  }

  function logRequest(r) {
    const li = document.createElement("li");
    li.className = r.result === "answered" ? "ok" : "failed";
    const client = r.client ? `${r.client.kind === "outside" ? "outside" : `${r.client.kind}/${r.client.name || r.client.ip}`}` : "?";
    const via = r.target && r.target.kind === "service" ? ` → svc/${r.target.name}:${r.target.port}` : "";
    const to = r.endpoint ? ` → ${r.endpoint.pod ? `pod/${r.endpoint.pod}` : ""} ${r.endpoint.ip}:${r.endpoint.port}` : "";
    const result = r.result === "answered" ? ` · ${r.status}` : ` · ✗ ${r.result}: ${r.reason}`;
    li.textContent = `#${r.id} ${client}${via}${to}${result}`;
    if (r.rule) li.title = r.rule;
    log.prepend(li);
    while (log.childElementCount > MAX_LOG) log.lastElementChild.remove();
  }

  function animate(requests) {
    const layer = diagram.layer("traffic");
    const step = requests.length <= 10 ? 140 : 28;
    requests.forEach((r, i) => {
      const points = waypoints(r);
      if (points.length < 2) return;
      const failed = r.result !== "answered";
      const dot = layer
        .append("circle")
        .attr("class", failed ? "traffic-dot failed" : "traffic-dot")
        .attr("r", 5)
        .attr("cx", points[0].x)
        .attr("cy", points[0].y)
        .attr("opacity", 0);
      dot.append("title").text(failed ? `${r.result}: ${r.reason}` : `answered by ${r.endpoint && r.endpoint.pod} (${r.status})`);
      let t = dot.transition().delay(i * step).duration(1).attr("opacity", 1);
      for (const p of points.slice(1)) t = t.transition().duration(420).attr("cx", p.x).attr("cy", p.y);
      if (failed) {
        t = t.transition().duration(180).attr("r", 9).transition().duration(900).attr("r", 6);
        const mark = layer.append("text").attr("class", "traffic-fail-mark").attr("x", points[points.length - 1].x + 8).attr("y", points[points.length - 1].y - 8).attr("opacity", 0).text("✗");
        mark.append("title").text(r.reason || r.result);
        mark.transition().delay(i * step + 420 * (points.length - 1)).duration(150).attr("opacity", 1).transition().delay(1200).duration(400).attr("opacity", 0).remove();
      }
      t.transition().duration(350).attr("opacity", 0).remove();
    });
  }

  function waypoints(r) {
    const pts = [];
    const client = r.client || {};
    if (client.kind === "pod") pts.push(diagram.anchor("pod", client.name));
    else if (client.kind === "node") pts.push(diagram.anchor("node", client.name));
    else pts.push(diagram.anchor("outside"));
    const target = r.target || {};
    if (target.kind === "node" || target.kind === "nodeport") pts.push(diagram.anchor("node", target.node || target.name));
    if (target.kind === "service" || target.service) pts.push(diagram.anchor("service", target.service || target.name));
    if (r.endpoint) {
      const byName = r.endpoint.pod && diagram.anchor("pod", r.endpoint.pod);
      const byIP = diagram.podAt(r.endpoint.ip);
      pts.push(byName || (byIP && diagram.anchor("pod", byIP.name)));
    } else if (target.kind === "pod") {
      pts.push(diagram.anchor("pod", target.name));
    }
    return pts.filter(Boolean);
  }

  refreshChoices();
  renderChart();

  return {
    refreshChoices,
    /** Handles one `traffic` frame. */
    on_traffic(frame) {
      const requests = frame.requests || [];
      ({ hits, failures } = countHits(requests, hits, failures));
      renderChart();
      for (const r of requests) logRequest(r);
      animate(requests);
      const batch = countHits(requests);
      const answered = [...batch.hits.entries()].map(([pod, n]) => `${n} by ${pod}`).join(", ");
      const failed = [...batch.failures.values()].reduce((a, b) => a + b, 0);
      summary.textContent = `${requests.length} request${requests.length === 1 ? "" : "s"}: ${answered || "none answered"}${failed ? `; ${failed} failed (${[...batch.failures.keys()].join("; ")})` : ""}.`;
    },
    stop() {
      if (steadyTimer) steady.click();
    },
  };
}
