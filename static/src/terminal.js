// The terminal (xterm.js) with a small line editor: prompt `$ `, history on ↑/↓, Ctrl+C, Ctrl+L,
// Ctrl+A/E/U, Tab completion (from the server's `complete` and from the objects the page knows), `clear`
// and `help` run locally, everything else goes to the server's built-in kubectl.

import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";

const PROMPT = "$ ";
// One key each: an escape sequence (arrows, Home, End, Delete) or a single character.
const KEY_TOKENS = /\x1b\[[0-9;]*[A-Za-z~]|\x1bO[A-Z]|[\s\S]/g;
const VERBS = ["get", "describe", "apply", "delete", "scale", "logs", "rollout", "label", "expose", "create", "edit", "explain", "api-resources", "version", "cluster-info"];
const RESOURCES = {
  pods: "Pod", pod: "Pod", po: "Pod",
  services: "Service", service: "Service", svc: "Service",
  deployments: "Deployment", deployment: "Deployment", deploy: "Deployment",
  replicasets: "ReplicaSet", replicaset: "ReplicaSet", rs: "ReplicaSet",
  endpoints: "Endpoints", ep: "Endpoints",
  endpointslices: "EndpointSlice", endpointslice: "EndpointSlice",
  nodes: "Node", node: "Node", no: "Node",
  events: null, ev: null, all: null, configmaps: "ConfigMap", secrets: "Secret", namespaces: null,
};
const RESOURCE_WORDS = ["pods", "services", "deployments", "replicasets", "endpoints", "endpointslices", "nodes", "events", "all", "configmaps", "secrets", "namespaces"];
const HELP = [
  "This terminal runs Podium's built-in kubectl against your sandbox cluster.",
  "",
  "  kubectl get pods -o wide          list pods with their IPs and nodes",
  "  kubectl get svc,endpoints         Services and the pod IPs behind them",
  "  kubectl describe svc httpd-svc    a Service's selector and endpoints",
  "  kubectl apply -f <file>           (use the editor's Apply button for your YAML)",
  "  kubectl scale deploy/httpd --replicas=3",
  "  kubectl delete pod <name>         and watch the Deployment replace it",
  "  curl http://<cluster-ip>:8080/    a request from the client pod (wget works too)",
  "",
  "  clear (or Ctrl+L) clears the screen · ↑/↓ history · Tab completes names · Ctrl+C cancels",
  "  Esc leaves the terminal for keyboard navigation.",
];

/** What a typed line becomes: a local command, a frame line for the server, or a shell error. */
export function parseLine(raw) {
  const line = raw.trim();
  if (!line) return { kind: "empty" };
  const first = line.split(/\s+/)[0];
  if (first === "clear") return { kind: "clear" };
  if (first === "help") return { kind: "help" };
  if (first === "kubectl") return { kind: "kubectl", line: line.slice("kubectl".length).trim() };
  if (first === "curl" || first === "wget") return { kind: "kubectl", line };
  return { kind: "unknown", message: `${first}: command not found` };
}

/** Local completion candidates for the last word of `line`, from the names the page knows. */
export function localCandidates(line, store) {
  const words = line.split(/\s+/);
  const last = words[words.length - 1];
  if (words.length === 1) return ["kubectl", "curl", "wget", "clear", "help"].filter((w) => w.startsWith(last));
  if (words[0] !== "kubectl") return [];
  const args = words.slice(1, -1).filter((w) => !w.startsWith("-"));
  if (args.length === 0) return VERBS.filter((w) => w.startsWith(last));
  if (last.includes("/")) {
    const [type, partial] = last.split("/", 2);
    const kind = RESOURCES[type];
    if (!kind) return [];
    return namesOf(store, kind).filter((n) => n.startsWith(partial)).map((n) => `${type}/${n}`);
  }
  if (args.length === 1) {
    if (args[0] === "scale") return ["deployment/", "replicaset/"].filter((w) => w.startsWith(last));
    return RESOURCE_WORDS.filter((w) => w.startsWith(last));
  }
  const kind = RESOURCES[args[1]];
  if (!kind) return [];
  return namesOf(store, kind).filter((n) => n.startsWith(last));
}

function namesOf(store, kind) {
  const namespace = kind === "Node" ? "" : "default";
  return store.list(kind, namespace).map((o) => o.metadata.name);
}

/** The longest common prefix of some strings. */
export function commonPrefix(items) {
  if (!items.length) return "";
  let prefix = items[0];
  for (const item of items) while (!item.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** Mounts the terminal in `host`. `run(line)` resolves with a `kubectl_result` (or `error`) frame;
 * `complete(line)` resolves with a list of strings. */
export function createTerminal(host, { run, complete, store, onEscape }) {
  const term = new Terminal({
    convertEol: true,
    cursorBlink: true,
    fontFamily: '"JetBrains Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
    fontSize: 13,
    lineHeight: 1.25,
    scrollback: 2000,
    theme: { background: "#15202b", foreground: "#dce3ea", cursor: "#9bd1ff", selectionBackground: "#34506b" },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  const refit = () => {
    try {
      fit.fit();
    } catch {
      // Not laid out yet (hidden): the next resize fits it.
    }
  };
  refit();
  new ResizeObserver(refit).observe(host);

  const history = [];
  let historyAt = 0;
  let buffer = "";
  let cursor = 0;
  let busy = null; // the run in flight, cancelled by Ctrl+C
  let queue = [];
  let typeahead = ""; // keys typed while a command runs, replayed at the next prompt like a shell's

  const redraw = () => {
    term.write(`\r\x1b[K${PROMPT}${buffer}`);
    if (cursor < buffer.length) term.write(`\x1b[${buffer.length - cursor}D`);
  };
  const prompt = () => {
    buffer = "";
    cursor = 0;
    term.write(`\x1b[1;32m${PROMPT}\x1b[0m`);
    if (queue.length) {
      submit(queue.shift());
    } else if (typeahead) {
      const keys = typeahead;
      typeahead = "";
      for (const key of keys.match(KEY_TOKENS)) handleData(key);
    }
  };
  const insert = (text) => {
    buffer = buffer.slice(0, cursor) + text + buffer.slice(cursor);
    cursor += text.length;
    if (cursor === buffer.length) term.write(text);
    else redraw();
  };

  async function submit(line) {
    if (buffer !== line) {
      buffer = line;
      cursor = line.length;
      term.write(line);
    }
    term.write("\r\n");
    if (line.trim() && history[history.length - 1] !== line) history.push(line);
    historyAt = history.length;
    const parsed = parseLine(line);
    if (parsed.kind === "clear") {
      term.clear();
      term.write("\x1b[2J\x1b[H");
    } else if (parsed.kind === "help") {
      term.write(HELP.join("\r\n") + "\r\n");
    } else if (parsed.kind === "unknown") {
      term.write(`bash: ${parsed.message}\r\n\x1b[2m(commands start with kubectl — type help)\x1b[0m\r\n`);
    } else if (parsed.kind === "kubectl") {
      const token = {};
      busy = token;
      const reply = await run(parsed.line);
      if (busy !== token) return; // cancelled with Ctrl+C; its prompt is already shown
      busy = null;
      if (reply.type === "error") writeOutput(`error: ${reply.message}\n`, true);
      else {
        writeOutput(reply.stdout || "", false);
        writeOutput(reply.stderr || "", true);
      }
    }
    prompt();
  }

  const writeOutput = (text, isError) => {
    if (!text) return;
    const body = text.endsWith("\n") ? text : `${text}\n`;
    term.write(isError ? `\x1b[38;5;210m${body}\x1b[0m` : body);
  };

  async function tab() {
    const line = buffer.slice(0, cursor);
    const last = line.split(/\s+/).pop();
    const wordStart = line.length - last.length;
    let candidates = localCandidates(line, store);
    const remote = await Promise.race([complete(line), new Promise((r) => setTimeout(() => r([]), 800))]);
    for (const item of remote || []) {
      // The server may answer with whole lines or with words: both become words here.
      const word = item.startsWith(line) && item.length > last.length && line.length > last.length ? item.slice(wordStart) : item;
      if (word.startsWith(last) && !candidates.includes(word)) candidates.push(word);
    }
    if (busy || buffer.slice(0, cursor) !== line) return;
    candidates = candidates.sort();
    if (candidates.length === 1) {
      insert(candidates[0].slice(last.length) + (candidates[0].endsWith("/") ? "" : " "));
    } else if (candidates.length > 1) {
      const prefix = commonPrefix(candidates);
      if (prefix.length > last.length) insert(prefix.slice(last.length));
      else {
        term.write(`\r\n${candidates.join("  ")}\r\n`);
        redraw();
      }
    }
  }

  term.attachCustomKeyEventHandler((event) => {
    if (event.type === "keydown" && event.key === "Escape") {
      onEscape?.();
      return false;
    }
    return true;
  });

  function handleData(data) {
    if (data === "\x03") {
      // Ctrl+C: abandon the line (or the command in flight) like a shell does.
      term.write("^C\r\n");
      busy = null;
      queue = [];
      typeahead = "";
      prompt();
      return;
    }
    if (busy) {
      typeahead += data;
      return;
    }
    switch (data) {
      case "\r":
        submit(buffer);
        return;
      case "\x7f":
      case "\b":
        if (cursor > 0) {
          buffer = buffer.slice(0, cursor - 1) + buffer.slice(cursor);
          cursor -= 1;
          redraw();
        }
        return;
      case "\x1b[3~":
        if (cursor < buffer.length) {
          buffer = buffer.slice(0, cursor) + buffer.slice(cursor + 1);
          redraw();
        }
        return;
      case "\x0c":
        term.clear();
        term.write("\x1b[2J\x1b[H");
        redraw();
        return;
      case "\x15":
        buffer = buffer.slice(cursor);
        cursor = 0;
        redraw();
        return;
      case "\x01":
      case "\x1b[H":
      case "\x1bOH":
        cursor = 0;
        redraw();
        return;
      case "\x05":
      case "\x1b[F":
      case "\x1bOF":
        cursor = buffer.length;
        redraw();
        return;
      case "\x1b[D":
        if (cursor > 0) {
          cursor -= 1;
          term.write(data);
        }
        return;
      case "\x1b[C":
        if (cursor < buffer.length) {
          cursor += 1;
          term.write(data);
        }
        return;
      case "\x1b[A":
      case "\x1b[B":
        if (!history.length) return;
        historyAt = Math.max(0, Math.min(history.length, historyAt + (data === "\x1b[A" ? -1 : 1)));
        buffer = history[historyAt] || "";
        cursor = buffer.length;
        redraw();
        return;
      case "\t":
        tab();
        return;
      default:
        break;
    }
    if (data.startsWith("\x1b")) return;
    // Typed text or a paste: each pasted line runs in turn, like a shell.
    const lines = data.replace(/\r\n?/g, "\n").split("\n");
    const printable = (s) => s.replace(/[\x00-\x1f\x7f]/g, "");
    insert(printable(lines[0]));
    if (lines.length > 1) {
      queue = lines.slice(1).filter((l, i, all) => i < all.length - 1 || l).map(printable);
      submit(buffer);
    }
  }
  term.onData(handleData);

  term.write("\x1b[2mPodium sandbox · built-in kubectl v1.32 · type help\x1b[0m\r\n");
  prompt();

  return {
    term,
    /** Types a line at the prompt and runs it (the lesson's "Run" buttons). */
    runCommand(line) {
      if (busy) {
        queue.push(line);
        return;
      }
      buffer = "";
      cursor = 0;
      redraw();
      submit(line);
    },
    focus: () => term.focus(),
    fit: refit,
  };
}
