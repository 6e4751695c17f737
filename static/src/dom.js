// Tiny DOM helpers shared by the panels.

/** Creates an element with a class and text, and appends children. */
export function el(tag, className = "", text = "", ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  node.append(...children);
  return node;
}

/** A table with a caption, a header row and rows of cells (strings or nodes). */
export function table(caption, headers, rows, className = "data-table") {
  const t = el("table", className);
  if (caption) t.append(el("caption", "", caption));
  const head = el("tr");
  for (const h of headers) {
    const th = el("th", "", h);
    th.scope = "col";
    head.append(th);
  }
  t.append(el("thead", "", "", head));
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr");
    for (const cell of row) {
      const td = el("td");
      if (cell instanceof Node) td.append(cell);
      else td.textContent = cell;
      tr.append(td);
    }
    body.append(tr);
  }
  t.append(body);
  return t;
}

/** A ✓/✗ mark with its meaning in words beside it (never colour alone). */
export function mark(ok, text) {
  const span = el("span", ok ? "mark ok" : "mark bad");
  span.append(el("span", "mark-icon", ok ? "✓" : "✗"), document.createTextNode(` ${text}`));
  return span;
}
