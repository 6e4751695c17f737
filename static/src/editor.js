// The YAML editor (CodeMirror 6): Apply with the button or Ctrl/Cmd+Enter, and the server's errors
// underlined at their line through a lint source fed from `apply_result.errors`.

import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { Prec } from "@codemirror/state";
import { yaml } from "@codemirror/lang-yaml";
import { linter, lintGutter, setDiagnostics } from "@codemirror/lint";

/** Mounts the editor in `host`; `onApply(text)` runs on Apply, `onChange(text)` after every edit. */
export function createEditor(host, { onApply, onChange = () => {}, doc = "" }) {
  let serverErrors = [];

  // The lint source reports the last apply's errors against the current document, so they survive
  // edits until the next Apply; a new result is pushed at once rather than waiting for an edit.
  const source = (view) => serverErrors.map((e) => diagnosticAt(view.state.doc, e));
  const serverLint = linter(source, { delay: 300 });
  const push = () => view.dispatch(setDiagnostics(view.state, source(view)));

  const view = new EditorView({
    parent: host,
    doc,
    extensions: [
      basicSetup,
      yaml(),
      lintGutter(),
      serverLint,
      keymap.of([indentWithTab]),
      Prec.highest(
        keymap.of([
          {
            key: "Mod-Enter",
            run: (v) => {
              onApply(v.state.doc.toString());
              return true;
            },
          },
        ]),
      ),
      EditorView.contentAttributes.of({ "aria-label": "Kubernetes manifest (YAML)" }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString());
      }),
    ],
  });

  return {
    view,
    getText: () => view.state.doc.toString(),
    /** Replaces the whole document and clears old errors. */
    setText(text) {
      serverErrors = [];
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      push();
    },
    /** Shows `[{line, column?, message}]` (1-based) as lint errors. */
    showErrors(errors) {
      serverErrors = errors || [];
      push();
    },
    focus: () => view.focus(),
  };
}

function diagnosticAt(doc, error) {
  const number = Math.min(Math.max(1, error.line || 1), doc.lines);
  const line = doc.line(number);
  const indent = line.text.length - line.text.trimStart().length;
  // the server names the column of the key or value at fault; without one, the line's first character
  const from = Math.min(line.from + (error.column ? error.column - 1 : indent), line.to);
  return { from, to: Math.max(line.to, from), severity: error.severity || "error", source: "kubectl", message: error.message };
}

/** The manifest part of a hint (from its first `apiVersion:` or `---` line), or null when it has none. */
export function manifestInHint(hint) {
  if (!hint || !/^apiVersion:/m.test(hint) || !/^kind:/m.test(hint)) return null;
  const lines = hint.split("\n");
  const start = lines.findIndex((l) => l.startsWith("apiVersion:") || l.startsWith("---"));
  return lines.slice(start).join("\n").replace(/\s*$/, "\n");
}

/** Renders an `apply_result` frame into the output area. */
export function renderApplyResult(output, frame, { onLoad }) {
  output.replaceChildren();
  output.dataset.ok = frame.ok ? "true" : "false";
  if (frame.output) output.append(block("pre", "apply-stdout", frame.output));
  if (frame.error) output.append(block("pre", "apply-stderr", frame.error));
  if (frame.type === "error") output.append(block("pre", "apply-stderr", frame.message));
  if (frame.hint) {
    const box = block("div", "apply-hint", "");
    box.append(block("p", "apply-hint-title", "Hint"));
    const manifest = manifestInHint(frame.hint);
    const prose = manifest ? frame.hint.slice(0, frame.hint.indexOf(manifest.split("\n")[0])).trim() : frame.hint;
    if (prose) box.append(block("p", "apply-hint-text", prose));
    if (manifest) {
      box.append(block("pre", "apply-hint-manifest", manifest));
      const button = block("button", "button", "Load this into the editor");
      button.type = "button";
      button.id = "load-hint";
      button.addEventListener("click", () => onLoad(manifest));
      box.append(button);
    }
    output.append(box);
  }
  if (!output.childNodes.length) output.append(block("p", "apply-empty", frame.ok ? "Applied." : ""));
}

function block(tag, className, text) {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}
