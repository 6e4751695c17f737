// Where the diagram draws everything: a pure function of the store. Nodes are columns (lanes) running the
// whole height; each namespace is a band across them holding its Services (over the pods they select), its
// pods (in the lane of their node) and the Deployments that own them (under their pods). A ReplicaSet with
// many pods in a namespace is folded into one count card per lane until it is opened.

import { Store } from "./store.js";
import { serviceSelects } from "./labels.js";
import { podIP, podReady, podStatus, statusCategory } from "./status.js";

export const PAD = 16;
export const LANE_W = 232;
export const LANE_GAP = 16;
export const LANE_HEAD = 44;
export const POD_W = 204;
export const POD_H = 58;
export const POD_GAP = 8;
export const GUTTER = (LANE_W - POD_W) / 2;
export const SERVICE_W = 250;
export const SERVICE_H = 74;
export const SERVICE_GAP = 18;
export const OWNER_W = 250;
export const OWNER_H = 76;
export const BAND_HEAD = 26;
export const BAND_GAP = 14;
export const LINK_SPACE = 46;
export const FOLD_BAR_H = 22;
/** A ReplicaSet with more pods than this in its namespace is folded into counts. */
export const FOLD_AT = 8;
export const UNSCHEDULED = "(unscheduled)";
/** Namespaces hidden until the learner asks for them. */
export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];

const byName = (a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);

export function nodeRank(node) {
  const labels = node.metadata.labels || {};
  return "node-role.kubernetes.io/control-plane" in labels ? 0 : 1;
}

