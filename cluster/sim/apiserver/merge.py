"""Patches as the apiserver applies them (JSON merge, strategic merge, JSON patch) and kubectl apply's 3-way merge."""

from __future__ import annotations

from typing import Any

from cluster.sim.apimachinery import errors
from cluster.sim.apiserver.store import clone

# patchMergeKey of the list fields Podium's kinds have (k8s.io/api struct tags).
MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name",
    "volumes": "name", "volumeMounts": "mountPath", "imagePullSecrets": "name", "hostAliases": "ip",
    "conditions": "type", "topologySpreadConstraints": "topologyKey", "volumeDevices": "devicePath",
    "resourceClaims": "name",
}


def merge_key(field: str, items: list[Any]) -> str | None:
    if field == "ports":
        sample = next((i for i in items if isinstance(i, dict)), {})
        return "containerPort" if "containerPort" in sample else "port"
    return MERGE_KEYS.get(field)


def json_merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386."""
    if not isinstance(patch, dict):
        return clone(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = json_merge_patch(result.get(key), value)
    return result


def strategic_merge_patch(target: Any, patch: Any, field: str = "") -> Any:
    """A strategic merge patch: lists with a merge key merge item by item; `$patch` directives honoured."""
    if isinstance(patch, dict):
        if patch.get("$patch") == "replace":
            return {k: clone(v) for k, v in patch.items() if k != "$patch"}
        if patch.get("$patch") == "delete":
            return None
        result = dict(target) if isinstance(target, dict) else {}
        for key, value in patch.items():
            if key.startswith("$setElementOrder/") or key in ("$retainKeys", "$patch"):
                continue
            if key.startswith("$deleteFromPrimitiveList/"):
                name = key.split("/", 1)[1]
                result[name] = [v for v in result.get(name) or [] if v not in value]
                continue
            if value is None:
                result.pop(key, None)
            else:
                merged = strategic_merge_patch(result.get(key), value, key)
                if merged is None:
                    result.pop(key, None)
                else:
                    result[key] = merged
        return result
    if isinstance(patch, list) and isinstance(target, list):
        key = merge_key(field, patch + target)
        if key is None:
            return clone(patch)
        items: list[Any] = [clone(i) for i in target]
        for item in patch:
            if not isinstance(item, dict):
                continue
            if item.get("$patch") == "replace":
                return [clone(i) for i in patch if isinstance(i, dict) and i.get("$patch") != "replace"]
            position = next((n for n, cur in enumerate(items)
                             if isinstance(cur, dict) and cur.get(key) == item.get(key)), None)
            if item.get("$patch") == "delete":
                if position is not None:
                    items.pop(position)
                continue
            if position is None:
                items.append({k: clone(v) for k, v in item.items() if not k.startswith("$")})
            else:
                items[position] = strategic_merge_patch(items[position], item)
        return items
    return clone(patch)


def three_way_merge(original: Any, modified: Any, current: Any, field: str = "") -> Any:
    """What `kubectl apply` makes of current: modified's fields win, fields dropped since original go."""
    if isinstance(modified, dict) and isinstance(current, dict):
        orig = original if isinstance(original, dict) else {}
        result = dict(current)
        for key, value in modified.items():
            result[key] = three_way_merge(orig.get(key), value, current.get(key), key)
        for key in orig:
            if key not in modified:
                result.pop(key, None)
        return result
    if isinstance(modified, list) and isinstance(current, list):
        key = merge_key(field, modified + current)
        if key is not None and all(isinstance(i, dict) for i in modified + current):
            orig_items = {i.get(key): i for i in (original or []) if isinstance(i, dict)}
            cur_items = {i.get(key): i for i in current}
            merged: list[Any] = [three_way_merge(orig_items.get(i.get(key)), i, cur_items.get(i.get(key), {}), "")
                                 for i in modified]
            mod_keys = {i.get(key) for i in modified}
            # items someone else added (not in original, not in modified) stay
            merged += [clone(i) for k, i in cur_items.items() if k not in mod_keys and k not in orig_items]
            return merged
    return clone(modified)


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise errors.bad_request(f'the server rejected our request due to an error in our request: invalid path "{path}"')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc: Any, parts: list[str]) -> tuple[Any, str]:
    node = doc
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise errors.ApiError(422, "Invalid", f"the server rejected our request due to an error in our request: "
                                  f"doc is missing path: \"/{'/'.join(parts)}\": missing value")
    return node, parts[-1]


def apply_json_patch(doc: Any, ops: Any) -> Any:
    """RFC 6902: add, remove, replace, move, copy, test."""
    if not isinstance(ops, list):
        raise errors.bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = clone(doc)
    for op in ops:
        kind, parts = op.get("op"), _pointer(op.get("path", ""))
        if kind == "test":
            parent, last = _parent(doc, parts)
            value = parent[int(last)] if isinstance(parent, list) else parent.get(last)
            if value != op.get("value"):
                raise errors.ApiError(422, "Invalid", "the server rejected our request due to an error in our "
                                      f"request: testing value {op.get('path')} failed: test failed")
            continue
        if kind in ("move", "copy"):
            src_parent, src_last = _parent(doc, _pointer(op.get("from", "")))
            value = src_parent[int(src_last)] if isinstance(src_parent, list) else src_parent[src_last]
            if kind == "move":
                if isinstance(src_parent, list):
                    src_parent.pop(int(src_last))
                else:
                    src_parent.pop(src_last)
            op = {"op": "add", "path": op.get("path", ""), "value": clone(value)}
            kind = "add"
        parent, last = _parent(doc, parts)
        if kind == "add":
            if isinstance(parent, list):
                parent.insert(len(parent) if last == "-" else int(last), clone(op.get("value")))
            else:
                parent[last] = clone(op.get("value"))
        elif kind == "replace":
            if isinstance(parent, list):
                parent[int(last)] = clone(op.get("value"))
            elif last in parent:
                parent[last] = clone(op.get("value"))
            else:
                raise errors.ApiError(422, "Invalid", "the server rejected our request due to an error in our "
                                      f"request: replace operation does not apply: doc is missing key: {op.get('path')}"
                                      ": missing value")
        elif kind == "remove":
            if isinstance(parent, list):
                parent.pop(int(last))
            elif last in parent:
                parent.pop(last)
            else:
                raise errors.ApiError(422, "Invalid", "the server rejected our request due to an error in our "
                                      f"request: remove operation does not apply: doc is missing path: "
                                      f"\"{op.get('path')}\": missing value")
        else:
            raise errors.bad_request(f"Unexpected kind: {kind}")
    return doc
