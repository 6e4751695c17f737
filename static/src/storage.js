// What the page keeps for the learner in localStorage: editor text per step, terminal history, answer
// counts, pane sizes. Keys start with `podium:` and the sandbox and lesson they belong to; a browser that
// refuses storage (private mode, quota) simply keeps nothing.

/** A namespaced JSON store: `get(name, fallback)`, `set(name, value)`, `remove(name)`. */
export function createStorage(prefix, backend = globalThis.localStorage) {
  const key = (name) => `podium:${prefix}:${name}`;
  return {
    prefix,
    get(name, fallback = null) {
      try {
        const text = backend && backend.getItem(key(name));
        return text === null || text === undefined ? fallback : JSON.parse(text);
      } catch {
        return fallback;
      }
    },
    set(name, value) {
      try {
        if (backend) backend.setItem(key(name), JSON.stringify(value));
      } catch {
        // Full or refused: the page works on without remembering.
      }
    },
    remove(name) {
      try {
        if (backend) backend.removeItem(key(name));
      } catch {
        // As above.
      }
    },
    /** A store for names under this one (`child("step:3")`). */
    child(name) {
      return createStorage(`${prefix}:${name}`, backend);
    },
  };
}
