"""Manifest loading as kubectl 1.32 reads it: YAML/JSON streams into Kubernetes-shaped documents.

kubectl reads `-f` input with apimachinery's YAMLOrJSONDecoder: a stream that starts with `{` is a JSON
stream; anything else is split into documents by YAMLReader and each document goes through
sigs.k8s.io/yaml over gopkg.in/yaml.v2 (YAML 1.1) into JSON. This module mirrors that pipeline with PyYAML's
pure-Python scanner and parser, adjusted where goyaml.v2 differs (tabs, scalar resolution, anchors, merge
keys, error texts and their line numbers), and keeps the line of every field for the editor.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from cluster.sim.apimachinery import kinds
from cluster.sim.apimachinery.kinds import Kind
from cluster.sim.apiserver.decoding import json_kind
from cluster.sim.manifests.document import (
    DEFAULT_LIMITS,
    Budget,
    Document,
    Limits,
    Lines,
    ManifestError,
    count_yaml_documents,
    human_size,
    too_many_documents,
)
from cluster.sim.manifests.gojson import json_stream, well_formed
from cluster.sim.manifests.goyaml import go_quote, yaml_stream
from cluster.sim.manifests.hints import mapping_hint

__all__ = [
    "DEFAULT_LIMITS",
    "Document",
    "Limits",
    "ManifestError",
    "check_type_meta",
    "load_manifests",
    "resolve_kind",
]


_VALIDATE_OFF = "if you choose to ignore these errors, turn validation off with --validate=false"








def load_manifests(text: str, source: str = "STDIN", limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    """Read every object in a manifest text the way `kubectl apply -f` does; raises ManifestError."""
    text = well_formed(text)
    size = len(text.encode("utf-8"))
    if size > limits.max_bytes:
        raise ManifestError(f"the manifest is {human_size(size)}; Podium accepts at most "
                            f"{human_size(limits.max_bytes)} per apply")
    is_json = text.lstrip(" \t\r\n\v\f\u0085\u00a0").startswith("{")
    if not is_json:
        counted = count_yaml_documents(text)
        if counted > limits.max_documents:
            raise too_many_documents(counted, limits)
    budget = Budget(limits)
    documents: list[Document] = []
    values = json_stream(text, source, budget) if is_json else yaml_stream(text, source, budget)
    try:
        for value, lines in values:
            for obj, obj_lines in _expand(value, lines, source):
                documents.append(Document(obj, len(documents), source, obj_lines.line, obj_lines))
    except ManifestError as err:
        err.parsed = documents
        raise
    if len(documents) > limits.max_documents:
        raise too_many_documents(len(documents), limits)
    return documents


def check_type_meta(doc: Document) -> None:
    """Refuse a document without apiVersion or kind, as kubectl's client-side validation does."""
    # mirrors kubectl/pkg/validation getObjectKind
    problems = []
    for key in ("apiVersion", "kind"):
        value = doc.obj.get(key)
        if value is None:
            problems.append(f"{key} not set")
        elif not isinstance(value, str):
            problems.append(f"{key} isn't string type")
    if problems:
        found = problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"
        raise ManifestError(f"error validating {go_quote(doc.source)}: error validating data: {found}; "
                            f"{_VALIDATE_OFF}", doc.start_line)
    if doc.obj["kind"] == "":
        raw = json.dumps(doc.obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        raise ManifestError(f"unable to decode {go_quote(doc.source)}: Object 'Kind' is missing in '{raw}'",
                            doc.start_line)
    _check_object_meta(doc)


def _check_object_meta(doc: Document) -> None:
    """kubectl decodes metadata into a typed ObjectMeta: names and label values must be strings."""
    metadata = doc.obj.get("metadata")
    if not isinstance(metadata, dict):
        return
    wrong: tuple[str, Any] | None = None
    for key in ("name", "generateName", "namespace"):
        if metadata.get(key) is not None and not isinstance(metadata[key], str):
            wrong = (key, metadata[key])
            break
    for key in ("labels", "annotations"):
        values = metadata.get(key)
        if wrong is None and isinstance(values, dict):
            wrong = next(((key, v) for v in values.values() if v is not None and not isinstance(v, str)), None)
    if wrong is not None:
        key, value = wrong
        raise ManifestError(f"unable to decode {go_quote(doc.source)}: json: cannot unmarshal {json_kind(value)} "
                            f"into Go struct field ObjectMeta.metadata.{key} of type string",
                            doc.line_of(f"metadata.{key}") or doc.start_line)


def resolve_kind(doc: Document) -> Kind:
    """The simulated Kind a document maps to, or the ManifestError kubectl (or Podium) gives instead."""
    check_type_meta(doc)
    api_version, kind = doc.obj["apiVersion"], doc.obj["kind"]
    found = kinds.by_api_version_kind(api_version, kind)
    if found is not None:
        return found
    line = doc.line_of("kind") or doc.start_line
    if kinds.KNOWN_UNSIMULATED.get(kind) == api_version:
        raise ManifestError(f"Podium does not simulate {kind} ({api_version}) objects; this cluster simulates "
                            f"{kinds.simulated_kinds_text()}", line)
    metadata = doc.obj.get("metadata")
    name = namespace = ""
    if isinstance(metadata, dict):
        name = str(metadata.get("name") or "")
        namespace = str(metadata.get("namespace") or "")
    # mirrors cli-runtime mapper.infoForData on a meta.NoKindMatchError
    message = (f"resource mapping not found for name: {go_quote(name)} namespace: {go_quote(namespace)} "
               f"from {go_quote(doc.source)}: no matches for kind {go_quote(kind)} in version "
               f"{go_quote(api_version)}\nensure CRDs are installed first")
    raise ManifestError(message, line, mapping_hint(doc.obj, api_version, kind))


def _expand(value: Any, lines: Lines, source: str) -> Iterator[tuple[dict[str, Any], Lines]]:
    """A decoded document as the objects kubectl visits: Lists (anything with `items`) are flattened."""
    if not isinstance(value, dict):
        # kubectl's schema validation refuses anything but an object.
        raise ManifestError(f"error validating {go_quote(source)}: error validating data: invalid object to "
                            f"validate; {_VALIDATE_OFF}", lines.line)
    if "items" not in value:
        yield value, lines
        return
    # mirrors unstructuredJSONScheme.decodeToList + FlattenListVisitor
    check_type_meta(Document(value, 0, source, lines.line, lines))
    items = value["items"]
    if items is None:
        return
    if not isinstance(items, list):
        raise ManifestError(f"unable to decode {go_quote(source)}: json: cannot unmarshal {json_kind(items)} "
                            "into Go struct field decodeList.items of type []json.RawMessage", lines.line)
    list_kind, list_version = value.get("kind"), value.get("apiVersion")
    items_lines = lines.children.get("items", Lines(lines.line))
    for index, item in enumerate(items):
        item_lines = items_lines.children.get(index, Lines(items_lines.line))
        if not isinstance(item, dict):
            raise ManifestError(f"unable to decode {go_quote(source)}: json: cannot unmarshal {json_kind(item)} "
                                "into Go value of type map[string]interface {}", item_lines.line)
        if list_kind != "List" and "kind" not in item and "apiVersion" not in item:
            # Typed lists (PodList) leave out the items' kind; the decoder infers it from the list's.
            item = {"apiVersion": list_version, "kind": str(list_kind).removesuffix("List"), **item}
        if "items" in item:
            yield from _expand(item, item_lines, source)
        else:
            yield item, item_lines




