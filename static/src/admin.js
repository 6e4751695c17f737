// The admin's authoring helpers (static/dist/podium-admin.js): manifests in the learners' YAML editor with
// the server's errors at their lines, the step's Markdown with a live preview, rows added and removed in
// place, the parameter form of the chosen check kind, and steps and checks ordered by dragging.
// Every helper enhances plain form controls that also work without it.

import { EditorView } from "codemirror";
import { StateEffect } from "@codemirror/state";
import { createEditor } from "./editor.js";

const adminRoot = location.pathname.slice(0, location.pathname.indexOf("/tutorial/") + 1) || "/admin/";
const VALIDATE_URL = `${adminRoot}tutorial/lesson/validate-manifest/`;
const PREVIEW_URL = `${adminRoot}tutorial/lesson/preview-markdown/`;

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return response.json();
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** The lesson a manifest belongs to: the step's lesson select, or the lesson being edited. */
function lessonId() {
  const select = document.getElementById("id_lesson");
  if (select && select.value) return select.value;
  const match = location.pathname.match(/\/tutorial\/lesson\/(\d+)\/change\//);
  return match ? match[1] : "";
}

// ---- the YAML editor -----------------------------------------------------------------------------------

function mountYaml(textarea) {
  if (textarea.dataset.mounted) return;
  textarea.dataset.mounted = "true";
  const host = document.createElement("div");
  host.className = "pd-editor";
  host.dataset.for = textarea.name;
  const status = document.createElement("p");
  status.className = "pd-editor-status";
  status.setAttribute("aria-live", "polite");
  textarea.after(host, status);
  textarea.hidden = true;

  const role = textarea.dataset.role || "apply";
  const url = textarea.dataset.validateUrl || VALIDATE_URL;
  let asked = 0;
  async function validate() {
    const text = editor.getText();
    const ticket = ++asked;
    if (!text.trim()) {
      editor.showErrors([]);
      status.textContent = "";
      status.dataset.state = "empty";
      return;
    }
    status.dataset.state = "checking";
    try {
      const answer = await postJSON(url, { text, role, lesson: lessonId() });
      if (ticket !== asked) return;
      const errors = answer.errors || [];
      editor.showErrors(errors);
      const worst = errors.some((e) => e.severity !== "warning") ? "error" : errors.length ? "warning" : "ok";
      status.dataset.state = worst;
      if (worst === "ok") status.textContent = "✓ A learner's Apply accepts this.";
      else if (worst === "warning") status.textContent = `⚠ A learner applying this starter gets: line ${errors[0].line}: ${errors[0].message}`;
      else status.textContent = `✗ ${errors.length} error${errors.length === 1 ? "" : "s"}: line ${errors[0].line}: ${errors[0].message}`;
    } catch (error) {
      if (ticket !== asked) return;
      status.dataset.state = "unknown";
      status.textContent = `The server could not check this manifest (${error.message}).`;
    }
  }
  const later = debounce(validate, 500);
  const editor = createEditor(host, { doc: textarea.value, onApply: validate });
  editor.view.dispatch({
    effects: StateEffect.appendConfig.of(
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        textarea.value = editor.getText();
        later();
      }),
    ),
  });
  host.podiumEditor = editor;
  if (textarea.value.trim()) validate();
}

// ---- Markdown with a live preview ------------------------------------------------------------------------

function mountMarkdown(textarea) {
  if (textarea.dataset.mounted) return;
  textarea.dataset.mounted = "true";
  const split = document.createElement("div");
  split.className = "pd-md-split";
  textarea.before(split);
  const preview = document.createElement("div");
  preview.className = "pd-md-preview";
  preview.setAttribute("aria-label", "Preview: the step as the learner sees it");
  split.append(textarea, preview);
  const url = textarea.dataset.previewUrl || PREVIEW_URL;
  let asked = 0;
  async function render() {
    const ticket = ++asked;
    try {
      const answer = await postJSON(url, { text: textarea.value });
      // the server renders with markdown-it-py (raw HTML off) and sanitises with nh3, as for learners
      if (ticket === asked) preview.innerHTML = answer.html || '<p class="pd-muted">Nothing to preview yet.</p>';
    } catch (error) {
      if (ticket === asked) preview.textContent = `The preview is not available (${error.message}).`;
    }
  }
  textarea.addEventListener("input", debounce(render, 250));
  render();
}

// ---- rows ------------------------------------------------------------------------------------------------

function wireRow(row) {
  const select = row.querySelector(".pd-row-select");
  const cells = [...row.querySelectorAll("[data-shown-for]")];
  const show = () => {
    for (const cell of cells) cell.hidden = select && !cell.dataset.shownFor.split(" ").includes(select.value);
  };
  if (select && cells.length) {
    select.addEventListener("change", show);
    show();
  }
  const remove = row.querySelector(".pd-row-delete");
  if (remove && !remove.dataset.wired) {
    remove.dataset.wired = "true";
    const box = remove.querySelector("input");
    remove.hidden = true;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button pd-row-remove";
    button.textContent = "Remove";
    button.addEventListener("click", () => {
      box.checked = true;
      row.hidden = true;
    });
    remove.after(button);
  }
  enhance(row);
}

