// The lesson workspace: wires the connection, the object cache and the views together, and exposes
// `window.podium` (loadManifest, runCommand, onChecks) for the lesson steps.

import { Connection } from "./protocol.js";
import { Store } from "./store.js";
import { createEditor, renderApplyResult } from "./editor.js";
import { createTerminal } from "./terminal.js";
import { createDiagram } from "./diagram.js";
import { createTraffic } from "./traffic.js";
import { createWhy } from "./why.js";
import { createDetails } from "./details.js";
import { createEventLog, renderChecks, clockText } from "./events.js";
import { createStorage } from "./storage.js";
import { initSplits, initTabs } from "./panes.js";
import { namespacesOf, SYSTEM_NAMESPACES } from "./layout.js";

const STARTER = `# Write a Deployment and a Service, then press Apply (Ctrl+Enter).
`;

// How long to wait for a reply to frames the server may answer only with broadcasts.
const QUIET_REPLY_MS = 8000;

const STATE_TEXT = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  refused: "Not your sandbox: reload the page",
  offline: "Offline",
};
// How long to wait before saving the editor's text after a keystroke.
const SAVE_DELAY_MS = 300;

function mount(root) {
  const store = new Store();
  const $ = (selector) => root.querySelector(selector);
  const checkListeners = [];
  let lastChecks = null;
  let clock = { time: 0, speed: 1, at: performance.now() };

  // Kept across reloads: layout for every lesson, the rest per sandbox and lesson (and the editor per step).
  const layoutStorage = createStorage("layout");
  const storage = createStorage(root.dataset.storageKey || root.dataset.sandbox || "default");
  let step = root.dataset.step || "1";
  initSplits(document, layoutStorage);
  wireGuide(layoutStorage);

  const stateEl = $("#connection-state");
  const banner = $("#connection-banner");
  let everLive = false;
  const handlers = {
    on_snapshot(frame) {
      store.reset(frame);
      eventLog.reset(store.events);
      setClock(frame.time, frame.speed);
      if (frame.checks) handlers.on_checks(frame);
    },
    on_change(frame) {
      store.apply(frame.change, frame.time);
      if (frame.time) setClock(frame.time, clock.speed);
    },
    on_traffic(frame) {
      traffic.on_traffic(frame);
    },
    on_clock(frame) {
      setClock(frame.time, frame.speed);
    },
    on_checks(frame) {
      lastChecks = frame.checks || [];
      const target = document.getElementById("podium-checks");
      if (target) renderChecks(target, lastChecks);
      for (const fn of checkListeners) fn(lastChecks);
    },
    on_error(frame) {
      $("#workspace-notice").textContent = `error: ${frame.message}`;
    },
    on_pong() {},
  };

  const connection = new Connection(root.dataset.wsUrl, handlers, {
    socketFactory: globalThis.podiumSocketFactory,
    onState(state, delay) {
      stateEl.dataset.state = state;
      stateEl.textContent = state === "reconnecting" ? `Reconnecting in ${Math.round(delay / 1000) || 1}s…` : STATE_TEXT[state];
      if (state === "live") everLive = true;
      // The banner floats over whatever the learner looks at; the first connect shows only in the toolbar.
      const lost = state === "reconnecting" || state === "refused" || (state === "connecting" && everLive);
      banner.hidden = !lost;
      banner.dataset.state = state;
      $("#connection-banner-text").textContent =
        state === "refused"
          ? "This sandbox belongs to another browser session: reload the page."
          : "Reconnecting to your sandbox… what you type is kept, and the diagram catches up when it is back.";
    },
  });

  // The editor and its output.
  const output = $("#apply-output");
  const applyButton = $("#apply-button");
  async function apply(text) {
    applyButton.disabled = true;
    applyButton.setAttribute("aria-busy", "true");
    const reply = await connection.request({ type: "apply", yaml: text });
    applyButton.disabled = false;
    applyButton.removeAttribute("aria-busy");
    editor.showErrors(reply.errors || []);
    renderApplyResult(output, reply, { onLoad: (manifest) => loadManifest(manifest) });
  }
  let saveTimer = null;
  const editorKey = () => `editor:step:${step}`;
  const savedText = () => storage.get(editorKey(), null) ?? storage.get("editor:last", null);
  const editor = createEditor($("#editor"), {
    onApply: apply,
    doc: savedText() ?? STARTER,
    onChange(text) {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => saveEditor(text), SAVE_DELAY_MS);
    },
  });
  function saveEditor(text = editor.getText()) {
    clearTimeout(saveTimer);
    storage.set(editorKey(), text);
    storage.set("editor:last", text);
  }
  addEventListener("pagehide", () => saveEditor());
  applyButton.addEventListener("click", () => apply(editor.getText()));
  function loadManifest(text) {
    editor.setText(text);
    output.replaceChildren();
    editor.focus();
  }

  // The terminal.
  let running = null; // the terminal's command in flight, for Ctrl+C to cancel (kubectl get -w)
  const terminal = createTerminal($("#terminal"), {
    run: (line, onOutput) => (running = connection.request({ type: "kubectl", line }, 0, onOutput)),
    cancel: () => {
      if (running) connection.send({ type: "cancel", id: running.id });
      running = null;
    },
    complete: async (line) => {
      const reply = await connection.request({ type: "complete", line });
      return reply.items || [];
    },
    onEscape: () => $("#terminal-help").focus(),
    storage,
  });
  $("#terminal-help").addEventListener("click", () => terminal.runCommand("help"));
  // "Wide" stacks the terminal above the editor at full width; the terminal refits itself on resize.
  const wide = $("#terminal-wide");
  const setWide = (on) => {
    wide.setAttribute("aria-pressed", String(on));
    wide.closest(".ws-console").classList.toggle("terminal-wide", on);
    layoutStorage.set("terminal-wide", on);
  };
  wide.addEventListener("click", () => setWide(wide.getAttribute("aria-pressed") !== "true"));
  if (layoutStorage.get("terminal-wide", false)) setWide(true);

  // Side tabs beside the diagram, and the phone's one view at a time.
  const badge = $("#events-badge");
  let sideTab = "traffic";
  let unseenEvents = 0;
  const selectSide = initTabs($(".side-tabs"), {
    attribute: "sideTab",
    onSelect(name) {
      sideTab = name;
      if (name === "events") {
        unseenEvents = 0;
        badge.hidden = true;
      }
    },
  });
  const selectPhone = initTabs($(".phone-tabs"), {
    attribute: "phoneView",
    onSelect(name) {
      root.dataset.phoneView = ["traffic", "why", "events"].includes(name) ? "side" : name;
      if (["traffic", "why", "events"].includes(name)) selectSide(name);
      if (name === "diagram") requestAnimationFrame(() => diagram.fitting && diagram.fit(false));
    },
  });
  root.dataset.phoneView = "diagram";
  const showSide = (name) => {
    selectSide(name);
    if (root.dataset.phoneView === "side") selectPhone(name);
  };

  // The diagram and the panels around it.
  const hidden = new Set(storage.get("hidden-namespaces", SYSTEM_NAMESPACES));
  const fitButton = $("#zoom-fit");
  const diagram = createDiagram($("#diagram"), store, {
    hidden,
    onSelectPod: (namespace, name) => {
      diagram.select("pod", namespace, name);
      details.show(namespace, name);
    },
    onSelectService: (namespace, name) => showWhy(namespace, name, true),
    onScale: (namespace, name, replicas) => connection.request({ type: "scale", namespace, name, replicas }, QUIET_REPLY_MS).then(notice),
    onFitChange: (fitting) => fitButton.setAttribute("aria-pressed", String(fitting)),
  });
  fitButton.addEventListener("click", () => diagram.fit());
  $("#zoom-in").addEventListener("click", () => diagram.zoomBy(1.3));
  $("#zoom-out").addEventListener("click", () => diagram.zoomBy(1 / 1.3));
  const namespaceFilter = createNamespaceFilter(root, store, hidden, () => {
    storage.set("hidden-namespaces", [...hidden]);
    diagram.render();
  });
  const details = createDetails(root, store, {
    kill: (namespace, name) => connection.request({ type: "delete_pod", namespace, name }, QUIET_REPLY_MS),
    onClose: () => {
      diagram.select("pod", null, null);
      details.show(null, null);
    },
  });
  addEventListener("keydown", (event) => {
    if (event.key === "Escape" && details.current && !event.target.closest?.(".terminal-host, .editor-host")) {
      diagram.select("pod", null, null);
      details.show(null, null);
    }
  });
  const why = createWhy(root, store, {
    ask: (namespace, name) => connection.request({ type: "why", namespace, name }),
    onPick: (namespace, name) => showWhy(namespace, name, false),
  });
  function showWhy(namespace, name, reveal) {
    diagram.select("service", namespace, name);
    why.show(namespace, name);
    if (reveal && name) showSide("why");
  }
  const traffic = createTraffic(root, store, diagram, {
    send: (frame) => connection.request(frame, QUIET_REPLY_MS).then((reply) => reply.type === "error" && notice(reply)),
    storage,
  });
  const eventLog = createEventLog($("#event-log"));

  function notice(reply) {
    if (reply.type === "timeout") return;
    const text = reply.type === "error" ? `error: ${reply.message}` : reply.stdout || reply.output || "";
    $("#workspace-notice").textContent = text.trim();
  }

  // Redraw at most once a frame however many changes arrive; "why" is asked again once things settle.
  let drawPending = false;
  let whyTimer = null;
  store.subscribe((reason, detail) => {
    if (reason === "event") {
      eventLog.add(detail);
      if (sideTab !== "events") {
        unseenEvents += 1;
        badge.hidden = false;
        badge.textContent = unseenEvents > 99 ? "99+" : String(unseenEvents);
      }
    }
    if (!drawPending) {
      drawPending = true;
      requestAnimationFrame(() => {
        drawPending = false;
        namespaceFilter.refresh();
        diagram.render();
        details.render();
        traffic.refreshChoices();
        why.refreshChoices();
      });
    }
    if (why.current && (reason === "snapshot" || (detail && detail.object && detail.object.kind !== "Event"))) {
      clearTimeout(whyTimer);
      whyTimer = setTimeout(() => why.refresh(), 400);
    }
  });

  // Time controls.
  const speedButtons = { 0: $("#speed-pause"), 1: $("#speed-1"), 4: $("#speed-4") };
  for (const [speed, button] of Object.entries(speedButtons)) {
    button.addEventListener("click", () => {
      connection.send({ type: "speed", speed: Number(speed) });
      setClock(currentTime(), Number(speed));
    });
  }
  function setClock(time, speed) {
    clock = { time, speed: speed ?? clock.speed, at: performance.now() };
    for (const [s, button] of Object.entries(speedButtons)) button.setAttribute("aria-pressed", String(Number(s) === clock.speed));
    showClock();
  }
  function currentTime() {
    return clock.time + ((performance.now() - clock.at) / 1000) * clock.speed;
  }
  function showClock() {
    const el = $("#cluster-time");
    if (clock.time) {
      el.textContent = clockText(currentTime());
      el.dateTime = new Date(currentTime() * 1000).toISOString();
    }
  }
  setInterval(showClock, 1000);

  // Reset.
  $("#reset-sandbox").addEventListener("click", async () => {
    if (!globalThis.confirm("Reset the sandbox? Every object you created is deleted and the cluster starts over.")) return;
    const reply = await connection.request({ type: "reset" }, QUIET_REPLY_MS);
    notice(reply.type === "error" ? reply : { output: "Sandbox reset." });
    if (reply.type !== "error") $("#hit-reset").click();
  });

  connection.connect(true);
  addEventListener("pagehide", () => connection.close());

  return {
    loadManifest,
    runCommand: (line) => terminal.runCommand(line),
    onChecks(fn) {
      checkListeners.push(fn);
      if (lastChecks) fn(lastChecks);
    },
    apply: () => apply(editor.getText()),
    /** The lesson step the learner is on: the editor's text is kept per step. */
    setStep(value) {
      const next = String(value);
      if (next === step) return;
      saveEditor();
      step = next;
      saveEditor();
    },
    /** Forgets what this page kept for the sandbox and lesson (the lesson is started over). */
    forget() {
      clearTimeout(saveTimer);
      for (const name of Object.keys(globalThis.localStorage || {})) {
        if (name.startsWith(`podium:${storage.prefix}:`)) storage.remove(name.slice(`podium:${storage.prefix}:`.length));
      }
    },
    store,
    connection,
    diagram,
    terminal: terminal.term,
  };
}

