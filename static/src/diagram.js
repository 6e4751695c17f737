// The live cluster diagram: Services on top with lines to their endpoints, nodes as lanes of pods in the
// middle, Deployments and their ReplicaSets below with connectors to the pods they own. The layout is
// deterministic (lanes left to right, pods sorted by name) and keyed, so pods animate in and out.

import { select } from "d3-selection";
import "d3-transition";
import { Store } from "./store.js";
import { formatLabels, serviceSelects } from "./labels.js";
import { CATEGORY_LOOK, podIP, podReady, podStatus, statusCategory } from "./status.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const PAD = 16;
const SERVICE_W = 262;
const SERVICE_H = 82;
const SERVICE_GAP = 24;
const LANE_W = 232;
const LANE_GAP = 14;
const LANE_HEAD = 54;
const POD_W = 204;
const POD_H = 62;
const POD_GAP = 10;
const GUTTER = (LANE_W - POD_W) / 2;
const OWNER_W = 250;
const OWNER_H = 92;
const LINK_SPACE = 70;
const UNSCHEDULED = "(unscheduled)";

const reducedMotion = () => globalThis.matchMedia && globalThis.matchMedia("(prefers-reduced-motion: reduce)").matches;
const duration = (ms) => (reducedMotion() ? 0 : ms);

/** A long pod name shortened in the middle, keeping the distinctive hash and suffix. */
export function shortName(name, max = 27) {
  if (name.length <= max) return name;
  const tail = 12;
  return `${name.slice(0, max - tail - 1)}…${name.slice(-tail)}`;
}

/** Everything the diagram draws, with positions: a pure function of the store. */
export function computeLayout(store, namespace = "default") {
  const nodes = store.list("Node").sort((a, b) => nodeRank(a) - nodeRank(b) || (a.metadata.name < b.metadata.name ? -1 : 1));
  const pods = store.list("Pod", namespace);
  const services = store.list("Service", namespace);
  const laneNames = nodes.map((n) => n.metadata.name);
  if (pods.some((p) => !p.spec.nodeName || !laneNames.includes(p.spec.nodeName))) laneNames.push(UNSCHEDULED);

  const laneTop = PAD + SERVICE_H + LINK_SPACE;
  const byLane = new Map(laneNames.map((name) => [name, []]));
  for (const pod of pods) {
    const lane = pod.spec.nodeName && byLane.has(pod.spec.nodeName) ? pod.spec.nodeName : UNSCHEDULED;
    byLane.get(lane).push(pod);
  }
  const tallest = Math.max(1, ...[...byLane.values()].map((list) => list.length));
  const laneHeight = LANE_HEAD + tallest * (POD_H + POD_GAP) + POD_GAP;

  const lanes = laneNames.map((name, i) => {
    const node = nodes.find((n) => n.metadata.name === name) || null;
    return { name, node, x: PAD + i * (LANE_W + LANE_GAP), y: laneTop, width: LANE_W, height: laneHeight, unscheduled: name === UNSCHEDULED };
  });

  const selectorServices = services.filter((s) => Object.keys(s.spec.selector || {}).length);
  const podItems = [];
  for (const lane of lanes) {
    byLane.get(lane.name).forEach((pod, i) => {
      const statusText = podStatus(pod);
      const ready = podReady(pod);
      const category = statusCategory(statusText, ready);
      const reached = selectorServices.some((s) => serviceSelects(s.spec.selector, pod.metadata.labels));
      podItems.push({
        name: pod.metadata.name,
        pod,
        statusText,
        ready,
        category,
        ip: podIP(pod) === "<none>" ? "" : podIP(pod),
        outside: selectorServices.length > 0 && !reached,
        lane: lane.name,
        x: lane.x + GUTTER,
        y: lane.y + LANE_HEAD + POD_GAP + i * (POD_H + POD_GAP),
      });
    });
  }
  const podByName = new Map(podItems.map((p) => [p.name, p]));

  const lanesRight = PAD + lanes.length * (LANE_W + LANE_GAP) - LANE_GAP;
  const servicesWidth = services.length * (SERVICE_W + SERVICE_GAP) - SERVICE_GAP;
  const owners = ownerGroups(store, namespace, podItems);
  const ownersWidth = owners.length * (OWNER_W + SERVICE_GAP) - SERVICE_GAP;
  const width = Math.max(lanesRight, PAD + servicesWidth, PAD + ownersWidth) + PAD;

  const serviceItems = services.map((svc, i) => {
    const x = PAD + Math.max(0, (lanesRight - PAD - servicesWidth) / 2) + i * (SERVICE_W + SERVICE_GAP);
    return { name: svc.metadata.name, svc, x, y: PAD, endpoints: serviceEndpoints(store, svc) };
  });

  const links = [];
  serviceItems.forEach((s, si) => {
    s.endpoints.forEach((ep, ei) => {
      const pod = podByName.get(ep.pod);
      if (!pod) return;
      const sx = s.x + SERVICE_W / 2 + (ei - (s.endpoints.length - 1) / 2) * 10;
      const gx = pod.x - GUTTER / 2 - si * 3;
      const my = pod.y + POD_H / 2;
      links.push({
        key: `${s.name}|${pod.name}`,
        ready: ep.ready,
        path: `M${sx},${s.y + SERVICE_H} C${sx},${s.y + SERVICE_H + 46} ${gx},${laneTop - 30} ${gx},${laneTop + 10} L${gx},${my - 6} Q${gx},${my} ${gx + 6},${my} L${pod.x},${my}`,
      });
    });
  });

  const ownersTop = laneTop + laneHeight + LINK_SPACE - 10;
  const ownerItems = owners.map((o, i) => ({ ...o, x: PAD + i * (OWNER_W + SERVICE_GAP), y: ownersTop, hue: i }));
  const ownerLinks = [];
  for (const owner of ownerItems) {
    for (const podName of owner.pods) {
      const pod = podByName.get(podName);
      if (!pod) continue;
      const gx = pod.x + POD_W + GUTTER / 2 + (owner.hue % 3) * 2;
      const my = pod.y + POD_H / 2;
      const ox = owner.x + OWNER_W / 2;
      ownerLinks.push({
        key: `${owner.key}|${podName}`,
        hue: owner.hue,
        path: `M${pod.x + POD_W},${my} L${gx - 6},${my} Q${gx},${my} ${gx},${my + 6} L${gx},${laneTop + laneHeight - 6} C${gx},${ownersTop - 24} ${ox},${laneTop + laneHeight + 16} ${ox},${ownersTop}`,
      });
    }
  }
  const height = (ownerItems.length ? ownersTop + OWNER_H : laneTop + laneHeight) + PAD;
  return { width, height, lanes, pods: podItems, services: serviceItems, links, owners: ownerItems, ownerLinks, laneTop };
}

