"""Patches as the apiserver applies them (JSON merge, strategic merge, JSON patch) and kubectl apply's 3-way merge."""

from __future__ import annotations

import json
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
                if not isinstance(value, list):
                    raise errors.bad_request("invalid patch format of primitive list")  # ErrBadPatchFormatForPrimitiveList
                name = key.split("/", 1)[1]
                current = result.get(name)
                result[name] = [v for v in (current if isinstance(current, list) else []) if v not in value]
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


def _merge_value(item: dict[str, Any], key: str) -> Any:
    """An item's merge key value, hashable even when a learner wrote a list or a map there."""
    value = item.get(key)
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value


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
            orig_items = {_merge_value(i, key): i for i in (original if isinstance(original, list) else [])
                          if isinstance(i, dict)}
            cur_items = {_merge_value(i, key): i for i in current}
            merged: list[Any] = [three_way_merge(orig_items.get(_merge_value(i, key)), i,
                                                 cur_items.get(_merge_value(i, key), {}), "") for i in modified]
            mod_keys = {_merge_value(i, key) for i in modified}
            # items someone else added (not in original, not in modified) stay
            merged += [clone(i) for k, i in cur_items.items() if k not in mod_keys and k not in orig_items]
            return merged
    return clone(modified)


# mirrors k8s.io/apiserver/pkg/endpoints/handlers/patch.go: `maxJSONPatchOperations = 10000`, checked before
# the patch is applied (a 413 RequestEntityTooLarge).
MAX_JSON_PATCH_OPERATIONS = 10_000
# mirrors k8s.io/apiserver/pkg/server/config.go: `JSONPatchMaxCopyBytes: int64(3 * 1024 * 1024)`, which the
# apiserver sets as json-patch's AccumulatedCopySizeLimit: what all of one patch's `copy` operations may add.
JSON_PATCH_MAX_COPY_BYTES = 3 * 1024 * 1024

_MISSING, _INVALID_INDEX, _TEST_FAILED = "missing value", "invalid index referenced", "test failed"


class _PatchFailed(Exception):
    """json-patch's error text; the apiserver answers it as a 422."""


def _rejected(text: str) -> errors.ApiError:
    return errors.ApiError(422, "Invalid", f"the server rejected our request due to an error in our request: {text}")


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise errors.bad_request(f'the server rejected our request due to an error in our request: invalid path "{path}"')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _index(container: list[Any], key: str, *, adding: bool = False) -> int:
    """partialArray's index (negative indices count from the end, as json-patch allows by default)."""
    try:
        index = int(key)
    except ValueError:
        raise _PatchFailed(f"value was not a proper array index: '{key}': strconv.Atoi: parsing {_quote(key)}: "
                           "invalid syntax") from None
    size = len(container) + (1 if adding else 0)
    if index >= size or index < -size:
        raise _PatchFailed(f"Unable to access invalid index: {index}: {_INVALID_INDEX}")
    return index + size if index < 0 else index


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _find(doc: Any, parts: list[str]) -> tuple[Any, str] | None:
    """findObject: the container holding the last part, or None when the way there does not exist."""
    if not parts:
        return None
    node = doc
    for part in parts[:-1]:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list):
            try:
                node = node[_index(node, part)]
            except _PatchFailed:
                return None
        else:
            return None
        if not isinstance(node, (dict, list)):
            return None
    return node, parts[-1]


def _get(container: Any, key: str) -> Any:
    if isinstance(container, list):
        return container[_index(container, key)]
    return container.get(key)


def _add(container: Any, key: str, value: Any) -> None:
    if isinstance(container, list):
        if key == "-":
            container.append(value)
        else:
            container.insert(_index(container, key, adding=True), value)
    else:
        container[key] = value


def _remove(container: Any, key: str) -> Any:
    if isinstance(container, list):
        return container.pop(_index(container, key))
    if key not in container:
        raise _PatchFailed(f"Unable to remove nonexistent key: {key}: {_MISSING}")
    return container.pop(key)


def apply_json_patch(doc: Any, ops: Any) -> Any:
    """RFC 6902 as gopkg.in/evanphx/json-patch.v4 applies it for the apiserver: add, remove, replace, move, copy,
    test, with the apiserver's bounds on the operation count and on what `copy` may add."""
    if not isinstance(ops, list):
        raise errors.bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    for op in ops:
        if not isinstance(op, dict):
            raise errors.bad_request(f"json: cannot unmarshal {_json_kind(op)} into Go value of type "
                                     "jsonpatch.Operation")
    if len(ops) > MAX_JSON_PATCH_OPERATIONS:
        raise errors.ApiError(413, "RequestEntityTooLarge", f"Request entity too large: The allowed maximum "
                              f"operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got {len(ops)}")
    doc = clone(doc)
    copied = 0
    for op in ops:
        try:
            doc, copied = _apply_one(doc, op, copied)
        except _PatchFailed as failed:
            raise _rejected(str(failed)) from None
    return doc


