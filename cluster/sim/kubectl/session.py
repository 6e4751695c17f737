"""What every built-in kubectl command shares: the session it writes to, its errors, and how kubectl prints them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from cluster.sim.apimachinery import errors
from cluster.sim.apimachinery.errors import ApiError
from cluster.sim.apimachinery.kinds import KINDS, Kind
from cluster.sim.manifests.document import DEFAULT_LIMITS

if TYPE_CHECKING:
    from cluster.sim.cluster import Cluster

Obj = dict[str, Any]


class FileSource(Protocol):
    """Where `-f` paths are read from: the real filesystem, or the browser's editor buffers."""

    def read(self, path: str) -> str: ...  # raises FileNotFoundError

    def listdir(self, path: str) -> list[str] | None: ...  # None when not a directory


class LocalFiles:
    """The real filesystem, relative to a base directory (for `manage.py kubectl`)."""

    def __init__(self, base: str = ".") -> None:
        self.base = base

    def _path(self, path: str) -> str:
        return path if os.path.isabs(path) else os.path.join(self.base, path)

    def read(self, path: str) -> str:
        full = self._path(path)
        if os.path.isdir(full):
            raise IsADirectoryError(path)
        with open(full, "rb") as handle:
            # one byte past the manifest limit is enough for load_manifests to refuse a file as too big
            data = handle.read(DEFAULT_LIMITS.max_bytes + 1)
        return data.decode("utf-8", errors="replace")

    def listdir(self, path: str) -> list[str] | None:
        full = self._path(path)
        if not os.path.isdir(full):
            return None
        return sorted(os.listdir(full))