function nodeRank(node) {
  const labels = node.metadata.labels || {};
  return "node-role.kubernetes.io/control-plane" in labels ? 0 : 1;
}

/** A Service's endpoints (pod name, ip, ready) from its EndpointSlices, else from its Endpoints. */
export function serviceEndpoints(store, svc) {
  const ns = svc.metadata.namespace;
  const slices = store.list("EndpointSlice", ns).filter((s) => (s.metadata.labels || {})["kubernetes.io/service-name"] === svc.metadata.name);
  const out = [];
  if (slices.length) {
    for (const slice of slices) {
      for (const ep of slice.endpoints || []) {
        const conditions = ep.conditions || {};
        out.push({
          ip: (ep.addresses || [])[0],
          pod: ep.targetRef && ep.targetRef.kind === "Pod" ? ep.targetRef.name : null,
          ready: conditions.ready !== false,
          terminating: Boolean(conditions.terminating),
          port: ((slice.ports || [])[0] || {}).port,
        });
      }
    }
  } else {
    const endpoints = store.get("Endpoints", ns, svc.metadata.name);
    for (const subset of (endpoints && endpoints.subsets) || []) {
      const port = ((subset.ports || [])[0] || {}).port;
      for (const a of subset.addresses || []) out.push({ ip: a.ip, pod: a.targetRef && a.targetRef.name, ready: true, terminating: false, port });
      for (const a of subset.notReadyAddresses || []) out.push({ ip: a.ip, pod: a.targetRef && a.targetRef.name, ready: false, terminating: false, port });
    }
  }
  return out.sort((a, b) => ((a.pod || a.ip) < (b.pod || b.ip) ? -1 : 1));
}

