// The live cluster diagram (layout.js says where things go): nodes as columns, a band per namespace with its
// Services over their pods and its Deployments under them. It fits itself into its box until the learner
// zooms or pans (d3-zoom: wheel, drag, pinch, the + − and Fit buttons); then "Fit" brings it back.

import { select } from "d3-selection";
import "d3-transition";
import { zoom, zoomIdentity } from "d3-zoom";
import { formatLabels } from "./labels.js";
import { CATEGORY_LOOK } from "./status.js";
import {
  computeLayout, nodeRank, LANE_W, LANE_HEAD, POD_W, POD_H, SERVICE_W, SERVICE_H, OWNER_W, OWNER_H, FOLD_BAR_H, BAND_HEAD, GUTTER,
} from "./layout.js";

export { computeLayout, serviceEndpoints } from "./layout.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const FIT_MARGIN = 10;
const LEGEND_H = 20; // the legend overlays the bottom of the box
const MAX_FIT_SCALE = 1.1;

const reducedMotion = () => globalThis.matchMedia && globalThis.matchMedia("(prefers-reduced-motion: reduce)").matches;
const duration = (ms) => (reducedMotion() ? 0 : ms);

/** A long pod name shortened in the middle, keeping the distinctive hash and suffix. */
export function shortName(name, max = 27) {
  if (name.length <= max) return name;
  const tail = 12;
  return `${name.slice(0, max - tail - 1)}…${name.slice(-tail)}`;
}

/**
 * The diagram view. `onSelectPod(namespace, name)`, `onSelectService(namespace, name)`,
 * `onScale(namespace, deployment, replicas)`, `onFitChange(fitting)`; `hidden` is the set of namespaces not drawn.
 */
