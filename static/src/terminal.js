// The terminal (xterm.js) with a small line editor: prompt `$ `, history on ↑/↓, Ctrl+C, Ctrl+L,
// Ctrl+A/E/U, Tab completion (from the server's `complete`, which offers only what kubectl accepts), `clear`
// and `help` run locally, everything else goes to the server's built-in kubectl.

import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";

const PROMPT = "$ ";
// One key each: an escape sequence (arrows, Home, End, Delete) or a single character.
const KEY_TOKENS = /\x1b\[200~[\s\S]*?\x1b\[201~|\x1b\[[0-9;]*[A-Za-z~]|\x1bO[A-Z]|[\s\S]/g;
// The terminal's own commands; everything else a Tab offers comes from the server's one completion engine,
// which reads the built-in kubectl's command table (cluster/sim/kubectl/completion.py).
const BUILTINS = ["clear", "help"];
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
  "  kubectl get pods | grep httpd | wc -l   output pipes into grep, head, tail, wc, sort and uniq",
  "",
  "  clear (or Ctrl+L) clears the screen · ↑/↓ history · Tab completes names · Ctrl+C cancels",
  "  Select to copy · Ctrl+Shift+V or right-click pastes · a pasted block runs when you press Enter",
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

/** The terminal's own commands that complete `line`'s first word (the server completes the rest). */
export function localCandidates(line) {
  const words = line.split(/\s+/);
  return words.length === 1 ? BUILTINS.filter((w) => w.startsWith(words[0])) : [];
}

/** The longest common prefix of some strings. */
export function commonPrefix(items) {
  if (!items.length) return "";
  let prefix = items[0];
  for (const item of items) while (!item.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** Where position `pos` of a (possibly multi-line) buffer is drawn: its row below the prompt's row and its
 * column, for a prompt of `promptWidth` columns before every line and a terminal `cols` wide. */
export function cellOf(buffer, pos, cols, promptWidth = PROMPT.length) {
  let row = 0;
  let left = pos;
  const lines = buffer.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (left <= line.length || i === lines.length - 1) {
      const v = promptWidth + Math.min(left, line.length);
      return { row: row + Math.floor(v / cols), col: v % cols };
    }
    left -= line.length + 1;
    row += Math.ceil((promptWidth + line.length) / cols);
  }
  return { row, col: promptWidth };
}

/** Pasted text as the line editor takes it: plain lines, tabs as spaces, no trailing newline. */
export function cleanPaste(text) {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, "  ")
    .replace(/[\x00-\x09\x0b-\x1f\x7f]/g, "")
    .replace(/\n+$/, "");
}

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";
const MAX_HISTORY = 200;

/** Mounts the terminal in `host`. `run(line, onOutput)` resolves with a `kubectl_result` (or `error`) frame,
 * handing what a still-running command prints (`kubectl get -w`) to `onOutput`; `cancel()` stops it (Ctrl+C);
 * `complete(line)` resolves with a list of strings; `storage` keeps the history across reloads. */
export function createTerminal(host, { run, cancel = () => {}, complete, onEscape, storage = null }) {
  const term = new Terminal({
    convertEol: true,
    cursorBlink: true,
    fontFamily: '"JetBrains Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
    fontSize: 12.5,
    lineHeight: 1.2,
    scrollback: 5000,
    theme: {
      background: "#14202b", foreground: "#dce3ea", cursor: "#9bd1ff", selectionBackground: "#3d6385",
      scrollbarSliderBackground: "rgba(220, 227, 234, 0.16)", scrollbarSliderHoverBackground: "rgba(220, 227, 234, 0.3)",
      scrollbarSliderActiveBackground: "rgba(220, 227, 234, 0.42)",
    },
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

  const history = (storage && storage.get("history", [])) || [];
  let historyAt = history.length;
  let buffer = "";
  let cursor = 0;
  let row = 0; // the terminal cursor's row below the prompt's first row
  let busy = null; // the run in flight, cancelled by Ctrl+C
  let queue = [];
  let typeahead = ""; // keys typed while a command runs, replayed at the next prompt like a shell's

  const promptText = (i) => (i ? "\x1b[2m> \x1b[0m" : `\x1b[1;32m${PROMPT}\x1b[0m`);
  const cell = (pos) => cellOf(buffer, pos, term.cols);
  const moveTo = (pos) => {
    const target = cell(pos);
    const dy = target.row - row;
    row = target.row;
    return `${dy > 0 ? `\x1b[${dy}B` : dy < 0 ? `\x1b[${-dy}A` : ""}\x1b[${target.col + 1}G`;
  };
  // Rewrites the prompt and the whole buffer from the prompt's first row, then puts the cursor back: a
  // line longer than the terminal is wide stays one line, however it is edited.
  const redraw = () => {
    let out = `${row > 0 ? `\x1b[${row}A` : ""}\r\x1b[J`;
    buffer.split("\n").forEach((line, i) => (out += `${i ? "\r\n" : ""}${promptText(i)}${line}`));
    const end = cell(buffer.length);
    // At the right margin the cursor waits to wrap: a space wraps it (the next row joins the line, as
    // readline does it) and a carriage return puts it where the next character goes.
    if (end.col === 0) out += " \r";
    row = end.row;
    term.write(out + moveTo(cursor));
  };
  const prompt = () => {
    buffer = "";
    cursor = 0;
    row = 0;
    term.write(promptText(0));
    if (queue.length) {
      submitQueued(queue.shift());
    } else if (typeahead) {
      const keys = typeahead;
      typeahead = "";
      for (const key of keys.match(KEY_TOKENS)) handleData(key);
    }
  };
  const insert = (text) => {
    buffer = buffer.slice(0, cursor) + text + buffer.slice(cursor);
    cursor += text.length;
    if (cursor === buffer.length && !text.includes("\n") && cell(cursor).col !== 0) {
      term.write(text);
      row = cell(cursor).row;
    } else redraw();
  };
  const toEnd = () => term.write(moveTo(buffer.length));

  function remember(line) {
    if (!line.trim() || history[history.length - 1] === line) return;
    history.push(line);
    if (history.length > MAX_HISTORY) history.splice(0, history.length - MAX_HISTORY);
    if (storage) storage.set("history", history);
  }

  /** Runs what is at the prompt: one line, or each line of a pasted block in turn. */
  function submit() {
    const lines = buffer.split("\n");
    if (lines.length > 1) {
      // The block is shown again line by line, each with its own prompt and output, as if typed.
      term.write(`${row > 0 ? `\x1b[${row}A` : ""}\r\x1b[J`);
      row = 0;
      queue = lines.slice(1).concat(queue);
      buffer = "";
      cursor = 0;
      submitQueued(lines[0], true);
      return;
    }
    toEnd();
    // A line ending exactly at the margin already left the cursor on a fresh row.
    execute(buffer, buffer.length > 0 && cell(buffer.length).col === 0);
  }

  function submitQueued(line, reprompt = false) {
    buffer = line;
    cursor = line.length;
    term.write(`${reprompt ? promptText(0) : ""}${line}`);
    row = cell(cursor).row;
    execute(line);
  }

  async function execute(line, onFreshRow = false) {
    if (!onFreshRow) term.write("\r\n");
    row = 0;
    remember(line);
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
      const reply = await run(parsed.line, (frame) => {
        if (busy !== token) return;
        writeOutput(frame.stdout || "", false);
        writeOutput(frame.stderr || "", true);
      });
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
    if (line.includes("\n")) return;
    const last = line.split(/\s+/).pop();
    const wordStart = line.length - last.length;
    let candidates = localCandidates(line);
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
        toEnd();
        term.write(`\r\n${candidates.join("  ")}\r\n`);
        row = 0;
        redraw();
      }
    }
  }

  // ---- the clipboard: copy on select, Ctrl+Shift+C/V, Ctrl+C with a selection, right-click paste ----------

  function copy(text) {
    if (!text) return;
    const fallback = () => {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.cssText = "position:fixed;left:-9999px;top:0";
      document.body.append(area);
      area.select();
      try {
        document.execCommand("copy");
      } catch {
        // Nothing more to try.
      }
      area.remove();
      term.focus();
    };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(fallback);
    else fallback();
  }
  const copySelection = () => term.hasSelection() && copy(term.getSelection());
  host.addEventListener("mouseup", () => setTimeout(copySelection, 0));
  host.addEventListener("contextmenu", (event) => {
    if (term.hasSelection()) {
      event.preventDefault();
      copySelection();
      term.clearSelection();
      return;
    }
    // Without the clipboard API (a plain-http page) the browser's own menu offers Paste instead.
    if (!navigator.clipboard || !navigator.clipboard.readText) return;
    event.preventDefault();
    navigator.clipboard.readText().then((text) => {
      term.focus();
      term.paste(text);
    }, () => {});
  });

  term.attachCustomKeyEventHandler((event) => {
    if (event.type !== "keydown") return true;
    if (event.key === "Escape") {
      onEscape?.();
      return false;
    }
    const key = event.key.toLowerCase();
    const mod = event.ctrlKey || event.metaKey;
    if (mod && key === "c" && (event.shiftKey || term.hasSelection())) {
      event.preventDefault();
      copySelection();
      if (!event.shiftKey) term.clearSelection();
      return false;
    }
    // Ctrl+V, Ctrl+Shift+V and Shift+Insert are left to the browser, whose paste event xterm turns into data.
    if ((mod && key === "v") || (event.shiftKey && key === "insert")) return false;
    return true;
  });

  function handleData(data) {
    if (data.startsWith(PASTE_START)) {
      const text = cleanPaste(data.slice(PASTE_START.length, data.endsWith(PASTE_END) ? -PASTE_END.length : undefined));
      if (busy) typeahead += data;
      else if (text) insert(text);
      return;
    }
    if (data === "\x03") {
      // Ctrl+C: abandon the line (or the command in flight) like a shell does.
      if (!busy) toEnd();
      else cancel();
      term.write("^C\r\n");
      row = 0;
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
        submit();
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
        row = 0;
        redraw();
        return;
      case "\x15": {
        // Ctrl+U: delete from the start of the (current) line to the cursor.
        const start = buffer.lastIndexOf("\n", cursor - 1) + 1;
        buffer = buffer.slice(0, start) + buffer.slice(cursor);
        cursor = start;
        redraw();
        return;
      }
      case "\x0b":
        buffer = buffer.slice(0, cursor);
        redraw();
        return;
      case "\x01":
      case "\x1b[H":
      case "\x1bOH":
        cursor = buffer.lastIndexOf("\n", cursor - 1) + 1;
        term.write(moveTo(cursor));
        return;
      case "\x05":
      case "\x1b[F":
      case "\x1bOF": {
        const end = buffer.indexOf("\n", cursor);
        cursor = end < 0 ? buffer.length : end;
        term.write(moveTo(cursor));
        return;
      }
      case "\x1b[D":
        if (cursor > 0) {
          cursor -= 1;
          term.write(moveTo(cursor));
        }
        return;
      case "\x1b[C":
        if (cursor < buffer.length) {
          cursor += 1;
          term.write(moveTo(cursor));
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
    // Typed text; a paste without bracketed-paste markers arrives here too and stays one block.
    const text = data.includes("\n") || data.includes("\r") ? cleanPaste(data) : data.replace(/[\x00-\x1f\x7f]/g, "");
    if (text) insert(text);
  }
  term.onData(handleData);
  term.onResize(() => {
    // xterm re-wraps the soft-wrapped prompt line itself; only the row count below the prompt changes.
    row = cell(cursor).row;
  });

  term.write("\x1b[?2004h"); // bracketed paste: a paste arrives marked, so it never runs by itself
  term.write("\x1b[2mPodium sandbox · built-in kubectl v1.32 · type help\x1b[0m\r\n");
  if (history.length) term.write(`\x1b[2m${history.length} earlier command${history.length === 1 ? "" : "s"} of this lesson: ↑ brings them back\x1b[0m\r\n`);
  prompt();

  return {
    term,
    /** Types a line at the prompt and runs it (the lesson's "Run" buttons). */
    runCommand(line) {
      if (busy) {
        queue.push(line);
        return;
      }
      buffer = line;
      cursor = line.length;
      redraw();
      submit();
    },
    focus: () => term.focus(),
    fit: refit,
    history,
  };
}
