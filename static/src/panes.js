// The workspace's furniture: resizable splits (drag the handle, or focus it and use the arrow keys;
// a double click restores the default), tab lists, and the phone's one-view-at-a-time tabs. Sizes are kept
// in localStorage so a reload opens the page as the learner left it.

const HANDLE = 8;
const STEP = 0.03;

/**
 * Wires every `[data-split]` element under `root`: its children are a pane, a `.split-handle` and a pane.
 * `data-split-default` is the first pane's share (0–1), `data-split-min` the two panes' minimum sizes in px.
 */
export function initSplits(root, storage) {
  const splits = [];
  for (const container of root.querySelectorAll("[data-split]")) {
    const handle = [...container.children].find((c) => c.classList.contains("split-handle"));
    if (!handle) continue;
    splits.push(makeSplit(container, handle, storage));
  }
  return splits;
}

function makeSplit(container, handle, storage) {
  const name = container.dataset.split;
  const rows = container.classList.contains("split-rows");
  const initial = Number(container.dataset.splitDefault || 0.5);
  const [minA, minB] = (container.dataset.splitMin || "120,120").split(",").map(Number);
  let share = Number(storage.get(`split:${name}`, initial));
  if (!(share > 0 && share < 1)) share = initial;

  const size = () => {
    const r = container.getBoundingClientRect();
    return rows ? r.height : r.width;
  };
  const clamp = (value) => {
    const total = size() - HANDLE;
    if (total <= minA + minB) return Math.min(0.85, Math.max(0.15, value));
    return Math.min(1 - minB / total, Math.max(minA / total, value));
  };
  const apply = () => {
    // Where the handle is not shown (phones stack the panes) the stylesheet decides alone.
    if (getComputedStyle(handle).display === "none") {
      container.style.gridTemplateRows = "";
      container.style.gridTemplateColumns = "";
      return;
    }
    const a = clamp(share);
    const template = `minmax(0, ${(a * 1000).toFixed(0)}fr) ${HANDLE}px minmax(0, ${((1 - a) * 1000).toFixed(0)}fr)`;
    if (rows) container.style.gridTemplateRows = template;
    else container.style.gridTemplateColumns = template;
    handle.setAttribute("aria-valuenow", String(Math.round(a * 100)));
  };
  const set = (value) => {
    share = clamp(value);
    storage.set(`split:${name}`, Number(share.toFixed(4)));
    apply();
  };

  handle.setAttribute("aria-valuemin", "0");
  handle.setAttribute("aria-valuemax", "100");
  handle.title = "Drag to resize · double-click to restore";
  handle.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    container.classList.add("resizing");
    const rect = container.getBoundingClientRect();
    const move = (e) => set(rows ? (e.clientY - rect.top - HANDLE / 2) / (rect.height - HANDLE) : (e.clientX - rect.left - HANDLE / 2) / (rect.width - HANDLE));
    const up = () => {
      container.classList.remove("resizing");
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
      handle.removeEventListener("pointercancel", up);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
    handle.addEventListener("pointercancel", up);
  });
  handle.addEventListener("dblclick", () => set(initial));
  handle.addEventListener("keydown", (event) => {
    const back = rows ? "ArrowUp" : "ArrowLeft";
    const forward = rows ? "ArrowDown" : "ArrowRight";
    if (event.key === back || event.key === forward) {
      event.preventDefault();
      set(share + (event.key === forward ? STEP : -STEP));
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      set(event.key === "Home" ? 0 : 1);
    }
  });
  new ResizeObserver(apply).observe(container);
  apply();
  return { name, get share() { return share; }, set, reset: () => set(initial) };
}

/** A `role=tablist`: one tab selected, its panel shown; ←/→ move between tabs. Returns `select(name)`. */
export function initTabs(tablist, { attribute, onSelect = () => {} }) {
  const tabs = [...tablist.querySelectorAll("[role=tab]")];
  function select(name, { focus = false } = {}) {
    for (const tab of tabs) {
      const on = tab.dataset[attribute] === name;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      const panel = tab.getAttribute("aria-controls") && document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
      if (on && focus) tab.focus();
    }
    onSelect(name);
  }
  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab.dataset[attribute]));
    tab.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      const i = tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : -1);
      select(tabs[(i + tabs.length) % tabs.length].dataset[attribute], { focus: true });
    });
  }
  return select;
}