class MemoryFiles:
    """Files held in memory by path (the editor's buffers, tests); directories are path prefixes."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = {path.strip("/"): text for path, text in files.items()}

    def read(self, path: str) -> str:
        key = path.strip("/").removeprefix("./")
        if key not in self.files:
            raise FileNotFoundError(path)
        return self.files[key]

    def listdir(self, path: str) -> list[str] | None:
        prefix = path.strip("/").removeprefix("./").removeprefix(".")
        prefix = prefix + "/" if prefix else ""
        names = {p[len(prefix):].split("/")[0] for p in self.files if p.startswith(prefix) and p != prefix.rstrip("/")}
        if not names or (prefix.rstrip("/") in self.files):
            return None
        return sorted(names)


class KubectlError(Exception):
    """Ends a command: `text` is what kubectl writes to stderr (without the final newline)."""

    def __init__(self, text: str, exit_code: int = 1) -> None:
        super().__init__(text)
        self.text = text
        self.exit_code = exit_code


class Usage(KubectlError):
    """A usage error: kubectl adds `See 'kubectl <command> --help' for usage.`."""


@dataclass
class Session:
    """One kubectl invocation: the cluster, the namespace in effect, and what has been written so far."""

    cluster: Cluster
    namespace: str = "default"
    namespace_given: bool = False
    stdin: str = ""
    files: FileSource | None = None
    command: str = ""
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)
    changed: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)
    hint: str = ""
    watch: Any = None  # a kubectl.watch.Watcher left running by `get -w`

    @property
    def store(self) -> Any:
        return self.cluster.store

    @property
    def now(self) -> float:
        return self.cluster.now

    def print(self, text: str) -> None:
        """Write to stdout; a newline is added when missing."""
        self.out.append(text if text.endswith("\n") else text + "\n")

    def write(self, text: str) -> None:
        self.out.append(text)

    def warn(self, text: str) -> None:
        """Write to stderr; a newline is added when missing."""
        self.err.append(text if text.endswith("\n") else text + "\n")


# ---- errors as kubectl prints them ------------------------------------------------------------------------

ErrorItem = ApiError | str  # a server error, or a client-side message (without `error: `)


def with_source(err: ApiError, verb: str, source: str) -> ApiError:
    """cmdutil.AddSourceToErr: the Status message gains `error when <verb> "<source>": `."""
    if not source:
        return err
    return ApiError(err.code, err.reason, f'error when {verb} "{source}": {err.message}', dict(err.details),
                    err.field_paths)


def standard_message(err: ApiError) -> str:
    """StandardErrorMessage for an API status."""
    if err.reason:
        return f"Error from server ({err.reason}): {err.message}"
    return f"Error from server: {err.message}"


def single_error_text(err: ErrorItem) -> str:
    """checkErr for one error: Invalid gets `The <Kind> "<name>" is invalid: …`; client errors `error: …`."""
    if isinstance(err, str):
        return err if err.startswith("error: ") else "error: " + err
    if err.reason == "Invalid":
        from cluster.sim.apiserver.validation import kubectl_invalid_text

        return kubectl_invalid_text(err) if err.details else err.message
    return standard_message(err)


def errors_text(errs: list[ErrorItem]) -> str:
    """checkErr over what a command collected: one error alone, several as MultipleErrors (one per line)."""
    if len(errs) == 1:
        return single_error_text(errs[0])
    return "\n".join(err if isinstance(err, str) else standard_message(err) for err in errs)


def api_error(err: ApiError) -> KubectlError:
    return KubectlError(single_error_text(err))


# ---- resource arguments (cli-runtime's ResourceTypeOrNameArgs) --------------------------------------------

@dataclass
class Target:
    """A resource type from the command line and the names asked for (empty: all of them)."""

    kind: Kind
    names: list[str] = field(default_factory=list)


@dataclass
class Targets:
    items: list[Target]
    multiple_types: bool  # MultipleTypesRequested: tables then carry `kind/` prefixes
    single_item: bool  # one TYPE NAME (or TYPE/NAME): -o yaml prints the object, not a List


ALL_KINDS_ORDER = ("Pod", "Service", "Deployment", "ReplicaSet")


def resolve_type(text: str) -> Kind:
    from cluster.sim.apimachinery.kinds import resolve_resource

    kind = resolve_resource(text)
    if kind is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{text}"')
    return kind


def resolve_targets(args: list[str]) -> Targets:
    """TYPE[,TYPE] [NAME...] or TYPE/NAME..., with `all` expanded to its category."""
    if not args:
        return Targets([], False, False)
    if any("/" in a for a in args):
        if not all("/" in a for a in args):
            raise KubectlError("error: there is no need to specify a resource type as a separate argument when "
                               "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
                               "instead of 'kubectl get resource resource/<resource_name>'")
        items: list[Target] = []
        for arg in args:
            type_text, _, name = arg.partition("/")
            if not name:
                raise KubectlError("error: arguments in resource/name form must have a single resource and name")
            kind = resolve_type(type_text)
            if items and items[-1].kind == kind:
                items[-1].names.append(name)
            else:
                items.append(Target(kind, [name]))
        kinds = {t.kind.kind for t in items}
        return Targets(items, len(kinds) > 1, len(args) == 1)
    types = [t for t in args[0].split(",") if t]
    names = args[1:]
    kinds_list: list[Kind] = []
    for type_text in types:
        if type_text.lower() == "all":
            for kind_name in ALL_KINDS_ORDER:
                if KINDS[kind_name] not in kinds_list:
                    kinds_list.append(KINDS[kind_name])
            continue
        kind = resolve_type(type_text)
        if kind not in kinds_list:
            kinds_list.append(kind)
    multiple = len(types) > 1 or any(t.lower() == "all" for t in types)
    return Targets([Target(k, list(names)) for k in kinds_list], multiple, len(kinds_list) == 1 and len(names) == 1)


def not_found(kind: Kind, name: str) -> ApiError:
    return errors.not_found(kind.resource, kind.group, name)


NO_RESOURCES_GIVEN = ("error: You must provide one or more resources by argument or filename.\n"
                      "Example resource specifications include:\n"
                      "   '-f rsrc.yaml'\n"
                      "   '--filename=rsrc.json'\n"
                      "   '<resource> <name>'\n"
                      "   '<resource>'")