def _text(op: dict[str, Any], field: str) -> str:
    value = op.get(field, "")
    if not isinstance(value, str):
        raise errors.bad_request(f"json: cannot unmarshal {_json_kind(value)} into Go value of type string")
    return value


def _apply_one(doc: Any, op: dict[str, Any], copied: int) -> tuple[Any, int]:
    kind, path = op.get("op"), _text(op, "path")
    parts = _pointer(path)
    if kind in ("add", "replace", "test") and "value" not in op:
        raise _PatchFailed(f"{kind} operation failed to decode value: operation, missing value field: {_MISSING}")
    if kind == "add":
        found = _find(doc, parts)
        if found is None:
            if not parts:
                return clone(op["value"]), copied
            raise _PatchFailed(f'add operation does not apply: doc is missing path: "{path}": {_MISSING}')
        try:
            _add(*found, clone(op["value"]))
        except _PatchFailed as err:
            raise _PatchFailed(f"error in add for path: '{path}': {err}") from None
    elif kind == "remove":
        found = _find(doc, parts)
        if found is None:
            raise _PatchFailed(f'remove operation does not apply: doc is missing path: "{path}": {_MISSING}')
        try:
            _remove(*found)
        except _PatchFailed as err:
            raise _PatchFailed(f"error in remove for path: '{path}': {err}") from None
    elif kind == "replace":
        found = _find(doc, parts)
        if found is None:
            raise _PatchFailed(f"replace operation does not apply: doc is missing path: {path}: {_MISSING}")
        container, key = found
        if isinstance(container, dict) and key not in container:
            raise _PatchFailed(f"replace operation does not apply: doc is missing key: {path}: {_MISSING}")
        try:
            if isinstance(container, list):
                container[_index(container, key)] = clone(op["value"])
            else:
                container[key] = clone(op["value"])
        except _PatchFailed as err:
            raise _PatchFailed(f"error in replace for path: '{path}': {err}") from None
    elif kind in ("move", "copy"):
        source = _text(op, "from")
        found = _find(doc, _pointer(source))
        if found is None:
            raise _PatchFailed(f"{kind} operation does not apply: doc is missing from path: {source}: {_MISSING}")
        container, key = found
        try:
            value = _remove(container, key) if kind == "move" else _get(container, key)
        except _PatchFailed as err:
            raise _PatchFailed(f"error in {kind} for {'path' if kind == 'move' else 'from'}: '{key}': {err}") \
                from None
        if kind == "copy":
            if value is None and not (isinstance(container, dict) and key in container):
                raise _PatchFailed(f"copy operation does not apply: doc is missing from path: {source}: {_MISSING}")
            copied += len(json.dumps(value, separators=(",", ":")))
            if copied > JSON_PATCH_MAX_COPY_BYTES:
                raise _PatchFailed(f"Unable to complete the copy, the accumulated size increase of copy is {copied}, "
                                   f"exceeding the limit {JSON_PATCH_MAX_COPY_BYTES}")
            value = clone(value)
        target = _find(doc, parts)
        if target is None:
            if not parts:
                return value, copied
            raise _PatchFailed(f"{kind} operation does not apply: doc is missing destination path: {path}: "
                               f"{_MISSING}")
        try:
            _add(*target, value)
        except _PatchFailed as err:
            raise _PatchFailed(f"error in {kind} for path: '{path}': {err}") from None
    elif kind == "test":
        found = _find(doc, parts)
        if found is None:
            if not parts and doc == op["value"]:
                return doc, copied
            raise _PatchFailed(f"test operation does not apply: is missing path: {path}: {_MISSING}")
        try:
            current = _get(*found)
        except _PatchFailed as err:
            raise _PatchFailed(f"error in test for path: '{path}': {err}") from None
        if current != op["value"]:
            raise _PatchFailed(f"testing value {path} failed: {_TEST_FAILED}")
    else:
        raise errors.bad_request(f"Unexpected kind: {kind}")
    return doc, copied


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "null" if value is None else "object"
