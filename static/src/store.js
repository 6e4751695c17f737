// The browser's copy of the sandbox's objects, keyed by kind/namespace/name, kept current by
// `snapshot` and `change` frames. Views subscribe and redraw from it.

const MAX_EVENTS = 200;

/** The key of an object in the cache. */
export function objectKey(kind, namespace, name) {
  return `${kind}/${namespace || ""}/${name}`;
}

export class Store {
  constructor() {
    this.objects = new Map();
    this.events = [];
    this.time = 0;
    this.speed = 1;
    this.listeners = new Set();
  }

  /** Calls `fn(reason, detail)` after every change; returns an unsubscribe function. */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify(reason, detail) {
    for (const fn of this.listeners) fn(reason, detail);
  }

  /** Replaces everything with a snapshot frame's contents. */
  reset(snapshot) {
    this.objects.clear();
    for (const object of snapshot.objects || []) this.put(object);
    this.events = (snapshot.events || []).slice(-MAX_EVENTS);
    this.time = snapshot.time || 0;
    if (snapshot.speed !== undefined) this.speed = snapshot.speed;
    this.notify("snapshot", null);
  }

  /** Applies one watch-style change: `{type: ADDED|MODIFIED|DELETED, object}`. */
  apply(change, time) {
    const object = change.object;
    if (time) this.time = time;
    if (object.kind === "Event") {
      if (change.type !== "DELETED") this.addEvent(object);
      this.notify("event", object);
      return;
    }
    const m = object.metadata || {};
    const key = objectKey(object.kind, m.namespace, m.name);
    const previous = this.objects.get(key) || null;
    if (change.type === "DELETED") this.objects.delete(key);
    else this.objects.set(key, object);
    this.notify("change", { type: change.type, object, previous });
  }

  put(object) {
    const m = object.metadata || {};
    this.objects.set(objectKey(object.kind, m.namespace, m.name), object);
  }

  addEvent(event) {
    // A repeated event comes back MODIFIED with a higher count: it replaces its earlier copy.
    const uid = event.metadata && event.metadata.uid;
    const name = event.metadata && event.metadata.name;
    const at = this.events.findIndex((e) => (uid && e.metadata.uid === uid) || e.metadata.name === name);
    if (at >= 0) this.events.splice(at, 1);
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.shift();
  }

  /** One object, or undefined. */
  get(kind, namespace, name) {
    return this.objects.get(objectKey(kind, namespace, name));
  }

  /** All objects of a kind (optionally in one namespace), sorted by name. */
  list(kind, namespace) {
    const out = [];
    for (const object of this.objects.values()) {
      if (object.kind !== kind) continue;
      if (namespace !== undefined && (object.metadata.namespace || "") !== namespace) continue;
      out.push(object);
    }
    return out.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  }

  /** The events that involve one object, oldest first. */
  eventsFor(kind, namespace, name) {
    return this.events.filter((e) => {
      const o = e.involvedObject || e.regarding || {};
      return o.kind === kind && o.name === name && (o.namespace || "") === (namespace || "");
    });
  }

  /** The controlling owner reference of an object, or null. */
  static controllerOf(object) {
    const refs = (object.metadata && object.metadata.ownerReferences) || [];
    return refs.find((r) => r.controller) || null;
  }
}
