"""kubectl's printers (kubectl/pkg/printers and get's printTable): the Table as text, names, YAML, JSON, and
custom columns."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from typing import Any

import yaml

from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.apimachinery.labels import format_labels
from cluster.sim.apiserver.tables import Column, Obj, column, meta_of, table
from cluster.sim.kubectl import jsonpath
from cluster.sim.kubectl.tabwriter import TabWriter


def _cell_text(cell: Any) -> str:
    # kubectl's printTable: strings cut at the first line break, everything else via fmt.Sprint
    if cell is None:
        return ""
    if isinstance(cell, str):
        cut = min((i for i in (cell.find("\n"), cell.find("\r"), cell.find("\f")) if i >= 0), default=-1)
        return cell if cut < 0 else cell[:cut] + "..."
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(cell)


def render_table(columns: Sequence[Column], rows: Sequence[Sequence[Any]], *, wide: bool = False,
                 namespaces: list[str] | None = None, kind_prefix: str | None = None, show_labels: bool = False,
                 labels: list[dict[str, str]] | None = None, label_columns: Sequence[str] = (),
                 no_headers: bool = False, writer: TabWriter | None = None) -> str:
    """kubectl's human-readable printer over a Table (decorateTable + printTable through the tab writer)."""
    if not rows:
        return ""
    cols: list[Column] = []
    if namespaces is not None:
        cols.append(column("Namespace"))
    cols.extend(columns)
    for key in label_columns:
        cols.append(column(key.split("/")[-1].upper()))
    if show_labels:
        cols.append(column("Labels"))
    name_index = next((i for i, c in enumerate(columns) if c.format == "name" and c.type == "string"), -1)
    out = writer or TabWriter(6, 4, 3, remember_widths=True)
    if not no_headers:
        out.write("\t".join(c.name.upper() for c in cols if wide or c.priority == 0) + "\n")
    for index, row in enumerate(rows):
        cells: list[Any] = []
        if namespaces is not None:
            cells.append(namespaces[index])
        for i, cell in enumerate(row):
            if i == name_index and kind_prefix:
                cell = f"{kind_prefix}/{cell}"
            cells.append(cell)
        row_labels = (labels[index] if labels else None) or {}
        cells.extend(row_labels.get(key, "") for key in label_columns)
        if show_labels:
            cells.append(format_labels(row_labels))
        visible = [_cell_text(cell) for cell, col in zip(cells, cols, strict=False) if wide or col.priority == 0]
        out.write("\t".join(visible) + "\n")
    if writer is None:
        out.flush()
        return out.getvalue()
    return ""


def type_name(kind: str) -> str:
    """`deployment.apps`, `pod`: how kubectl names a type in `kind/name`."""
    return KINDS[kind].type_name


def name_of(obj: Obj) -> str:
    """`deployment.apps/httpd`, as kubectl's name printer writes it."""
    return f"{type_name(obj['kind'])}/{meta_of(obj).get('name', '')}"


def no_resources_message(namespace: str | None) -> str:
    """What kubectl get prints on stderr when nothing matched."""
    if namespace:
        return f"No resources found in {namespace} namespace."
    return "No resources found"


def _for_output(obj: Obj) -> Obj:
    # kubectl hides managedFields unless --show-managed-fields
    clean = copy.deepcopy(obj)
    clean.get("metadata", {}).pop("managedFields", None)
    return clean


def as_list(objs: list[Obj]) -> Obj:
    """The `kind: List` kubectl prints for several objects."""
    return {"apiVersion": "v1", "items": [_for_output(o) for o in objs], "kind": "List",
            "metadata": {"resourceVersion": ""}}


def to_json(obj: Any) -> str:
    """json.MarshalIndent(obj, "", "    ") as Go writes it: sorted keys, HTML characters escaped."""
    text = json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text + "\n"


class _GoYamlDumper(yaml.SafeDumper):
    """Emits like sigs.k8s.io/yaml over goyaml.v2: plain when possible, "double quotes" for look-alike scalars."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    resolved = dumper.resolve(yaml.ScalarNode, data, (True, False))
    if resolved != "tag:yaml.org,2002:str":
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_GoYamlDumper.add_representer(str, _represent_str)


def to_yaml(obj: Any) -> str:
    """yaml.Marshal as kubectl does it: sorted keys, 2-space indent, lists flush with their key, no folding."""
    text: str = yaml.dump(obj, Dumper=_GoYamlDumper, default_flow_style=False, sort_keys=True,
                          allow_unicode=True, width=float("inf"))
    return text


def _custom_columns(spec: str, items: list[Obj]) -> str:
    headers, paths = [], []
    for part in spec.split(","):
        header, _, path = part.partition(":")
        headers.append(header)
        paths.append(jsonpath.relaxed(path))
    out = TabWriter(6, 4, 3, remember_widths=True)
    out.write("\t".join(headers) + "\n")
    for item in items:
        values = []
        for path in paths:
            found = jsonpath.find(path, item)
            values.append(",".join(jsonpath.go_sprint(v) for v in found) if found else "<none>")
        out.write("\t".join(values) + "\n")
    out.flush()
    return out.getvalue()


def get_output(kind: str, objs: list[Obj], now: float, *, output: str = "", namespace: str = "default",
               all_namespaces: bool = False, show_labels: bool = False, label_columns: Sequence[str] = (),
               kind_prefix: str | None = None, no_headers: bool = False, single_item: bool | None = None) -> str:
    """What `kubectl get <kind>` writes on stdout for these objects.

    single_item: kubectl prints one bare object (not a List) for -o yaml/json/jsonpath only when a name was
    given on the command line; None means "exactly one object".
    """
    single = len(objs) == 1 if single_item is None else single_item
    if output in ("", "wide"):
        columns, rows = table(kind, objs, now)
        namespaced = KINDS[kind].namespaced
        return render_table(
            columns, rows, wide=output == "wide",
            namespaces=[meta_of(o).get("namespace", "") for o in objs] if all_namespaces and namespaced else None,
            kind_prefix=kind_prefix, show_labels=show_labels,
            labels=[meta_of(o).get("labels") or {} for o in objs], label_columns=label_columns, no_headers=no_headers)
    if output == "name":
        return "".join(name_of(o) + "\n" for o in objs)
    document: Obj = _for_output(objs[0]) if single and objs else as_list(objs)
    if output == "json":
        return to_json(document)
    if output == "yaml":
        return to_yaml(document)
    if output.startswith("jsonpath="):
        template = output[len("jsonpath="):]
        if len(template) >= 2 and template[0] == template[-1] and template[0] in "'\"":
            template = template[1:-1]
        return jsonpath.execute(template, document)
    if output.startswith("custom-columns="):
        return _custom_columns(output[len("custom-columns="):], [document] if single else document["items"])
    raise ValueError(f"unable to match a printer suitable for the output format \"{output}\"")
