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

function mount(root) {
  const store = new Store();
  const $ = (selector) => root.querySelector(selector);
  const checkListeners = [];
  let lastChecks = null;
  let clock = { time: 0, speed: 1, at: performance.now() };

  const stateEl = $("#connection-state");
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
  const editor = createEditor($("#editor"), { onApply: apply, doc: STARTER });
  applyButton.addEventListener("click", () => apply(editor.getText()));
  function loadManifest(text) {
    editor.setText(text);
    output.replaceChildren();
    editor.focus();
  }

  // The terminal.
  const terminal = createTerminal($("#terminal"), {
    store,
    run: (line) => connection.request({ type: "kubectl", line }),
    complete: async (line) => {
      const reply = await connection.request({ type: "complete", line });
      return reply.items || [];
    },
    onEscape: () => $("#terminal-help").focus(),
  });
  $("#terminal-help").addEventListener("click", () => terminal.runCommand("help"));
  // "Wide" stacks the terminal above the editor at full width; the terminal refits itself on resize.
  const wide = $("#terminal-wide");
  wide.addEventListener("click", () => {
    const on = wide.getAttribute("aria-pressed") !== "true";
    wide.setAttribute("aria-pressed", String(on));
    wide.closest(".ws-work").classList.toggle("terminal-wide", on);
  });

  // The diagram and the panels around it.
  const diagram = createDiagram($("#diagram"), store, {
    onSelectPod: (name) => {
      diagram.select("pod", name);
      details.show(name);
    },
    onSelectService: (name) => showWhy(name),
    onScale: (name, replicas) => connection.request({ type: "scale", namespace: "default", name, replicas }, QUIET_REPLY_MS).then(notice),
  });
  const details = createDetails(root, store, {
    kill: (name) => connection.request({ type: "delete_pod", namespace: "default", name }, QUIET_REPLY_MS),
    onClose: () => {
      diagram.select("pod", null);
      details.show(null);
    },
  });
  const why = createWhy(root, store, {
    ask: (namespace, name) => connection.request({ type: "why", namespace, name }),
    onPick: (name) => showWhy(name),
  });
  function showWhy(name) {
    diagram.select("service", name);
    why.show(name);
  }
  const traffic = createTraffic(root, store, diagram, {
    send: (frame) => connection.request(frame, QUIET_REPLY_MS).then((reply) => reply.type === "error" && notice(reply)),
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
    }
    if (!drawPending) {
      drawPending = true;
      requestAnimationFrame(() => {
        drawPending = false;
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
    store,
    connection,
    terminal: terminal.term,
  };
}

const root = document.querySelector("[data-podium-workspace]");
if (root) {
  globalThis.podium = mount(root);
  // Lesson pages whose scripts run before this bundle wait for this event to use window.podium.
  document.dispatchEvent(new CustomEvent("podium:ready", { detail: globalThis.podium }));
}