/** Every namespace the store knows of (Namespace objects and the namespaces of objects), default first. */
export function namespacesOf(store) {
  const names = new Set(store.list("Namespace").map((n) => n.metadata.name));
  for (const object of store.objects.values()) if (object.metadata && object.metadata.namespace) names.add(object.metadata.namespace);
  return [...names].sort((a, b) => (a === "default" ? -1 : b === "default" ? 1 : a < b ? -1 : a > b ? 1 : 0));
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

/**
 * Everything the diagram draws, with positions. `hidden` is a set of namespaces not to draw; `expanded` a
 * set of ReplicaSet keys (`namespace/name`) whose folded pods are shown one by one.
 */
export function computeLayout(store, { hidden = new Set(SYSTEM_NAMESPACES), expanded = new Set() } = {}) {
  const nodes = store.list("Node").sort((a, b) => nodeRank(a) - nodeRank(b) || byName(a, b));
  const namespaces = namespacesOf(store).filter((ns) => !hidden.has(ns));
  const laneNames = nodes.map((n) => n.metadata.name);
  const shownPods = namespaces.flatMap((ns) => store.list("Pod", ns));
  if (shownPods.some((p) => !p.spec.nodeName || !laneNames.includes(p.spec.nodeName))) laneNames.push(UNSCHEDULED);
  const lanes = laneNames.map((name, i) => ({
    name,
    node: nodes.find((n) => n.metadata.name === name) || null,
    x: PAD + i * (LANE_W + LANE_GAP),
    y: PAD,
    width: LANE_W,
    height: 0,
    unscheduled: name === UNSCHEDULED,
  }));
  const laneIndex = new Map(lanes.map((l, i) => [l.name, i]));
  const lanesRight = PAD + lanes.length * (LANE_W + LANE_GAP) - LANE_GAP;

  const out = { lanes, bands: [], pods: [], folds: [], foldBars: [], services: [], links: [], owners: [], ownerLinks: [] };
  let y = PAD + LANE_HEAD + 10;
  let right = lanesRight;
  let hue = 0;

  for (const ns of namespaces) {
    const pods = store.list("Pod", ns);
    const services = store.list("Service", ns);
    const owners = ownerGroups(store, ns);
    if (!pods.length && !services.length && !owners.length) continue;
    const band = { namespace: ns, y, x: PAD / 2, height: 0, pods: pods.length, services: services.length };
    out.bands.push(band);
    y += BAND_HEAD;
    const servicesY = y;
    if (services.length) y += SERVICE_H + LINK_SPACE;
    const podsTop = y;

    // Pods into lanes: grouped by their ReplicaSet, folded when that ReplicaSet is large and not opened.
    const rsOf = (pod) => {
      const ref = Store.controllerOf(pod);
      return ref && ref.kind === "ReplicaSet" ? ref.name : "";
    };
    const rsSize = new Map();
    for (const pod of pods) rsSize.set(rsOf(pod), (rsSize.get(rsOf(pod)) || 0) + 1);
    const cells = lanes.map(() => []);
    for (const pod of [...pods].sort((a, b) => (rsOf(a) < rsOf(b) ? -1 : rsOf(a) > rsOf(b) ? 1 : byName(a, b)))) {
      const lane = pod.spec.nodeName && laneIndex.has(pod.spec.nodeName) ? laneIndex.get(pod.spec.nodeName) : laneIndex.get(UNSCHEDULED);
      cells[lane].push(pod);
    }
    const selectorServices = services.filter((s) => Object.keys(s.spec.selector || {}).length);
    const cards = new Map(); // pod name -> the card (pod or fold) that stands for it
    let tallest = POD_H;
    cells.forEach((cell, li) => {
      const lane = lanes[li];
      let cy = podsTop;
      let i = 0;
      while (i < cell.length) {
        const rs = rsOf(cell[i]);
        let j = i;
        while (j < cell.length && rsOf(cell[j]) === rs) j++;
        const group = cell.slice(i, j);
        const key = `${ns}/${rs}`;
        const large = rs && rsSize.get(rs) > FOLD_AT;
        if (large && !expanded.has(key)) {
          const fold = foldCard(key, ns, rs, group, lane, cy, rsSize.get(rs));
          out.folds.push(fold);
          for (const pod of group) cards.set(pod.metadata.name, fold);
          cy += POD_H + POD_GAP;
        } else {
          if (large) {
            out.foldBars.push({ key: `${key}@${lane.name}`, rs: key, name: rs, namespace: ns, count: rsSize.get(rs), x: lane.x + GUTTER, y: cy });
            cy += FOLD_BAR_H + POD_GAP;
          }
          for (const pod of group) {
            const item = podCard(pod, ns, lane, cy, selectorServices);
            out.pods.push(item);
            cards.set(pod.metadata.name, item);
            cy += POD_H + POD_GAP;
          }
        }
        i = j;
      }
      tallest = Math.max(tallest, cy - podsTop - POD_GAP);
    });
    y = podsTop + tallest + POD_GAP;

    // Services over the pods they send to (their endpoints, else the pods their selector picks).
    const serviceItems = services.map((svc) => {
      const endpoints = serviceEndpoints(store, svc);
      let targets = endpoints.map((e) => cards.get(e.pod)).filter(Boolean);
      if (!targets.length && Object.keys(svc.spec.selector || {}).length) {
        targets = pods.filter((p) => serviceSelects(svc.spec.selector, p.metadata.labels)).map((p) => cards.get(p.metadata.name));
      }
      return { key: `${ns}/${svc.metadata.name}`, name: svc.metadata.name, namespace: ns, svc, endpoints, y: servicesY, want: centre(targets) };
    });
    right = Math.max(right, spread(serviceItems, SERVICE_W, SERVICE_GAP));
    out.services.push(...serviceItems);
    for (const s of serviceItems) {
      const seen = new Set();
      s.endpoints.forEach((ep, ei) => {
        const card = cards.get(ep.pod);
        if (!card || seen.has(card.key)) return;
        seen.add(card.key);
        const sx = s.x + SERVICE_W / 2 + (ei - (s.endpoints.length - 1) / 2) * Math.min(10, 180 / Math.max(1, s.endpoints.length));
        const gx = card.x - GUTTER / 2 - 2;
        const my = card.y + POD_H / 2;
        const top = s.y + SERVICE_H;
        out.links.push({
          key: `${s.key}|${card.key}`,
          service: s.key,
          card: card.key,
          pod: card.kind === "pod" ? card.name : null,
          ready: card.kind === "fold" ? card.ready > 0 : ep.ready,
          path: `M${sx},${top} C${sx},${top + LINK_SPACE * 0.7} ${gx},${podsTop - LINK_SPACE * 0.6} ${gx},${podsTop - 8} L${gx},${my - 6} Q${gx},${my} ${gx + 6},${my} L${card.x},${my}`,
        });
      });
    }

    // Owners under the pods they own.
    if (owners.length) {
      y += LINK_SPACE - 18;
      const ownersY = y;
      const ownerItems = owners.map((o) => {
        const owned = [...new Set(pods.filter((p) => o.replicaSets.includes(rsOf(p))).map((p) => cards.get(p.metadata.name)))];
        return { ...o, key: `${ns}/${o.kind}/${o.name}`, y: ownersY, hue: hue++, cards: owned, want: centre(owned) };
      });
      right = Math.max(right, spread(ownerItems, OWNER_W, SERVICE_GAP));
      for (const owner of ownerItems) {
        for (const card of owner.cards) {
          const gx = card.x + POD_W + GUTTER / 2 + 2 + (owner.hue % 3) * 2;
          const my = card.y + POD_H / 2;
          const ox = owner.x + OWNER_W / 2;
          out.ownerLinks.push({
            key: `${owner.key}|${card.key}`,
            hue: owner.hue,
            path: `M${card.x + POD_W},${my} L${gx - 6},${my} Q${gx},${my} ${gx},${my + 6} L${gx},${ownersY - LINK_SPACE + 22} C${gx},${ownersY - 14} ${ox},${ownersY - LINK_SPACE + 30} ${ox},${ownersY}`,
          });
        }
      }
      out.owners.push(...ownerItems);
      y += OWNER_H + 12;
    }
    band.height = y - band.y;
    y += BAND_GAP;
  }

  if (!out.bands.length) y += POD_H;
  const bottom = y - BAND_GAP + 6;
  for (const lane of lanes) lane.height = bottom - lane.y;
  out.width = Math.max(right, lanesRight) + PAD;
  for (const band of out.bands) band.width = out.width - PAD;
  out.height = bottom + PAD;
  out.namespaces = namespaces;
  return out;
}

/** The x centre of some cards, or null. */
function centre(cards) {
  const xs = cards.filter(Boolean).map((c) => c.x + POD_W / 2);
  return xs.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : null;
}

/**
 * Places boxes in a row, each as near its wanted centre as the boxes before it allow; boxes that want
 * nothing go after the rest. Sets `x` on each and returns the row's right edge.
 */
function spread(items, width, gap) {
  const wanted = items.filter((i) => i.want !== null).sort((a, b) => a.want - b.want || (a.name < b.name ? -1 : 1));
  let edge = PAD;
  for (const item of wanted) {
    item.x = Math.max(edge, item.want - width / 2);
    edge = item.x + width + gap;
  }
  // The rest take the first gap wide enough, from the left.
  const taken = wanted.map((i) => [i.x, i.x + width]);
  for (const item of items.filter((i) => i.want === null).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    let x = PAD;
    for (const [from, to] of [...taken].sort((a, b) => a[0] - b[0])) {
      if (x + width + gap <= from) break;
      x = Math.max(x, to + gap);
    }
    item.x = x;
    taken.push([x, x + width]);
  }
  return items.length ? Math.max(...items.map((p) => p.x + width)) : PAD;
}

function podCard(pod, ns, lane, y, selectorServices) {
  const statusText = podStatus(pod);
  const ready = podReady(pod);
  const reached = selectorServices.some((s) => serviceSelects(s.spec.selector, pod.metadata.labels));
  return {
    kind: "pod",
    key: `${ns}/${pod.metadata.name}`,
    name: pod.metadata.name,
    namespace: ns,
    pod,
    statusText,
    ready,
    category: statusCategory(statusText, ready),
    ip: podIP(pod) === "<none>" ? "" : podIP(pod),
    outside: selectorServices.length > 0 && !reached,
    lane: lane.name,
    x: lane.x + GUTTER,
    y,
  };
}

function foldCard(key, ns, rs, group, lane, y, total) {
  const counts = new Map();
  let ready = 0;
  for (const pod of group) {
    const status = podStatus(pod);
    counts.set(status, (counts.get(status) || 0) + 1);
    const r = podReady(pod);
    if (r.total && r.ready === r.total && status === "Running") ready += 1;
  }
  const worst = [...counts.keys()].map((s) => statusCategory(s, { ready: s === "Running" ? 1 : 0, total: 1 }));
  return {
    kind: "fold",
    key: `${key}@${lane.name}`,
    rs: key,
    name: rs,
    namespace: ns,
    count: group.length,
    total,
    ready,
    ips: group.map((p) => podIP(p)).filter((ip) => ip !== "<none>"),
    pods: group.map((p) => p.metadata.name),
    summary: [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${n} ${s}`).join(" · "),
    category: worst.find((c) => c !== "running") || "running",
    lane: lane.name,
    x: lane.x + GUTTER,
    y,
  };
}

/** Deployments (with their ReplicaSets) and bare ReplicaSets of a namespace. */
function ownerGroups(store, namespace) {
  const replicaSets = store.list("ReplicaSet", namespace);
  const groups = [];
  for (const deployment of store.list("Deployment", namespace)) {
    const owned = replicaSets.filter((rs) => {
      const ref = Store.controllerOf(rs);
      return ref && ref.kind === "Deployment" && ref.name === deployment.metadata.name;
    });
    groups.push(group("Deployment", deployment, owned));
  }
  for (const rs of replicaSets) {
    if (!Store.controllerOf(rs)) groups.push(group("ReplicaSet", rs, [rs]));
  }
  return groups;
}

function group(kind, object, replicaSets) {
  const status = object.status || {};
  const desired = object.spec.replicas ?? 1;
  // Active ReplicaSets first (those with replicas), at most two lines.
  const rsLines = replicaSets
    .filter((rs) => (rs.spec.replicas || 0) > 0 || (rs.status && rs.status.replicas) || replicaSets.length === 1)
    .map((rs) => ({ name: rs.metadata.name, text: `${(rs.status && rs.status.readyReplicas) || 0}/${rs.spec.replicas ?? 1}` }))
    .slice(0, 2);
  return {
    kind,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
    replicas: desired,
    ready: `${status.readyReplicas || 0}/${desired}`,
    replicaSetLines: rsLines,
    replicaSets: replicaSets.map((rs) => rs.metadata.name),
  };
}
