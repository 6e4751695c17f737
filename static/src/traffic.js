// The traffic panel: pick a client and a URL, send 1, 10 or 100 requests (or a steady 2/s), watch each
// request travel client → Service → pod in the diagram, and count which pod answered.

import "d3-transition";
import { podIP } from "./status.js";
import { SYSTEM_NAMESPACES } from "./layout.js";

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
  const services = store.list("Service").filter((s) => !SYSTEM_NAMESPACES.includes(s.metadata.namespace));
  services.sort((a, b) => (a.metadata.namespace === "default" ? 0 : 1) - (b.metadata.namespace === "default" ? 0 : 1));
  for (const svc of services) {
    const spec = svc.spec || {};
    const ns = svc.metadata.namespace;
    const host = ns === "default" ? svc.metadata.name : `${svc.metadata.name}.${ns}`;
    for (const port of spec.ports || []) {
      if ((port.protocol || "TCP") !== "TCP") continue;
      targets.push({ url: `http://${host}:${port.port}/`, label: `Service ${host} by name` });
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
export function createTraffic(root, store, diagram, { send, storage = null }) {
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
  let urlTyped = false;
  from.addEventListener("change", () => (chosen = true));
  url.addEventListener("input", () => (urlTyped = true));

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
    save();
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
    if (!urlTyped) suggestURL(list);
  }

  // Until the learner types a URL, offer the first Service they made (not the API server's `kubernetes`),
  // in a form that works from the chosen client: nodes do not use the cluster's DNS, outside needs a NodePort.
  function suggestURL(list = trafficTargets(store)) {
    const mine = list.filter((t) => !/^Service kubernetes |of kubernetes$/.test(t.label));
    const kind = from.value === "outside" ? "NodePort of" : from.value.startsWith("node/") ? "by ClusterIP" : "by name";
    const fits = (t) => t.label.includes(kind);
    const best = mine.find(fits) || list.find(fits) || mine[0] || list[0];
    if (best) url.value = best.url;
  }
  from.addEventListener("change", () => urlTyped || suggestURL());

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

  // A dot per request: from its client to just under the Service, then along the drawn Service → Pod edge
  // to the edge of the pod's card, never over a name. A failure leaves a ✗ beside the pod (or the Service).
  function animate(requests) {
    const layer = diagram.layer("traffic");
    const marks = diagram.layer("marks");
    const step = requests.length <= 10 ? 160 : 30;
    // About 7 px on screen at any zoom, but never so big in the drawing that it hides a card.
    const radius = Math.max(6, Math.min(40, 7 / diagram.scale()));
    requests.forEach((r, i) => {
      const route = routeOf(r);
      if (!route) return;
      const failed = r.result !== "answered";
      const path = layer.append("path").attr("class", "traffic-route").attr("d", route.d);
      const length = path.node().getTotalLength();
      const dot = layer
        .append("circle")
        .attr("class", failed ? "traffic-dot failed" : "traffic-dot")
        .attr("r", radius)
        .attr("opacity", 0)
        .attr("transform", () => at(path.node(), 0));
      dot.append("title").text(failed ? `${r.result}: ${r.reason}` : `answered by ${r.endpoint && r.endpoint.pod} (${r.status})`);
      const travel = Math.min(1500, 500 + length * 0.9);
      dot
        .transition()
        .delay(i * step)
        .duration(60)
        .attr("opacity", 1)
        .transition()
        .duration(travel)
        .attrTween("transform", () => (t) => at(path.node(), t * length))
        .on("end", () => {
          if (failed) markFailure(marks, route.failAt, r);
          else if (route.card) flash(route.card);
        })
        .transition()
        .duration(260)
        .attr("opacity", 0)
        .remove()
        .on("end", () => path.remove());
    });
  }

  function at(path, distance) {
    const p = path.getPointAtLength(distance);
    return `translate(${p.x},${p.y})`;
  }

  function flash(card) {
    const selector = card.kind === "pod" ? `g.pod[data-name="${CSS.escape(card.name)}"][data-namespace="${CSS.escape(card.namespace)}"]` : `g.pod-fold[data-rs="${CSS.escape(card.name)}"]`;
    const g = diagram.layer("pods").selectAll(selector);
    g.classed("answered", false);
    requestAnimationFrame(() => g.classed("answered", true));
    clearTimeout(flash.timers.get(card.key));
    flash.timers.set(card.key, setTimeout(() => g.classed("answered", false), 700));
  }
  flash.timers = new Map();

  function markFailure(marks, point, r) {
    if (!point) return;
    const mark = marks.append("g").attr("class", "traffic-fail-mark").attr("transform", `translate(${point.x},${point.y})`);
    mark.append("circle").attr("r", 10);
    mark.append("text").attr("text-anchor", "middle").attr("y", 5).text("✗");
    mark.append("title").text(`${r.result}: ${r.reason || ""}`);
    mark.transition().delay(1800).duration(500).attr("opacity", 0).remove();
  }

  /** The path a request's dot follows, the card it ends at, and where a failure is marked. */
  function routeOf(r) {
    const { POD_W, POD_H, SERVICE_W, SERVICE_H, LANE_W, LANE_HEAD, GUTTER } = diagram.geometry;
    const client = r.client || {};
    const target = r.target || {};
    const points = [];
    const clientCard = client.kind === "pod" ? diagram.card({ ip: client.ip, name: client.name }) : null;
    const endCard = r.endpoint ? diagram.card({ ip: r.endpoint.ip, namespace: target.namespace, name: r.endpoint.pod }) : target.kind === "pod" ? diagram.card({ ip: target.ip, name: target.name }) : null;
    const svcName = target.kind === "service" ? target.name : target.service;
    const svc = svcName ? diagram.service(target.namespace, svcName) : null;
    const nodeLane = diagram.lane(target.node || (target.kind === "node" || target.kind === "nodeport" ? target.name : client.kind === "node" ? client.name : ""));

    // Where the dot starts: beside its client pod; under its node's name (a node, or a NodePort reached
    // from outside); or at the left edge. It reaches the Service from beside it, never across its text.
    const startY = svc ? svc.y + SERVICE_H + 18 : endCard ? endCard.y - 14 : 40;
    const entryLane = client.kind === "node" ? diagram.lane(client.name) : client.kind === "outside" && (target.kind === "node" || target.kind === "nodeport") ? nodeLane : null;
    if (clientCard) points.push([clientCard.x + POD_W + GUTTER / 2 + 4, clientCard.y + POD_H / 2], [clientCard.x + POD_W + GUTTER / 2 + 4, startY]);
    else if (entryLane) {
      const x0 = entryLane.x + LANE_W / 2;
      const y0 = entryLane.y + LANE_HEAD + 3;
      const side = !svc ? x0 : x0 <= svc.x + SERVICE_W / 2 ? svc.x - 9 : svc.x + SERVICE_W + 9;
      points.push([x0, y0], [side, y0], [side, startY]);
    } else points.push([2, startY]);
    let d = pathOf(points);
    let failAt = null;
    if (svc) {
      const sx = svc.x + SERVICE_W / 2;
      d += ` L${sx},${svc.y + SERVICE_H + 18} L${sx},${svc.y + SERVICE_H}`;
      failAt = { x: svc.x + SERVICE_W + 9, y: svc.y + 16 };
      const link = endCard && diagram.linkPath(svc.key, endCard.key);
      if (link) d += ` ${link.getAttribute("d").replace(/^M/, "L")}`;
      else if (endCard) d += ` L${endCard.x - GUTTER / 2},${endCard.y - 8} L${endCard.x - GUTTER / 2},${endCard.y + POD_H / 2} L${endCard.x},${endCard.y + POD_H / 2}`;
    } else if (endCard) {
      d += ` L${endCard.x - GUTTER / 2},${endCard.y - 14} L${endCard.x - GUTTER / 2},${endCard.y + POD_H / 2} L${endCard.x},${endCard.y + POD_H / 2}`;
    }
    if (endCard) failAt = { x: endCard.x + POD_W + GUTTER / 2 + 4, y: endCard.y + 16 };
    if (!svc && !endCard) {
      // Refused before it left the client (e.g. a name that does not resolve): a short hop and a ✗ there.
      const [x, y] = points[0];
      return { d: `M${x},${y} L${x + 1},${y - 24}`, card: null, failAt: { x: x + 12, y: y - 24 } };
    }
    return { d, card: endCard, failAt };
  }

  function pathOf(points) {
    return points.map(([x, y], i) => `${i ? "L" : "M"}${x},${y}`).join(" ");
  }

  function restore() {
    const saved = storage ? storage.get("answers", null) : null;
    if (!saved) return;
    hits = new Map(saved.hits || []);
    failures = new Map(saved.failures || []);
  }

  function save() {
    if (storage) storage.set("answers", { hits: [...hits], failures: [...failures] });
  }

  restore();
  refreshChoices();
  renderChart();

  return {
    refreshChoices,
    /** Handles one `traffic` frame. */
    on_traffic(frame) {
      const requests = frame.requests || [];
      ({ hits, failures } = countHits(requests, hits, failures));
      save();
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