/** Deployments (with their ReplicaSets) and bare ReplicaSets that own pods in the picture. */
function ownerGroups(store, namespace, podItems) {
  const replicaSets = store.list("ReplicaSet", namespace);
  const groups = [];
  for (const deployment of store.list("Deployment", namespace)) {
    const owned = replicaSets.filter((rs) => {
      const ref = Store.controllerOf(rs);
      return ref && ref.kind === "Deployment" && ref.name === deployment.metadata.name;
    });
    groups.push(group("Deployment", deployment, owned, podItems));
  }
  for (const rs of replicaSets) {
    if (!Store.controllerOf(rs)) groups.push(group("ReplicaSet", rs, [rs], podItems));
  }
  return groups;
}

function group(kind, object, replicaSets, podItems) {
  const rsNames = new Set(replicaSets.map((rs) => rs.metadata.name));
  const pods = podItems
    .filter((p) => {
      const ref = Store.controllerOf(p.pod);
      return ref && ref.kind === "ReplicaSet" && rsNames.has(ref.name);
    })
    .map((p) => p.name);
  const status = object.status || {};
  const desired = object.spec.replicas ?? 1;
  // Active ReplicaSets first (those with replicas), newest revision first, at most two lines.
  const rsLines = replicaSets
    .filter((rs) => (rs.spec.replicas || 0) > 0 || (rs.status && rs.status.replicas) || replicaSets.length === 1)
    .map((rs) => ({ name: rs.metadata.name, text: `${(rs.status && rs.status.readyReplicas) || 0}/${rs.spec.replicas ?? 1}` }))
    .slice(0, 2);
  return {
    key: `${kind}/${object.metadata.name}`,
    kind,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
    replicas: desired,
    ready: `${status.readyReplicas || 0}/${desired}`,
    replicaSets: rsLines,
    pods,
  };
}