function mountRows(container) {
  if (container.dataset.mounted) return;
  container.dataset.mounted = "true";
  const list = container.querySelector(".pd-rows-list");
  const count = container.querySelector(".pd-rows-count");
  const template = container.querySelector(".pd-rows-template");
  const add = container.querySelector(".pd-rows-add");
  for (const row of list.children) wireRow(row);
  add.hidden = false;
  add.addEventListener("click", () => {
    const index = Number(count.value);
    const holder = document.createElement("ol");
    holder.innerHTML = template.innerHTML.replaceAll("__i__", String(index));
    const row = holder.firstElementChild;
    list.append(row);
    count.value = String(index + 1);
    wireRow(row);
    row.querySelector("input, select, textarea")?.focus();
  });
}

// ---- the chosen check kind's parameters ------------------------------------------------------------------

function mountParams(container) {
  if (container.dataset.mounted || container.closest(".empty-form")) return;
  container.dataset.mounted = "true";
  const row = container.closest(".inline-related");
  const select = (row && row.id && row.querySelector(`select[name="${row.id}-kind"]`)) ||
    document.querySelector(`select[name="${container.dataset.kindField}"]`);
  const note = document.createElement("p");
  note.className = "help pd-params-none";
  note.textContent = "Choose what to check above; its parameters appear here.";
  container.prepend(note);
  const show = () => {
    for (const fieldset of container.querySelectorAll(".pd-params-kind")) {
      fieldset.hidden = !select || fieldset.dataset.kind !== select.value;
    }
    note.hidden = Boolean(select && select.value);
  };
  if (select) select.addEventListener("change", show);
  show();
}

// ---- ordering by dragging --------------------------------------------------------------------------------

function sortableItems(group) {
  const tbody = group.querySelector("tbody");
  const items = tbody ? [...tbody.querySelectorAll(":scope > tr.form-row")] : [...group.querySelectorAll(".inline-related")];
  return items.filter((item) => !item.classList.contains("empty-form") && !item.id.endsWith("-empty"));
}

function isBlankNewItem(item) {
  const id = item.querySelector('input[type=hidden][name$="-id"]');
  const title = item.querySelector('input[name$="-title"]');
  return !(id && id.value) && !(title && title.value.trim());
}

function renumber(group) {
  let number = 0;
  for (const item of sortableItems(group)) {
    const order = item.querySelector('input[name$="-order"]');
    if (!order || isBlankNewItem(item)) continue;
    const deleted = item.querySelector('input[name$="-DELETE"]');
    if (deleted && deleted.checked) continue;
    order.value = String(++number);
  }
}

function addHandle(group, item) {
  if (item.dataset.sortable) return;
  item.dataset.sortable = "true";
  item.draggable = true;
  const handle = document.createElement("span");
  handle.className = "pd-handle";
  handle.innerHTML = '<span class="pd-grip" title="Drag to reorder" aria-hidden="true">⠿</span>';
  for (const [label, step] of [["Move up", -1], ["Move down", 1]]) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pd-move";
    button.setAttribute("aria-label", label);
    button.textContent = step < 0 ? "↑" : "↓";
    button.addEventListener("click", () => {
      const items = sortableItems(group);
      const other = items[items.indexOf(item) + step];
      if (!other) return;
      if (step < 0) other.before(item);
      else other.after(item);
      renumber(group);
      button.focus();
    });
    handle.append(button);
  }
  const cell = item.matches("tr") ? item.querySelector("td.field-order") || item.querySelector("td") : item.querySelector("h3");
  (cell || item).prepend(handle);
  item.addEventListener("dragstart", (event) => {
    if (event.target.closest("input, textarea, select, .cm-editor")) return;
    group.dragging = item;
    item.classList.add("pd-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.id || "row");
  });
  item.addEventListener("dragend", () => {
    item.classList.remove("pd-dragging");
    group.dragging = null;
    renumber(group);
  });
  item.addEventListener("dragover", (event) => {
    const moving = group.dragging;
    if (!moving || moving === item) return;
    event.preventDefault();
    const box = item.getBoundingClientRect();
    if (event.clientY < box.top + box.height / 2) item.before(moving);
    else item.after(moving);
  });
  item.addEventListener("drop", (event) => {
    event.preventDefault();
    renumber(group);
  });
}

function mountSortable(group) {
  for (const item of sortableItems(group)) addHandle(group, item);
  if (!group.dataset.mounted) {
    group.dataset.mounted = "true";
    group.closest("form")?.addEventListener("submit", () => renumber(group));
  }
}

// ---- wiring ------------------------------------------------------------------------------------------------

function enhance(root) {
  if (root.closest && root.closest(".empty-form, template")) return;
  for (const el of root.querySelectorAll("textarea.pd-yaml")) if (!el.closest(".empty-form, template")) mountYaml(el);
  for (const el of root.querySelectorAll("textarea.pd-markdown")) mountMarkdown(el);
  for (const el of root.querySelectorAll(".pd-rows")) mountRows(el);
  for (const el of root.querySelectorAll(".pd-params")) mountParams(el);
}

function start() {
  enhance(document);
  for (const group of document.querySelectorAll("fieldset.pd-sortable, .pd-sortable")) {
    const holder = group.closest(".inline-group") || group;
    mountSortable(holder);
  }
  // Django's inlines.js announces each row it adds ("Add another Step/Check")
  document.addEventListener("formset:added", (event) => {
    enhance(event.target);
    const holder = event.target.closest(".inline-group");
    if (holder && holder.querySelector(".pd-sortable")) mountSortable(holder);
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
