// `node --test static/src/tests/`: label selectors select what the engine's (apimachinery/labels.py) select.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatLabels, mapMatches, selectorMatches, serviceSelects } from "../labels.js";

const httpd = { run: "httpd", "pod-template-hash": "7c79c4bf97" };
const nginx = { app: "nginx", tier: "web" };

test("a Service selector picks pods with every one of its labels", () => {
  assert.equal(serviceSelects({ run: "httpd" }, httpd), true);
  assert.equal(serviceSelects({ run: "httpd", tier: "web" }, httpd), false);
  assert.equal(serviceSelects({ run: "httpd" }, nginx), false);
  assert.equal(serviceSelects({ run: "httpd" }, undefined), false);
});

test("a Service without a selector picks no pod: its endpoints are managed by hand", () => {
  assert.equal(serviceSelects(undefined, httpd), false);
  assert.equal(serviceSelects({}, httpd), false);
});

test("a plain map selects everything when empty, as labels.SelectorFromSet does", () => {
  assert.equal(mapMatches({}, httpd), true);
  assert.equal(mapMatches(undefined, {}), true);
  assert.equal(mapMatches({ run: "httpd" }, httpd), true);
  assert.equal(mapMatches({ run: "" }, {}), false); // a missing label is not an empty one
  assert.equal(mapMatches({ run: "" }, { run: "" }), true);
});

test("a Deployment's matchLabels pick the pods of its template", () => {
  assert.equal(selectorMatches({ matchLabels: { run: "httpd" } }, httpd), true);
  assert.equal(selectorMatches({ matchLabels: { run: "httpd" } }, nginx), false);
});

test("a nil LabelSelector selects nothing, an empty one everything", () => {
  assert.equal(selectorMatches(null, httpd), false);
  assert.equal(selectorMatches(undefined, httpd), false);
  assert.equal(selectorMatches({}, httpd), true);
  assert.equal(selectorMatches({ matchLabels: {}, matchExpressions: [] }, {}), true);
});

test("matchExpressions: In, NotIn, Exists and DoesNotExist", () => {
  const expr = (operator, values) => ({ matchExpressions: [{ key: "tier", operator, ...(values ? { values } : {}) }] });
  assert.equal(selectorMatches(expr("In", ["web", "db"]), nginx), true);
  assert.equal(selectorMatches(expr("In", ["db"]), nginx), false);
  assert.equal(selectorMatches(expr("In", ["web"]), httpd), false); // In needs the label
  assert.equal(selectorMatches(expr("NotIn", ["db"]), nginx), true);
  assert.equal(selectorMatches(expr("NotIn", ["web"]), nginx), false);
  assert.equal(selectorMatches(expr("NotIn", ["web"]), httpd), true); // a missing label is in no set
  assert.equal(selectorMatches(expr("Exists"), nginx), true);
  assert.equal(selectorMatches(expr("Exists"), httpd), false);
  assert.equal(selectorMatches(expr("DoesNotExist"), httpd), true);
  assert.equal(selectorMatches(expr("DoesNotExist"), nginx), false);
});

test("matchLabels and every expression must all hold", () => {
  const selector = { matchLabels: { app: "nginx" }, matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }, { key: "canary", operator: "DoesNotExist" }] };
  assert.equal(selectorMatches(selector, nginx), true);
  assert.equal(selectorMatches(selector, { ...nginx, canary: "true" }), false);
  assert.equal(selectorMatches(selector, { ...nginx, app: "httpd" }), false);
});

test("labels print sorted as k=v,k=v, or <none>", () => {
  assert.equal(formatLabels({ run: "httpd", app: "x" }), "app=x,run=httpd");
  assert.equal(formatLabels({}), "<none>");
  assert.equal(formatLabels(undefined), "<none>");
});