/** The guide's Hide/Show button on lesson pages (the guide is the lesson text beside the workspace). */
function wireGuide(layoutStorage) {
  const toggle = document.getElementById("guide-toggle");
  const layout = toggle && toggle.closest(".pd-lesson-layout");
  if (!layout) return;
  const set = (collapsed) => {
    layout.classList.toggle("guide-collapsed", collapsed);
    toggle.setAttribute("aria-expanded", String(!collapsed));
    toggle.textContent = collapsed ? "Guide ▸" : "◂ Hide guide";
    toggle.title = collapsed ? "Show the lesson text again" : "Hide the lesson text to give the workspace the whole width";
    layoutStorage.set("guide-collapsed", collapsed);
  };
  toggle.addEventListener("click", () => set(!layout.classList.contains("guide-collapsed")));
  if (layoutStorage.get("guide-collapsed", false)) set(true);
}

/** The diagram's namespace filter: a checkbox per namespace; system namespaces start unticked. */
function createNamespaceFilter(root, store, hidden, onChange) {
  const list = root.querySelector("#ns-filter-list");
  const summary = root.querySelector("#ns-filter-summary");
  let drawn = "";
  function refresh() {
    const names = namespacesOf(store);
    const key = names.join(",") + "|" + [...hidden].join(",");
    if (key === drawn) return;
    drawn = key;
    const legend = list.querySelector("legend");
    list.replaceChildren(legend);
    for (const ns of names) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = ns;
      box.checked = !hidden.has(ns);
      box.addEventListener("change", () => {
        if (box.checked) hidden.delete(ns);
        else hidden.add(ns);
        refresh();
        onChange();
      });
      const count = store.list("Pod", ns).length;
      label.append(box, document.createTextNode(` ${ns}`), Object.assign(document.createElement("span"), { className: "muted", textContent: ` ${count} pod${count === 1 ? "" : "s"}` }));
      list.append(label);
    }
    const shown = names.filter((ns) => !hidden.has(ns));
    summary.textContent = shown.length === names.length ? "all" : shown.length ? shown.join(", ") : "none";
  }
  return { refresh };
}

const root = document.querySelector("[data-podium-workspace]");
if (root) {
  globalThis.podium = mount(root);
  // Lesson pages whose scripts run before this bundle wait for this event to use window.podium.
  document.dispatchEvent(new CustomEvent("podium:ready", { detail: globalThis.podium }));
}
