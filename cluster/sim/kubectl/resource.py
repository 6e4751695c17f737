"""kubectl's resource builder (cli-runtime/pkg/resource): the objects `-f FILE` holds and the objects
`TYPE [NAME...] -l SELECTOR --field-selector ...` names, for every command that takes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cluster.sim.apimachinery import labels
from cluster.sim.apimachinery.errors import ApiError
from cluster.sim.apimachinery.kinds import Kind
from cluster.sim.apiserver.fieldselectors import FieldTerm, fields_match, parse_field_selector
from cluster.sim.kubectl.session import ErrorItem, KubectlError, Obj, Session, errors_text, not_found
from cluster.sim.manifests.loader import Document, ManifestError, load_manifests, resolve_kind

MANIFEST_EXTENSIONS = (".json", ".yaml", ".yml")


# ---- -f FILE ----------------------------------------------------------------------------------------------

def _read_sources(s: Session, filenames: list[str], recursive: bool) -> list[tuple[str, str]]:
    """(source name, text) for every -f argument, directories expanded as kubectl's FileVisitor walks them."""
    found: list[tuple[str, str]] = []
    for name in filenames:
        if name == "-":
            found.append(("STDIN", s.stdin))
            continue
        if name.startswith(("http://", "https://")):
            raise KubectlError(f'error: Podium\'s kubectl cannot download "{name}": paste the manifest into the '
                               "editor and apply it from there")
        if s.files is None:
            raise KubectlError(f'error: the path "{name}" does not exist')
        found.extend(_walk(s, name, recursive, top=True))
    return found


def _walk(s: Session, path: str, recursive: bool, *, top: bool) -> list[tuple[str, str]]:
    assert s.files is not None
    entries = s.files.listdir(path)
    if entries is None:
        try:
            return [(path, s.files.read(path))]
        except (FileNotFoundError, IsADirectoryError):
            if top:
                raise KubectlError(f'error: the path "{path}" does not exist') from None
            return []
        except UnicodeDecodeError:
            raise KubectlError(f'error: unable to read "{path}": not a text file') from None
    found: list[tuple[str, str]] = []
    for entry in sorted(entries):
        child = f"{path.rstrip('/')}/{entry}"
        if s.files.listdir(child) is not None:
            if recursive:
                found.extend(_walk(s, child, recursive, top=False))
            continue
        if entry.endswith(MANIFEST_EXTENSIONS):
            found.extend(_walk(s, child, recursive, top=False))
    return found


@dataclass
class Loaded:
    """The objects a set of -f arguments holds, and the client-side errors met on the way (kubectl goes on)."""

    docs: list[tuple[Document, Kind]] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)


def _where(err: ManifestError) -> int | tuple[int, int] | None:
    return (err.line, err.column) if err.line and err.column else err.line


def record_error(s: Session, where: int | tuple[int, int] | None, message: str, hint: str | None = None) -> None:
    """An error for the editor, at a line or a (line, column) of the applied text."""
    line, column = where if isinstance(where, tuple) else (where, None)
    entry: dict[str, Any] = {"line": line or 1, "message": message}
    if column:
        entry["column"] = column
    s.errors.append(entry)
    if hint and not s.hint:
        s.hint = hint


def load(s: Session, filenames: list[str], recursive: bool) -> Loaded:
    """Documents in order; a broken document is an error beside the others, as with kubectl's ContinueOnError."""
    loaded = Loaded()
    for source, text in _read_sources(s, filenames, recursive):
        try:
            docs = load_manifests(text, source)
        except ManifestError as err:
            docs = err.parsed
            failure: ManifestError | None = err
        else:
            failure = None
        for doc in docs:
            try:
                kind = resolve_kind(doc)
            except ManifestError as err:
                loaded.errors.append(err.message)
                record_error(s, _where(err), err.message, err.hint)
                continue
            meta = doc.obj.get("metadata") or {}
            given = meta.get("namespace") if isinstance(meta, dict) else None
            if kind.namespaced and s.namespace_given and given and given != s.namespace:
                message = (f'the namespace from the provided object "{given}" does not match the namespace '
                           f'"{s.namespace}". You must pass \'--namespace={given}\' to perform this operation.')
                loaded.errors.append(message)
                record_error(s, doc.position_of("metadata.namespace"), message)
                continue
            loaded.docs.append((doc, kind))
        if failure is not None:
            loaded.errors.append(failure.message)
            record_error(s, _where(failure), failure.message, failure.hint)
    return loaded


def objects_from_files(s: Session, filenames: list[str], recursive: bool) -> list[tuple[Document, Kind]]:
    """For get/describe/delete -f: every object, or the first error."""
    loaded = load(s, filenames, recursive)
    if loaded.errors:
        raise KubectlError(errors_text(loaded.errors))
    return loaded.docs


# ---- TYPE [NAME...] with selectors -------------------------------------------------------------------------

@dataclass
class Found:
    kind: Kind
    objs: list[Obj]


def _selectors(kind: Kind, selector: str, field_selector: str) -> tuple[labels.Selector, list[FieldTerm]]:
    """Parsed as the API server parses a list request's selectors, its 400s printed as kubectl prints them."""
    try:
        label_selector = labels.parse(selector)
    except ApiError as err:
        raise KubectlError(f"Error from server (BadRequest): {err.message}") from None
    try:
        terms = parse_field_selector(field_selector, kind.kind)
    except ApiError as err:
        if not err.message.startswith("field label not supported"):
            raise KubectlError(f"Error from server (BadRequest): {err.message}") from None
        resource = f"{kind.group}/{kind.version}, Resource={kind.resource}"
        raise KubectlError(f'Error from server (BadRequest): Unable to find "{resource}" that match label selector '
                           f'"{selector}", field selector "{field_selector}": {err.message}') from None
    return label_selector, terms


def list_objects(s: Session, kind: Kind, names: list[str], *, all_namespaces: bool, selector: str = "",
                 field_selector: str = "", ignore_not_found: bool = False) -> tuple[list[Obj], list[ErrorItem]]:
    """The objects a TYPE [NAME...] argument means, with NotFound errors for missing names."""
    label_selector, terms = _selectors(kind, selector, field_selector)

    def selected(obj: Obj) -> bool:
        return label_selector.matches((obj.get("metadata") or {}).get("labels")) and fields_match(terms, obj)

    namespace = s.namespace if kind.namespaced else ""
    errs: list[ErrorItem] = []
    if names:
        objs = []
        for name in names:
            obj = s.store.get(kind.kind, namespace, name)
            if obj is None:
                if not ignore_not_found:
                    errs.append(not_found(kind, name))
                continue
            if selected(obj):
                objs.append(obj)
        return objs, errs
    scope = None if all_namespaces or not kind.namespaced else s.namespace
    return [o for o in s.store.list(kind.kind, scope) if selected(o)], errs