export function createDiagram(host, store, { onSelectPod, onSelectService, onScale, onFitChange = () => {}, hidden }) {
  const svg = select(host)
    .append("svg")
    .attr("xmlns", SVG_NS)
    .attr("role", "group")
    .attr("aria-label", "Cluster diagram: nodes as columns, and for each namespace its Services, pods and the Deployments that own them");
  const viewport = svg.append("g").attr("class", "viewport");
  const layers = {};
  // Document order is tab order: Services, then pods, then their owners, as read top to bottom.
  for (const name of ["lanes", "bands", "owner-links", "links", "services", "pods", "owners", "marks", "traffic"]) {
    layers[name] = viewport.append("g").attr("class", `layer layer-${name}`);
  }
  let selectedPod = null;
  let selectedService = null;
  let layout = null;
  let fitting = true;
  let transform = zoomIdentity;
  let drawnSize = "";
  const expanded = new Set();

  // Wheel and pinch zoom, drag to pan; a programmatic fit is not the learner's doing and keeps fitting on.
  let programmatic = false;
  const zoomer = zoom()
    .scaleExtent([0.03, 4])
    .filter((event) => (!event.ctrlKey || event.type === "wheel") && !event.button && !event.target.closest?.("g.pod, g.service, g.scale-button, g.pod-fold, g.fold-bar"))
    .on("zoom", (event) => {
      transform = event.transform;
      viewport.attr("transform", transform);
      if (!programmatic && event.sourceEvent && fitting) {
        fitting = false;
        onFitChange(false);
      }
    });
  svg.call(zoomer).on("dblclick.zoom", null);

  function box() {
    const r = host.getBoundingClientRect();
    return { width: Math.max(1, r.width), height: Math.max(1, r.height) };
  }

  /** The transform that shows the whole layout centred in the box. */
  function fitTransform() {
    const { width, height } = box();
    const k = Math.min(MAX_FIT_SCALE, (width - 2 * FIT_MARGIN) / layout.width, (height - FIT_MARGIN - LEGEND_H) / layout.height);
    const x = (width - layout.width * k) / 2;
    const y = Math.max(FIT_MARGIN / 2, (height - LEGEND_H - layout.height * k) / 2);
    return zoomIdentity.translate(x, y).scale(k);
  }

  function setTransform(t, animate) {
    // A fit still animating toward an older box or layout must not land after this one (a drawer closing
    // resizes the box while the fit for the last change is under way).
    svg.interrupt();
    programmatic = true;
    const target = animate && !reducedMotion() ? svg.transition().duration(350) : svg;
    target.call(zoomer.transform, t);
    // the layout or the box may have changed while it animated: land on the fit for what is there now
    if (target !== svg) target.on("end.refit", () => { if (fitting) svg.call(zoomer.transform, fitTransform()); });
    programmatic = false;
    if (animate) setTimeout(() => (programmatic = false), 400);
  }

  function fit(animate = true) {
    if (!layout) return;
    if (!fitting) {
      fitting = true;
      onFitChange(true);
    }
    setTransform(fitTransform(), animate);
  }

  new ResizeObserver(() => {
    if (layout && fitting) setTransform(fitTransform(), false);
  }).observe(host);

  function render() {
    layout = computeLayout(store, { hidden, expanded });
    svg.attr("data-width", layout.width).attr("data-height", layout.height);
    renderLanes(layout);
    renderBands(layout);
    renderLinks(layout);
    renderOwners(layout);
    renderServices(layout);
    renderPods(layout);
    renderFolds(layout);
    const size = `${layout.width}x${layout.height}`;
    if (fitting && size !== drawnSize) setTransform(fitTransform(), drawnSize !== "");
    drawnSize = size;
  }

  function renderLanes({ lanes }) {
    const lane = layers.lanes
      .selectAll("g.lane")
      .data(lanes, (d) => d.name)
      .join((enter) => {
        const g = enter.append("g").attr("class", "lane");
        g.append("rect").attr("class", "lane-box").attr("rx", 10);
        g.append("text").attr("class", "lane-name").attr("x", 12).attr("y", 19);
        g.append("text").attr("class", "lane-meta").attr("x", 12).attr("y", 34);
        g.append("title");
        return g;
      });
    lane
      .attr("data-node", (d) => d.name)
      .classed("unscheduled", (d) => d.unscheduled)
      .classed("control-plane", (d) => d.node && nodeRank(d.node) === 0)
      .attr("transform", (d) => `translate(${d.x},${d.y})`);
    lane.select(".lane-box").attr("width", (d) => d.width).attr("height", (d) => d.height);
    lane.select(".lane-name").text((d) => (d.unscheduled ? "Not scheduled" : d.name));
    lane.select(".lane-meta").text((d) => laneMeta(d));
    lane.select("title").text((d) => (d.unscheduled ? "Pods without a node yet (Pending)" : `Node ${d.name}: ${laneMeta(d)}${d.node && isTaintedNoSchedule(d.node) ? " · taint NoSchedule" : ""}`));
  }

  function renderBands({ bands }) {
    const band = layers.bands
      .selectAll("g.band")
      .data(bands, (d) => d.namespace)
      .join((enter) => {
        const g = enter.append("g").attr("class", "band");
        g.append("rect").attr("class", "band-box").attr("rx", 12);
        g.append("text").attr("class", "band-name").attr("x", 12).attr("y", 20);
        return g;
      });
    band.attr("data-namespace", (d) => d.namespace).attr("transform", (d) => `translate(${d.x},${d.y})`);
    band.select(".band-box").attr("width", (d) => d.width).attr("height", (d) => d.height);
    band.select(".band-name").text((d) => `namespace ${d.namespace}`);
  }

  function renderLinks({ links, ownerLinks }) {
    layers.links
      .selectAll("path.endpoint-link")
      .data(links, (d) => d.key)
      .join(
        (enter) => enter.append("path").attr("class", "endpoint-link").attr("opacity", 0).call((e) => e.transition().duration(duration(400)).attr("opacity", 1)),
        (update) => update,
        (exit) => exit.transition().duration(duration(300)).attr("opacity", 0).remove(),
      )
      .attr("data-key", (d) => d.key.replace(/^[^/]+\//, "").replace(/\|[^/]+\//, "|"))
      .attr("data-service", (d) => d.service)
      .attr("data-card", (d) => d.card)
      .classed("not-ready", (d) => !d.ready)
      .attr("d", (d) => d.path);
    layers["owner-links"]
      .selectAll("path.owner-link")
      .data(ownerLinks, (d) => d.key)
      .join(
        (enter) => enter.append("path").attr("class", "owner-link"),
        (update) => update,
        (exit) => exit.remove(),
      )
      .attr("data-hue", (d) => d.hue % 4)
      .attr("d", (d) => d.path);
  }

  function renderServices({ services }) {
    const g = layers.services
      .selectAll("g.service")
      .data(services, (d) => d.key)
      .join(
        (enter) => {
          const s = enter.append("g").attr("class", "service").attr("tabindex", 0).attr("role", "button");
          s.append("rect").attr("class", "service-box").attr("width", SERVICE_W).attr("height", SERVICE_H).attr("rx", 10);
          s.append("text").attr("class", "service-kind").attr("x", SERVICE_W - 12).attr("y", 20).attr("text-anchor", "end");
          s.append("text").attr("class", "service-name").attr("x", 14).attr("y", 21);
          s.append("text").attr("class", "service-ports").attr("x", 14).attr("y", 38);
          s.append("text").attr("class", "service-selector").attr("x", 14).attr("y", 53);
          s.append("text").attr("class", "service-endpoints").attr("x", 14).attr("y", 67);
          s.on("click", (event, d) => onSelectService(d.namespace, d.name));
          s.on("keydown", (event, d) => activateOnKey(event, () => onSelectService(d.namespace, d.name)));
          s.attr("opacity", 0).attr("transform", (d) => `translate(${d.x},${d.y})`).transition().duration(duration(400)).attr("opacity", 1);
          return s;
        },
        // A new transition interrupts an entering one, so it carries the opacity to its end as well.
        (update) => update.call((u) => u.transition().duration(duration(400)).attr("opacity", 1).attr("transform", (d) => `translate(${d.x},${d.y})`)),
        (exit) => exit.transition().duration(duration(300)).attr("opacity", 0).remove(),
      );
    g.attr("data-name", (d) => d.name)
      .attr("data-namespace", (d) => d.namespace)
      .attr("data-cluster-ip", (d) => d.svc.spec.clusterIP || "")
      .classed("selected", (d) => d.key === selectedService)
      .attr("aria-pressed", (d) => String(d.key === selectedService))
      .attr("aria-label", (d) => `Service ${d.name}, ${servicePorts(d.svc)}, ${endpointSummary(d)}. Show why it reaches its pods.`);
    g.select(".service-kind").text((d) => (d.svc.spec.type && d.svc.spec.type !== "ClusterIP" ? `Service · ${d.svc.spec.type}` : "Service"));
    g.select(".service-name").text((d) => shortName(d.name, 20));
    g.select(".service-ports").text((d) => fitText(servicePorts(d.svc), 34));
    g.select(".service-selector").text((d) => fitText(`selector: ${Object.keys(d.svc.spec.selector || {}).length ? formatLabels(d.svc.spec.selector) : "<none>"}`, 36));
    g.select(".service-endpoints")
      .classed("none", (d) => d.endpoints.filter((e) => e.ready).length === 0)
      .text((d) => fitText(endpointSummary(d), 38));
  }

  function renderOwners({ owners }) {
    const g = layers.owners
      .selectAll("g.owner")
      .data(owners, (d) => d.key)
      .join(
        (enter) => {
          const o = enter.append("g").attr("class", "owner");
          o.append("rect").attr("class", "owner-box").attr("width", OWNER_W).attr("height", OWNER_H).attr("rx", 10);
          o.append("text").attr("class", "owner-kind").attr("x", 14).attr("y", 20);
          o.append("text").attr("class", "owner-name").attr("x", 14).attr("y", 38);
          o.append("text").attr("class", "owner-ready").attr("x", OWNER_W - 14).attr("y", 20).attr("text-anchor", "end");
          o.append("text").attr("class", "owner-rs").attr("x", 14).attr("y", 56);
          o.append("text").attr("class", "owner-rs owner-rs-2").attr("x", 14).attr("y", 70);
          for (const [cls, label, dx] of [["scale-down", "−", OWNER_W - 64], ["scale-up", "+", OWNER_W - 34]]) {
            const b = o.append("g").attr("class", `scale-button ${cls}`).attr("tabindex", 0).attr("role", "button").attr("transform", `translate(${dx},28)`);
            b.append("rect").attr("width", 26).attr("height", 24).attr("rx", 6);
            b.append("text").attr("x", 13).attr("y", 17).attr("text-anchor", "middle").text(label);
          }
          o.attr("opacity", 0).attr("transform", (d) => `translate(${d.x},${d.y})`).transition().duration(duration(400)).attr("opacity", 1);
          return o;
        },
        // A new transition interrupts an entering one, so it carries the opacity to its end as well.
        (update) => update.call((u) => u.transition().duration(duration(400)).attr("opacity", 1).attr("transform", (d) => `translate(${d.x},${d.y})`)),
        (exit) => exit.transition().duration(duration(300)).attr("opacity", 0).remove(),
      );
    g.attr("data-name", (d) => d.name).attr("data-namespace", (d) => d.namespace).attr("data-kind", (d) => d.kind).attr("data-hue", (d) => d.hue % 4);
    g.select(".owner-kind").text((d) => d.kind);
    g.select(".owner-name").text((d) => shortName(d.name, 24));
    g.select(".owner-ready").text((d) => `READY ${d.ready}`);
    g.select(".owner-rs").text((d) => (d.kind === "Deployment" && d.replicaSetLines[0] ? `ReplicaSet ${shortName(d.replicaSetLines[0].name, 24)}  ${d.replicaSetLines[0].text}` : ""));
    g.select(".owner-rs-2").text((d) => (d.kind === "Deployment" && d.replicaSetLines[1] ? `ReplicaSet ${shortName(d.replicaSetLines[1].name, 24)}  ${d.replicaSetLines[1].text}` : ""));
    g.selectAll(".scale-button").style("display", (d) => (d.kind === "Deployment" ? null : "none"));
    const wire = (cls, delta) =>
      g
        .select(`.${cls}`)
        .attr("aria-label", (d) => `Scale deployment ${d.name} to ${Math.max(0, d.replicas + delta)} replicas`)
        .attr("aria-disabled", (d) => String(d.replicas + delta < 0))
        .on("click", (event, d) => {
          if (d.replicas + delta >= 0) onScale(d.namespace, d.name, d.replicas + delta);
        })
        .on("keydown", (event, d) => activateOnKey(event, () => d.replicas + delta >= 0 && onScale(d.namespace, d.name, d.replicas + delta)));
    wire("scale-down", -1);
    wire("scale-up", +1);
  }

  function renderPods({ pods }) {
    const t = () => svg.transition().duration(duration(500));
    const center = (d, scale = 1) => `translate(${d.x + POD_W / 2},${d.y + POD_H / 2}) scale(${scale})`;
    const g = layers.pods
      .selectAll("g.pod")
      .data(pods, (d) => d.key)
      .join(
        (enter) => {
          const p = enter.append("g").attr("class", "pod").attr("tabindex", 0).attr("role", "button");
          const body = p.append("g").attr("transform", `translate(${-POD_W / 2},${-POD_H / 2})`);
          body.append("rect").attr("class", "pod-card").attr("width", POD_W).attr("height", POD_H).attr("rx", 8);
          body.append("rect").attr("class", "pod-stripe").attr("width", 5).attr("height", POD_H - 12).attr("x", 0).attr("y", 6).attr("rx", 2);
          body.append("text").attr("class", "pod-icon").attr("x", 17).attr("y", 22).attr("text-anchor", "middle").attr("aria-hidden", "true");
          body.append("text").attr("class", "pod-name").attr("x", 30).attr("y", 20);
          body.append("text").attr("class", "pod-ip").attr("x", 30).attr("y", 36);
          body.append("text").attr("class", "pod-status").attr("x", 30).attr("y", 50);
          body.append("text").attr("class", "pod-ready").attr("x", POD_W - 10).attr("y", 36).attr("text-anchor", "end");
          p.append("title");
          p.on("click", (event, d) => onSelectPod(d.namespace, d.name));
          p.on("keydown", (event, d) => activateOnKey(event, () => onSelectPod(d.namespace, d.name)));
          p.attr("opacity", 0)
            .attr("transform", (d) => center(d, 0.7))
            .transition(t())
            .attr("opacity", 1)
            .attr("transform", (d) => center(d));
          return p;
        },
        // A new transition interrupts an entering one, so it carries the opacity to its end as well.
        (update) => update.call((u) => u.transition(t()).attr("opacity", 1).attr("transform", (d) => center(d))),
        (exit) =>
          exit
            .classed("leaving", true)
            .attr("tabindex", null)
            .transition(t())
            .attr("opacity", 0)
            .attr("transform", (d) => center(d, 0.5))
            .remove(),
      );
    g.attr("data-name", (d) => d.name)
      .attr("data-namespace", (d) => d.namespace)
      .attr("data-status", (d) => d.statusText)
      .attr("data-category", (d) => d.category)
      .attr("data-ip", (d) => d.ip)
      .attr("data-node", (d) => d.pod.spec.nodeName || "")
      .attr("data-ready", (d) => `${d.ready.ready}/${d.ready.total}`)
      .classed("outside", (d) => d.outside)
      .classed("selected", (d) => d.key === selectedPod)
      .attr("aria-pressed", (d) => String(d.key === selectedPod))
      .attr("aria-label", (d) => podLabel(d));
    g.select(".pod-icon").text((d) => CATEGORY_LOOK[d.category].icon);
    g.select(".pod-name").text((d) => shortName(d.name));
    g.select(".pod-ip").text((d) => d.ip || "no IP yet");
    g.select(".pod-status").text((d) => d.statusText);
    g.select(".pod-ready").text((d) => `READY ${d.ready.ready}/${d.ready.total}`);
    g.select("title").text((d) => podLabel(d));
  }

  function renderFolds({ folds, foldBars }) {
    const toggle = (key) => {
      if (expanded.has(key)) expanded.delete(key);
      else expanded.add(key);
      render();
    };
    const f = layers.pods
      .selectAll("g.pod-fold")
      .data(folds, (d) => d.key)
      .join(
        (enter) => {
          const p = enter.append("g").attr("class", "pod-fold").attr("tabindex", 0).attr("role", "button");
          p.append("rect").attr("class", "fold-shadow").attr("x", 6).attr("y", -6).attr("width", POD_W - 12).attr("height", POD_H).attr("rx", 8);
          p.append("rect").attr("class", "fold-shadow").attr("x", 3).attr("y", -3).attr("width", POD_W - 6).attr("height", POD_H).attr("rx", 8);
          p.append("rect").attr("class", "pod-card").attr("width", POD_W).attr("height", POD_H).attr("rx", 8);
          p.append("text").attr("class", "fold-count").attr("x", 14).attr("y", 22);
          p.append("text").attr("class", "fold-name").attr("x", 14).attr("y", 37);
          p.append("text").attr("class", "fold-summary").attr("x", 14).attr("y", 51);
          p.append("text").attr("class", "fold-open").attr("x", POD_W - 10).attr("y", 22).attr("text-anchor", "end").text("▸ open");
          p.append("title");
          p.on("click", (event, d) => toggle(d.rs));
          p.on("keydown", (event, d) => activateOnKey(event, () => toggle(d.rs)));
          return p;
        },
        (update) => update,
        (exit) => exit.remove(),
      );
    f.attr("transform", (d) => `translate(${d.x},${d.y})`)
      .attr("data-rs", (d) => d.name)
      .attr("data-namespace", (d) => d.namespace)
      .attr("data-count", (d) => d.count)
      .attr("data-category", (d) => d.category)
      .attr("aria-label", (d) => `${d.count} pods of ReplicaSet ${d.name} on ${d.lane}: ${d.summary}. Show them one by one.`);
    f.select(".fold-count").text((d) => `${d.count} pod${d.count === 1 ? "" : "s"}`);
    f.select(".fold-name").text((d) => shortName(d.name, 28));
    f.select(".fold-summary").text((d) => d.summary);
    f.select("title").text((d) => `${d.count} of the ${d.total} pods of ReplicaSet ${d.name} run on ${d.lane}: ${d.summary}. Click to show them one by one.`);

    const b = layers.pods
      .selectAll("g.fold-bar")
      .data(foldBars, (d) => d.key)
      .join((enter) => {
        const g = enter.append("g").attr("class", "fold-bar").attr("tabindex", 0).attr("role", "button");
        g.append("rect").attr("width", POD_W).attr("height", FOLD_BAR_H).attr("rx", 6);
        g.append("text").attr("x", POD_W / 2).attr("y", 15).attr("text-anchor", "middle");
        g.on("click", (event, d) => toggle(d.rs));
        g.on("keydown", (event, d) => activateOnKey(event, () => toggle(d.rs)));
        return g;
      });
    b.attr("transform", (d) => `translate(${d.x},${d.y})`)
      .attr("data-rs", (d) => d.name)
      .attr("aria-label", (d) => `Fold the ${d.count} pods of ReplicaSet ${d.name} into counts`);
    b.select("text").text((d) => `▾ fold ${d.count} pods of ${shortName(d.name, 18)}`);
  }

  const cardOf = (predicate) => layout && (layout.pods.find(predicate) || null);
  return {
    render,
    svg,
    host,
    layer: (name) => layers[name],
    fit,
    get fitting() {
      return fitting;
    },
    zoomBy(factor) {
      const { width, height } = box();
      programmatic = true;
      svg.transition().duration(duration(200)).call(zoomer.scaleBy, factor, [width / 2, height / 2]);
      programmatic = false;
      if (fitting) {
        fitting = false;
        onFitChange(false);
      }
    },
    /** The current zoom factor (1 = the layout's own pixels). */
    scale: () => transform.k,
    /** Marks the selected pod/service (their panels are elsewhere); `name` null clears it. */
    select(kind, namespace, name) {
      const key = name ? `${namespace || "default"}/${name}` : null;
      if (kind === "pod") selectedPod = key;
      if (kind === "service") selectedService = key;
      render();
    },
    /** The card (pod, or the fold holding it) for a pod by IP or by namespace and name. */
    card({ ip, namespace, name }) {
      if (!layout) return null;
      const byIP = ip && (cardOf((p) => p.ip === ip) || layout.folds.find((f) => f.ips.includes(ip)));
      if (byIP) return byIP;
      if (!name) return null;
      const inNamespace = (c) => !namespace || c.namespace === namespace;
      return cardOf((p) => p.name === name && inNamespace(p)) || layout.folds.find((f) => f.pods.includes(name) && inNamespace(f)) || null;
    },
    service(namespace, name) {
      return layout && layout.services.find((s) => s.name === name && s.namespace === (namespace || "default"));
    },
    lane: (name) => layout && layout.lanes.find((l) => l.name === name),
    /** The drawn Service → card edge, as an SVG path element, or null. */
    linkPath(serviceKey, cardKey) {
      return layers.links.select(`path.endpoint-link[data-service="${CSS.escape(serviceKey)}"][data-card="${CSS.escape(cardKey)}"]`).node();
    },
    get layout() {
      return layout;
    },
    geometry: { POD_W, POD_H, SERVICE_W, SERVICE_H, LANE_W, LANE_HEAD, GUTTER, BAND_HEAD },
  };
}

function activateOnKey(event, fn) {
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    fn();
  }
}

function fitText(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function laneMeta(lane) {
  if (lane.unscheduled) return "Pending pods wait here";
  const node = lane.node;
  const role = nodeRank(node) === 0 ? "control-plane" : "worker";
  const cidr = node.spec.podCIDR || "";
  const address = ((node.status || {}).addresses || []).find((a) => a.type === "InternalIP");
  return [role, cidr, address && address.address].filter(Boolean).join(" · ");
}

function isTaintedNoSchedule(node) {
  return (node.spec.taints || []).some((t) => t.effect === "NoSchedule");
}

/** `10.68.236.129:8080 → 80/TCP` for each port (NodePorts shown too). */
export function servicePorts(svc) {
  const spec = svc.spec || {};
  const ip = spec.clusterIP && spec.clusterIP !== "None" ? spec.clusterIP : "headless";
  const ports = spec.ports || [];
  if (!ports.length) return `${ip} (no ports)`;
  const texts = ports.map((p) => `${ip}:${p.port} → ${p.targetPort ?? p.port}/${p.protocol || "TCP"}${p.nodePort ? ` (node :${p.nodePort})` : ""}`);
  return texts.length > 1 ? `${texts[0]} +${texts.length - 1}` : texts[0];
}

function endpointSummary(d) {
  const ready = d.endpoints.filter((e) => e.ready).length;
  const notReady = d.endpoints.length - ready;
  if (!d.endpoints.length) {
    return Object.keys(d.svc.spec.selector || {}).length ? "⚠ no endpoints: nothing matches" : "endpoints managed outside selectors";
  }
  const podless = d.endpoints.every((e) => !e.pod);
  const base = podless ? `→ ${d.endpoints.map((e) => `${e.ip}:${e.port}`).join(", ")}` : `${ready} ready endpoint${ready === 1 ? "" : "s"}`;
  return notReady ? `${base}, ${notReady} not ready` : base;
}

function podLabel(d) {
  const look = CATEGORY_LOOK[d.category];
  const parts = [`Pod ${d.name}`, `namespace ${d.namespace}`, `status ${d.statusText} (${look.label})`, `ready ${d.ready.ready}/${d.ready.total}`, d.ip ? `IP ${d.ip}` : "no IP yet"];
  if (d.pod.spec.nodeName) parts.push(`on ${d.pod.spec.nodeName}`);
  if (d.outside) parts.push("not selected by any Service");
  return parts.join(", ");
}