/** The diagram view. `onSelectPod(name)`, `onSelectService(name)`, `onScale(deployment, replicas)`. */
export function createDiagram(host, store, { onSelectPod, onSelectService, onScale, namespace = "default" }) {
  const svg = select(host)
    .append("svg")
    .attr("xmlns", SVG_NS)
    .attr("role", "group")
    .attr("aria-label", "Cluster diagram: Services, nodes with their pods, and the Deployments that own them");
  const defs = svg.append("defs");
  const marker = defs.append("marker").attr("id", "arrow").attr("viewBox", "0 0 8 8").attr("refX", 7).attr("refY", 4).attr("markerWidth", 7).attr("markerHeight", 7).attr("orient", "auto");
  marker.append("path").attr("d", "M0,0 L8,4 L0,8 z").attr("class", "arrow-head");
  const layers = {};
  // Document order is tab order: Services, then pods, then their owners, as read top to bottom.
  for (const name of ["lanes", "owner-links", "links", "services", "pods", "owners", "traffic"]) {
    layers[name] = svg.append("g").attr("class", `layer layer-${name}`);
  }
  let selectedPod = null;
  let selectedService = null;
  let layout = null;

  function render() {
    layout = computeLayout(store, namespace);
    svg.attr("width", layout.width).attr("height", layout.height).attr("viewBox", `0 0 ${layout.width} ${layout.height}`);
    renderLanes(layout);
    renderLinks(layout);
    renderOwners(layout);
    renderServices(layout);
    renderPods(layout);
  }

  function renderLanes({ lanes }) {
    const lane = layers.lanes
      .selectAll("g.lane")
      .data(lanes, (d) => d.name)
      .join((enter) => {
        const g = enter.append("g").attr("class", "lane");
        g.append("rect").attr("class", "lane-box").attr("rx", 10);
        g.append("text").attr("class", "lane-name").attr("x", 12).attr("y", 20);
        g.append("text").attr("class", "lane-meta").attr("x", 12).attr("y", 36);
        g.append("text").attr("class", "lane-empty").attr("x", LANE_W / 2).attr("text-anchor", "middle");
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
    lane
      .select(".lane-empty")
      .attr("y", LANE_HEAD + 34)
      .text((d) => {
        if (layout.pods.some((p) => p.lane === d.name)) return "";
        return d.node && isTaintedNoSchedule(d.node) ? "no pods here (taint NoSchedule)" : "no pods";
      });
    lane.select("title").text((d) => (d.unscheduled ? "Pods without a node yet (Pending)" : `Node ${d.name}: ${laneMeta(d)}`));
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
      .attr("data-key", (d) => d.key)
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
      .data(services, (d) => d.name)
      .join(
        (enter) => {
          const s = enter.append("g").attr("class", "service").attr("tabindex", 0).attr("role", "button");
          s.append("rect").attr("class", "service-box").attr("width", SERVICE_W).attr("height", SERVICE_H).attr("rx", 10);
          s.append("text").attr("class", "service-kind").attr("x", SERVICE_W - 12).attr("y", 20).attr("text-anchor", "end").text("Service");
          s.append("text").attr("class", "service-name").attr("x", 14).attr("y", 21);
          s.append("text").attr("class", "service-ports").attr("x", 14).attr("y", 40);
          s.append("text").attr("class", "service-selector").attr("x", 14).attr("y", 57);
          s.append("text").attr("class", "service-endpoints").attr("x", 14).attr("y", 73);
          s.on("click", (event, d) => onSelectService(d.name));
          s.on("keydown", (event, d) => activateOnKey(event, () => onSelectService(d.name)));
          s.attr("opacity", 0).transition().duration(duration(400)).attr("opacity", 1);
          return s;
        },
        (update) => update,
        (exit) => exit.transition().duration(duration(300)).attr("opacity", 0).remove(),
      );
    g.attr("data-name", (d) => d.name)
      .attr("data-cluster-ip", (d) => d.svc.spec.clusterIP || "")
      .classed("selected", (d) => d.name === selectedService)
      .attr("aria-pressed", (d) => String(d.name === selectedService))
      .attr("aria-label", (d) => `Service ${d.name}, ${servicePorts(d.svc)}, ${endpointSummary(d)}. Show why it reaches its pods.`)
      .attr("transform", (d) => `translate(${d.x},${d.y})`);
    g.select(".service-name").text((d) => d.name);
    g.select(".service-ports").text((d) => servicePorts(d.svc));
    g.select(".service-selector").text((d) => `selector: ${Object.keys(d.svc.spec.selector || {}).length ? formatLabels(d.svc.spec.selector) : "<none>"}`);
    g.select(".service-endpoints")
      .classed("none", (d) => d.endpoints.filter((e) => e.ready).length === 0)
      .text((d) => endpointSummary(d));
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
          o.append("text").attr("class", "owner-rs").attr("x", 14).attr("y", 68);
          o.append("text").attr("class", "owner-rs owner-rs-2").attr("x", 14).attr("y", 83);
          for (const [cls, label, dx] of [["scale-down", "−", OWNER_W - 64], ["scale-up", "+", OWNER_W - 34]]) {
            const b = o.append("g").attr("class", `scale-button ${cls}`).attr("tabindex", 0).attr("role", "button").attr("transform", `translate(${dx},28)`);
            b.append("rect").attr("width", 26).attr("height", 24).attr("rx", 6);
            b.append("text").attr("x", 13).attr("y", 17).attr("text-anchor", "middle").text(label);
          }
          o.attr("opacity", 0).transition().duration(duration(400)).attr("opacity", 1);
          return o;
        },
        (update) => update,
        (exit) => exit.transition().duration(duration(300)).attr("opacity", 0).remove(),
      );
    g.attr("data-name", (d) => d.name)
      .attr("data-kind", (d) => d.kind)
      .attr("data-hue", (d) => d.hue % 4)
      .attr("transform", (d) => `translate(${d.x},${d.y})`);
    g.select(".owner-kind").text((d) => d.kind);
    g.select(".owner-name").text((d) => d.name);
    g.select(".owner-ready").text((d) => `READY ${d.ready}`);
    g.select(".owner-rs").text((d) => (d.kind === "Deployment" && d.replicaSets[0] ? `ReplicaSet ${d.replicaSets[0].name}  ${d.replicaSets[0].text}` : ""));
    g.select(".owner-rs-2").text((d) => (d.kind === "Deployment" && d.replicaSets[1] ? `ReplicaSet ${d.replicaSets[1].name}  ${d.replicaSets[1].text}` : ""));
    g.selectAll(".scale-button").style("display", (d) => (d.kind === "Deployment" ? null : "none"));
    const wire = (cls, delta) =>
      g
        .select(`.${cls}`)
        .attr("aria-label", (d) => `Scale deployment ${d.name} to ${Math.max(0, d.replicas + delta)} replicas`)
        .attr("aria-disabled", (d) => String(d.replicas + delta < 0))
        .on("click", (event, d) => {
          if (d.replicas + delta >= 0) onScale(d.name, d.replicas + delta);
        })
        .on("keydown", (event, d) => activateOnKey(event, () => d.replicas + delta >= 0 && onScale(d.name, d.replicas + delta)));
    wire("scale-down", -1);
    wire("scale-up", +1);
  }

  function renderPods({ pods }) {
    const t = () => svg.transition().duration(duration(500));
    const center = (d, scale = 1) => `translate(${d.x + POD_W / 2},${d.y + POD_H / 2}) scale(${scale})`;
    const g = layers.pods
      .selectAll("g.pod")
      .data(pods, (d) => d.name)
      .join(
        (enter) => {
          const p = enter.append("g").attr("class", "pod").attr("tabindex", 0).attr("role", "button");
          const body = p.append("g").attr("transform", `translate(${-POD_W / 2},${-POD_H / 2})`);
          body.append("rect").attr("class", "pod-card").attr("width", POD_W).attr("height", POD_H).attr("rx", 8);
          body.append("rect").attr("class", "pod-stripe").attr("width", 5).attr("height", POD_H - 12).attr("x", 0).attr("y", 6).attr("rx", 2);
          body.append("text").attr("class", "pod-icon").attr("x", 17).attr("y", 22).attr("text-anchor", "middle").attr("aria-hidden", "true");
          body.append("text").attr("class", "pod-name").attr("x", 30).attr("y", 21);
          body.append("text").attr("class", "pod-ip").attr("x", 30).attr("y", 38);
          body.append("text").attr("class", "pod-status").attr("x", 30).attr("y", 53);
          body.append("text").attr("class", "pod-ready").attr("x", POD_W - 10).attr("y", 38).attr("text-anchor", "end");
          p.append("title");
          p.on("click", (event, d) => onSelectPod(d.name));
          p.on("keydown", (event, d) => activateOnKey(event, () => onSelectPod(d.name)));
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
      .attr("data-status", (d) => d.statusText)
      .attr("data-category", (d) => d.category)
      .attr("data-ip", (d) => d.ip)
      .attr("data-node", (d) => d.pod.spec.nodeName || "")
      .attr("data-ready", (d) => `${d.ready.ready}/${d.ready.total}`)
      .classed("outside", (d) => d.outside)
      .classed("selected", (d) => d.name === selectedPod)
      .attr("aria-pressed", (d) => String(d.name === selectedPod))
      .attr("aria-label", (d) => podLabel(d));
    g.select(".pod-icon").text((d) => CATEGORY_LOOK[d.category].icon);
    g.select(".pod-name").text((d) => shortName(d.name));
    g.select(".pod-ip").text((d) => d.ip || "no IP yet");
    g.select(".pod-status").text((d) => d.statusText);
    g.select(".pod-ready").text((d) => `READY ${d.ready.ready}/${d.ready.total}`);
    g.select("title").text((d) => podLabel(d));
  }

  return {
    render,
    svg,
    layer: (name) => layers[name],
    /** Marks the selected pod/service (their panels are elsewhere). */
    select(kind, name) {
      if (kind === "pod") selectedPod = name;
      if (kind === "service") selectedService = name;
      render();
    },
    /** Where something is drawn, for traffic dots: pods and services by name, nodes, or `outside`. */
    anchor(kind, name) {
      if (!layout) return null;
      if (kind === "pod") {
        const p = layout.pods.find((x) => x.name === name);
        return p ? { x: p.x + POD_W / 2, y: p.y + POD_H / 2 } : null;
      }
      if (kind === "service") {
        const s = layout.services.find((x) => x.name === name);
        return s ? { x: s.x + SERVICE_W / 2, y: s.y + SERVICE_H / 2 } : null;
      }
      if (kind === "node") {
        const l = layout.lanes.find((x) => x.name === name);
        return l ? { x: l.x + LANE_W / 2, y: l.y + 26 } : null;
      }
      return { x: 4, y: PAD + SERVICE_H / 2 };
    },
    podAt: (ip) => layout && layout.pods.find((p) => p.ip === ip),
  };
}

function activateOnKey(event, fn) {
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    fn();
  }
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
  const parts = [`Pod ${d.name}`, `status ${d.statusText} (${look.label})`, `ready ${d.ready.ready}/${d.ready.total}`, d.ip ? `IP ${d.ip}` : "no IP yet"];
  if (d.pod.spec.nodeName) parts.push(`on ${d.pod.spec.nodeName}`);
  if (d.outside) parts.push("not selected by any Service");
  return parts.join(", ");
}
