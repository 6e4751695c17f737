// Labels and label selectors in the browser, the one implementation: the same rules as the engine's
// cluster/sim/apimachinery/labels.py (k8s.io/apimachinery/pkg/labels and meta/v1's LabelSelector).

const has = (labels, key) => Object.prototype.hasOwnProperty.call(labels, key);

/** Whether a plain map selects the labels: every key with its value; an empty map selects everything. */
// mirrors labels.SelectorFromSet(set).Matches
export function mapMatches(selector, labels) {
  const found = labels || {};
  return Object.entries(selector || {}).every(([key, value]) => has(found, key) && found[key] === value);
}

/** Whether a metav1.LabelSelector (matchLabels + matchExpressions) selects the labels: nil selects nothing, `{}` everything. */
// mirrors metav1.LabelSelectorAsSelector(selector).Matches
export function selectorMatches(selector, labels) {
  if (selector === null || selector === undefined) return false;
  const found = labels || {};
  if (!mapMatches(selector.matchLabels, found)) return false;
  return (selector.matchExpressions || []).every(({ key, operator, values = [] }) => {
    const present = has(found, key);
    if (operator === "In") return present && values.includes(found[key]);
    if (operator === "NotIn") return !(present && values.includes(found[key]));
    if (operator === "Exists") return present;
    if (operator === "DoesNotExist") return !present;
    return true;
  });
}

/** Whether a Service's `spec.selector` picks a pod: without a selector (nil or `{}`) a Service picks none. */
// the endpoints controllers skip Services without a selector: their endpoints are managed by hand
export function serviceSelects(selector, labels) {
  return Object.keys(selector || {}).length > 0 && mapMatches(selector, labels);
}

/** Labels as `k=v,k=v`, sorted by key, or `<none>`. */
// mirrors labels.FormatLabels
export function formatLabels(labels) {
  const keys = Object.keys(labels || {}).sort();
  if (!keys.length) return "<none>";
  return keys.map((k) => `${k}=${labels[k]}`).join(",");
}
