"""The image catalog: what well-known images do when a container runs them (lifecycle as data).

The built-in entries are data in catalog.yaml, in the form a lesson's `images` setting uses; this module gives
them behaviour. Each entry says how big the image is, how long it takes to pull, start and stop, which ports its default
command listens on, and what it answers over HTTP. `Catalog.run` reads a container's command/args the way
the image's entrypoint would; `Catalog.respond` answers one HTTP request. Declared containerPorts never make
a known image listen: that is how a wrong targetPort breaks a Service on a real cluster.

Databases (redis, postgres, mysql) listen on their usual ports but do not speak HTTP: `respond` returns
(0, "") for them, meaning the server closed the connection without a reply (curl: "Empty reply from server").
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from cluster.sim.apimachinery.timeutil import parse_rfc3339
from cluster.sim.images.reference import Reference, parse_normalized_named

FOREVER = float("inf")
# Body placeholders filled per request; lesson entries may use them too.
POD, CLIENT, TEXT, VERSION, METHOD, PATH, HOST = "${pod}", "${client}", "${text}", "${version}", "${method}", \
    "${path}", "${host}"


@dataclass(frozen=True)
class ImageBehavior:
    """What an image does: sizes and delays, its default command, the ports it listens on, its answers."""

    repository: str  # normalised: "docker.io/library/nginx", "registry.k8s.io/e2e-test-images/agnhost"
    size_bytes: int
    pull_seconds: float
    start_seconds: float = 0.5  # from container start to listening
    stop_seconds: float = 0.2  # how long the default command takes to exit after the stop signal
    listens: tuple[int, ...] = ()  # ports the default command listens on
    default_run: str = "serve"  # "serve" | "exit" (exits 0 at once) | "pause" (runs, listens on nothing)
    responses: tuple[tuple[str, int, str], ...] = ()  # (path or "*", status, body), first match wins
    program: str = "static"  # how the image reads its command line (see Catalog.run)
    server: str = ""  # the Server header, e.g. "nginx/${version}"
    content_type: str = "text/plain; charset=utf-8"
    version: str = ""  # what "latest" is; a versioned tag replaces it
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()  # HTTP clients the image ships: "curl", "wget"
    aliases: tuple[str, ...] = ()  # other repositories serving the same image


@dataclass(frozen=True)
class PullFailure:
    """Why the kubelet cannot pull an image: the waiting reason and the runtime's message."""

    reason: str  # "ErrImagePull" | "InvalidImageName"
    message: str


@dataclass(frozen=True)
class Run:
    """What a container does with its command/args."""

    listens: tuple[int, ...]
    exits_after: float | None  # None: runs until stopped
    exit_code: int
    stop_seconds: float  # FOREVER: ignores SIGTERM and is killed at the end of the grace period
    program: str = "static"
    options: tuple[tuple[str, str], ...] = ()  # what the command line configured (text, port bodies...)


# ---- the built-in entries (catalog.yaml) ------------------------------------------------------------------

CATALOG_PATH = Path(__file__).resolve().parent / "catalog.yaml"


def _behavior(data: dict[str, Any]) -> dict[str, Any]:
    """ImageBehavior fields from catalog.yaml's or a lesson's JSON-able form (lists become tuples)."""
    known = {f.name for f in fields(ImageBehavior)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ValueError(f"unknown image field {key!r}")
        if key == "responses":
            value = tuple((str(p), int(s), str(b)) for p, s, b in value)
        elif isinstance(value, list):
            value = tuple(value)
        if key == "stop_seconds" and value is None:
            value = FOREVER
        values[key] = value
    return values


_DATA = yaml.load(CATALOG_PATH.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
TEXTS: dict[str, str] = _DATA["texts"]  # bodies the programs below answer with, by name
NGINX_WELCOME, NGINX_WELCOME_OLD = TEXTS["nginx_welcome"], TEXTS["nginx_welcome_old"]
GO_404, BUSYBOX_404, PYTHON_LISTING = TEXTS["go_404"], TEXTS["busybox_404"], TEXTS["python_listing"]
BUILTIN: tuple[ImageBehavior, ...] = tuple(ImageBehavior(**_behavior(entry)) for entry in _DATA["images"])
GENERIC = ImageBehavior(repository="", **_behavior(_DATA["generic"]))


def _one_edit_apart(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance exactly 1 (one insertion, deletion, substitution or transposition)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    return short[i:] == long_[i + 1:]


def _pull_failure(ref: Reference, *, denied: bool) -> PullFailure:
    """containerd's texts for a repository Docker Hub refuses, or a reference a registry does not have."""
    full = ref.full
    if denied:
        cause = ("pull access denied, repository does not exist or may require authorization: server message: "
                 "insufficient_scope: authorization failed")
    else:
        cause = f"{full}: not found"
    return PullFailure("ErrImagePull",
                       f'failed to pull and unpack image "{full}": failed to resolve reference "{full}": {cause}')


# ---- the catalog --------------------------------------------------------------------------------------------

def _from_dict(data: dict[str, Any], base: ImageBehavior | None) -> ImageBehavior:
    """A lesson's JSON entry, merged over the entry it overrides."""
    values = _behavior(data)
    if base is not None:
        return replace(base, **values)
    values.setdefault("size_bytes", GENERIC.size_bytes)
    values.setdefault("pull_seconds", GENERIC.pull_seconds)
    return ImageBehavior(**values)


def _env(container: dict[str, Any]) -> dict[str, str]:
    return {str(e.get("name")): str(e.get("value", "")) for e in container.get("env") or () if e.get("name")}


def _flag(argv: list[str], *names: str) -> str | None:
    """The value of `--name=value`, `--name value`, `-name=value` or `-name value`."""
    for i, arg in enumerate(argv):
        for name in names:
            if arg.startswith(name + "="):
                return arg[len(name) + 1:]
            if arg == name and i + 1 < len(argv):
                return argv[i + 1]
    return None


def _port(text: str | None, default: int) -> int:
    if text is None:
        return default
    text = text.rsplit(":", 1)[-1]
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else default


def _seconds(text: str) -> float | None:
    """`sleep` durations: 3600, 1.5, 10s, 5m, 1h, 2d, infinity (None)."""
    if text in ("infinity", "inf"):
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", text)
    if not match:
        return 0.0
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


WRAPPERS = {"docker-entrypoint.sh", "entrypoint.sh", "tini", "dumb-init", "--", "exec", "env"}
SHELLS = {"sh", "bash", "ash", "dash", "busybox-sh"}
QUICK_COMMANDS = {"echo", "printenv", "env", "date", "cat", "ls", "hostname", "touch", "mkdir", "cp", "rm", "wget",
                  "curl", "nslookup", "true", "printf", "id", "uname", "whoami", "sh", "bash", "python", "python3"}
SERVER_PROGRAMS = {"nginx", "httpd", "httpd-foreground", "apache2-foreground", "redis-server", "mongod", "mysqld",
                   "postgres", "node", "gunicorn", "/hello-app", "hello-app", "serve_hostname", "http-echo",
                   "agnhost", "goproxy", "pause", "run.sh", "hello"}


class Catalog:
    """Well-known images by repository; lessons extend or override entries with JSON-able dicts."""

    def __init__(self, extra: dict[str, dict[str, Any]] | None = None) -> None:
        self.entries: dict[str, ImageBehavior] = {}
        for entry in BUILTIN:
            self._add(entry)
        for name, data in (extra or {}).items():
            ref = parse_normalized_named(name)
            repository = ref.repository if isinstance(ref, Reference) else name
            base = self.entries.get(repository)
            self._add(_from_dict({"repository": repository, **data}, base))
        self._run_cache: dict[tuple[Any, ...], Run] = {}

    def _add(self, entry: ImageBehavior) -> None:
        self.entries[entry.repository] = entry
        for alias in entry.aliases:
            self.entries[alias] = entry

    # ---- pulling --------------------------------------------------------------------------------------------

    def resolve(self, image: str) -> ImageBehavior | PullFailure:
        """The image's behaviour, or why pulling it fails (typos of known names fail as Docker Hub does)."""
        ref = parse_normalized_named(image)
        if isinstance(ref, str):
            # mirrors the kubelet's applyDefaultImageTag error, wrapped by the InvalidImageName waiting state
            return PullFailure("InvalidImageName",
                               f'Failed to apply default image tag "{image}": couldn\'t parse image name "{image}": {ref}')
        known = self.entries.get(ref.repository)
        if known is not None:
            if ref.tag and ref.tag != "latest" and _one_edit_apart(ref.tag, "latest"):
                return _pull_failure(ref, denied=False)
            return known
        for repository in self.entries:
            if self._typo_of(ref.repository, repository):
                return _pull_failure(ref, denied=ref.repository.startswith("docker.io/"))
        return replace(GENERIC, repository=ref.repository)

    @staticmethod
    def _typo_of(wanted: str, known: str) -> bool:
        """Same registry and path, one edit away in the last component (`ngnix` for `nginx`)."""
        w_head, _, w_last = wanted.rpartition("/")
        k_head, _, k_last = known.rpartition("/")
        return w_head == k_head and _one_edit_apart(w_last, k_last)

    @staticmethod
    def version(behavior: ImageBehavior, container: dict[str, Any]) -> str:
        """The version a tag names (`nginx:1.14.2` → 1.14.2), else what latest is."""
        ref = parse_normalized_named(str(container.get("image", "")))
        tag = ref.tag if isinstance(ref, Reference) else ""
        match = re.match(r"v?(\d+(?:\.\d+)*)", tag)
        if match and behavior.program == "hello-app":
            return match.group(1) + ".0" * max(0, 2 - match.group(1).count("."))
        if match and behavior.version.count(".") and match.group(1).count(".") >= 1:
            wanted = match.group(1)
            # a partial tag (1.27) means its newest patch release; keep latest's patch when the prefix matches
            return behavior.version if behavior.version.startswith(wanted + ".") else wanted
        return behavior.version

    # ---- running --------------------------------------------------------------------------------------------

    def run(self, behavior: ImageBehavior, container: dict[str, Any]) -> Run:
        """What the container does with its command/args, read the way the image's entrypoint reads them."""
        command = [str(a) for a in container.get("command") or ()]
        args = [str(a) for a in container.get("args") or ()]
        ports = tuple(int(p["containerPort"]) for p in container.get("ports") or ()
                      if str(p.get("protocol", "TCP")) == "TCP" and isinstance(p.get("containerPort"), int))
        env = _env(container)
        key = (behavior, tuple(command), tuple(args), ports, tuple(sorted(env.items())))
        cached = self._run_cache.get(key)
        if cached is None:
            if command:
                argv = command + args
            elif args:
                argv = list(behavior.entrypoint) + args
            else:
                argv = list(behavior.entrypoint) + list(behavior.cmd)
            cached = self._interpret(behavior, argv, ports, env, default=not command and not args)
            self._run_cache[key] = cached
        return cached

    def _interpret(self, b: ImageBehavior, argv: list[str], ports: tuple[int, ...], env: dict[str, str],
                   default: bool) -> Run:
        if b.program == "generic":
            # an image Podium does not know: assume its command serves on the ports the manifest declares
            return Run(ports or (80,), None, 0, b.stop_seconds, "generic")
        if default:
            return self._default_run(b, env)
        while argv and (argv[0].rsplit("/", 1)[-1] in WRAPPERS):
            argv = argv[1:]
        if not argv:
            return self._default_run(b, env)
        if argv[0].startswith("-") and b.default_run == "serve":
            # docker-entrypoint.sh puts the server in front of flags: `mongod --bind_ip 0.0.0.0`
            return self._program_run(b, list(b.cmd) + argv, env)
        return self._program_run(b, argv, env)

    def _default_run(self, b: ImageBehavior, env: dict[str, str]) -> Run:
        if b.default_run == "exit":
            return Run((), 0.0, 0, b.stop_seconds, b.program)
        if b.default_run == "pause":
            return Run((), None, 0, b.stop_seconds, "pause")
        if b.program == "static":
            return Run(b.listens, None, 0, b.stop_seconds, b.program)
        argv = [a for a in (*b.entrypoint, *b.cmd) if a.rsplit("/", 1)[-1] not in WRAPPERS]
        return self._program_run(b, argv, env) if argv else Run(b.listens, None, 0, b.stop_seconds, b.program)

    def _program_run(self, b: ImageBehavior, argv: list[str], env: dict[str, str]) -> Run:
        prog = argv[0].rsplit("/", 1)[-1]
        rest = argv[1:]
        if prog in SHELLS:
            if "-c" in rest and rest.index("-c") + 1 < len(rest):
                return self._script_run(b, rest[rest.index("-c") + 1], env)
            return Run((), 0.0, 0, FOREVER, "shell")  # no terminal on stdin: the shell reads EOF and exits
        if prog == "sleep":
            duration = _seconds(rest[0]) if rest else 0.0
            return Run((), duration, 0, FOREVER, "sleep")  # sleep as PID 1 has no SIGTERM handler
        if prog in ("false",):
            return Run((), 0.0, 1, 0.0, "exit")
        if prog == "exit":
            return Run((), 0.0, int(rest[0]) if rest and rest[0].isdigit() else 0, 0.0, "exit")
        if prog == "tail" and any(a in ("-f", "-F") for a in rest):
            return Run((), None, 0, FOREVER, "tail")
        served = self._server_run(b, prog, rest, env)
        if served is not None:
            return served
        if prog in QUICK_COMMANDS:
            return Run((), 1.0 if prog in ("wget", "curl") else 0.0, 0, 0.0, "exit")
        if prog in SERVER_PROGRAMS or (b.cmd and prog == b.cmd[0].rsplit("/", 1)[-1]):
            return Run(b.listens, None, 0, b.stop_seconds, b.program)
        # the runtime cannot start a program the image does not have (StartError, exit code 128)
        return Run((), 0.0, 128, 0.0, "missing")

    def _server_run(self, b: ImageBehavior, prog: str, rest: list[str], env: dict[str, str]) -> Run | None:
        """Servers Podium knows by their command line, with the ports and texts their flags choose."""
        if prog in ("nginx",) and b.program == "nginx":
            return Run(b.listens, None, 0, b.stop_seconds, "nginx")
        if prog in ("httpd-foreground", "httpd") and b.program == "httpd":
            return Run(b.listens, None, 0, b.stop_seconds, "httpd")
        if prog == "httpd" and "-f" in rest:  # busybox httpd -f -p 8080
            return Run((_port(_flag(rest, "-p"), 80),), None, 0, 0.1, "busybox-httpd")
        if prog == "agnhost":
            return self._agnhost(rest, env)
        if prog == "http-echo":
            text = _flag(rest, "-text", "--text")
            if text is None:
                return Run((), 0.0, 127, 0.0, "http-echo")  # "Missing -text option!"
            return Run((_port(_flag(rest, "-listen", "--listen"), 5678),), None, 0, 0.1, "http-echo",
                       (("text", text),))
        if prog in ("python", "python3") and rest[:2] == ["-m", "http.server"]:
            port = rest[2] if len(rest) > 2 and rest[2].isdigit() else "8000"
            return Run((int(port),), None, 0, 0.1, "python")
        if prog in ("nc", "netcat") and any(a.startswith("-l") for a in rest):
            return Run((_port(_flag(rest, "-p"), 0),) if _flag(rest, "-p") else (), None, 0, FOREVER, "nc")
        if prog == "mysqld" and b.program == "mysql":
            if not {"MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"} & env.keys():
                return Run((), 1.0, 1, 0.0, "mysql")  # "Database is uninitialized and password option is not specified"
            return Run(b.listens, None, 0, b.stop_seconds, "mysql")
        if prog == "postgres" and b.program == "postgres":
            if "POSTGRES_PASSWORD" not in env and env.get("POSTGRES_HOST_AUTH_METHOD") != "trust":
                return Run((), 1.0, 1, 0.0, "postgres")  # "superuser password is not specified"
            return Run(b.listens, None, 0, b.stop_seconds, "postgres")
        if prog in ("redis-server",):
            return Run((_port(_flag(rest, "--port"), 6379),), None, 0, 0.2, "redis")
        if b.program == "hello-app" and prog == "hello-app":
            return Run((_port(env.get("PORT"), 8080),), None, 0, b.stop_seconds, "hello-app")
        if b.program == "serve-hostname" and prog == "serve_hostname":
            return Run((_port(_flag(rest, "--port", "-port"), 9376),), None, 0, 0.1, "serve-hostname")
        return None

    def _agnhost(self, rest: list[str], env: dict[str, str]) -> Run:
        """agnhost's subcommands (test/images/agnhost)."""
        sub = rest[0] if rest else "pause"
        flags = rest[1:]
        if sub == "netexec":
            return Run((_port(_flag(flags, "--http-port"), 8080),), None, 0, 0.1, "netexec")
        if sub == "serve-hostname":
            return Run((_port(_flag(flags, "--port"), 9376),), None, 0, 0.1, "serve-hostname")
        if sub == "liveness":
            return Run((8080,), None, 0, 0.1, "liveness")
        if sub == "test-webserver":
            return Run((_port(_flag(flags, "--port"), 80),), None, 0, 0.1, "test-webserver")
        if sub == "porter":
            served = sorted((int(k[len("SERVE_PORT_"):]), v) for k, v in env.items()
                            if k.startswith("SERVE_PORT_") and k[len("SERVE_PORT_"):].isdigit())
            return Run(tuple(p for p, _ in served), None, 0, 0.1, "porter", tuple((str(p), v) for p, v in served))
        if sub == "pause":
            return Run((), None, 0, 0.1, "pause")
        return Run((), 0.0, 1, 0.0, "agnhost")  # cobra: Error: unknown command

    def _script_run(self, b: ImageBehavior, script: str, env: dict[str, str]) -> Run:
        """A `sh -c` script, read coarsely: loops and `tail -f` run forever, sleeps add up, `exit N` ends it."""
        forever = bool(re.search(r"\bwhile\s+(true|:|\[\s*1\s*\])", script)) or \
            bool(re.search(r"\btail\s+(-\w+\s+)*-[fF]\b", script)) or "sleep infinity" in script
        # a server started from the script: exec hands it PID 1, so it gets SIGTERM itself
        statements = [s.strip() for s in re.split(r";|&&|\|\||\n", script) if s.strip()]
        for statement in statements:
            try:
                words = shlex.split(statement)
            except ValueError:
                words = statement.split()
            exec_ = words[:1] == ["exec"]
            words = [w for w in words if w not in WRAPPERS]
            if not words:
                continue
            served = self._server_run(b, words[0].rsplit("/", 1)[-1], words[1:], env)
            if served is None and words[0].rsplit("/", 1)[-1] in ("nginx", "httpd-foreground") and \
                    b.program in ("nginx", "httpd"):
                served = Run(b.listens, None, 0, b.stop_seconds, b.program)
            if served is not None and served.exits_after is None:
                stop = served.stop_seconds if exec_ else FOREVER
                return replace(served, stop_seconds=stop if "trap" not in script else 0.5)
        stop = 0.5 if "trap" in script else FOREVER  # sh as PID 1 ignores SIGTERM without a trap
        if forever:
            return Run((), None, 0, stop, "shell")
        total = 0.0
        code = 0
        for statement in statements:
            match = re.match(r"(?:exec\s+)?sleep\s+(\S+)", statement)
            if match:
                total += _seconds(match.group(1)) or 0.0
            exit_match = re.fullmatch(r"exit\s*(\d*)", statement)
            if exit_match:
                code = int(exit_match.group(1) or 0)
                break
            code = 1 if statement in ("false", "/bin/false") else 0
        return Run((), total, code, stop, "shell")

    # ---- answering ------------------------------------------------------------------------------------------

    def respond(self, behavior: ImageBehavior, container: dict[str, Any], port: int, path: str, pod: dict[str, Any],
                client_ip: str, *, now: float | None = None, method: str = "GET",
                host: str = "") -> tuple[int, str] | None:
        """(HTTP status, body) for one request, or None when nothing listens on the port.

        Status 0 means the server closed the connection without an HTTP reply (databases).
        """
        run = self.run(behavior, container)
        if port not in run.listens:
            return None
        pod_name = str((pod.get("metadata") or {}).get("name", ""))
        path_only, _, query = path.partition("?")
        status, body = self._answer(behavior, run, port, path_only or "/", query, pod, container, client_ip, now)
        if method == "HEAD":
            body = ""
        version = self.version(behavior, container)
        return status, (body.replace(POD, pod_name).replace(CLIENT, client_ip).replace(VERSION, version)
                        .replace(METHOD, method).replace(PATH, path or "/").replace(HOST, host or pod_name))

    def _answer(self, b: ImageBehavior, run: Run, port: int, path: str, query: str, pod: dict[str, Any],
                container: dict[str, Any], client_ip: str, now: float | None) -> tuple[int, str]:
        program = run.program
        options = dict(run.options)
        if program == "netexec":
            if path == "/hostname":
                return 200, POD
            if path == "/clientip":
                return 200, CLIENT
            if path == "/echo":
                return 200, _query(query, "msg")
            if path in ("/healthz", "/readyz"):
                return 200, ""
            return 200, "NOW: " + _go_now(now)
        if program == "serve-hostname":
            return 200, POD
        if program == "liveness":
            # agnhost liveness: /healthz answers 200 for the first 10 s after start, then 500
            started = _started_at(pod, container)
            if path == "/healthz" and now is not None and started is not None and now - started > 10:
                return 500, f"error: {now - started:.6f}"
            return (200, "ok") if path == "/healthz" else (404, GO_404)
        if program == "test-webserver":
            return 200, "It works!"
        if program == "porter":
            return 200, options.get(str(port), "")
        if program == "http-echo":
            return 200, options.get("text", "") + "\n"
        if program == "python":
            return (200, PYTHON_LISTING) if path == "/" else (404, "")
        if program == "busybox-httpd":
            return 404, BUSYBOX_404
        if program in ("redis", "mysql", "postgres", "nc"):
            return 0, ""
        for wanted, status, body in b.responses:
            if wanted == "*" or wanted == path:
                if program == "nginx" and status == 200 and body == NGINX_WELCOME and \
                        _version_below(self.version(b, container), (1, 23)):
                    body = NGINX_WELCOME_OLD
                return status, body
        return 200, "ok\n"

    def headers(self, behavior: ImageBehavior, container: dict[str, Any], status: int, body: str,
                now: float) -> list[tuple[str, str]]:
        """Response headers in the order the server sends them (`curl -i`)."""
        date = datetime.fromtimestamp(int(now), UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
        version = self.version(behavior, container)
        server = behavior.server.replace(VERSION, version)
        length = str(len(body.encode()))
        program = behavior.program
        if program == "nginx":
            out = [("Server", server), ("Date", date), ("Content-Type", behavior.content_type if status == 200
                                                         else "text/html"), ("Content-Length", length)]
            if status == 200:
                out += [("Last-Modified", "Tue, 26 Nov 2024 15:55:00 GMT"), ("Connection", "keep-alive"),
                        ("ETag", f'"6745ef54-{int(length):x}"'), ("Accept-Ranges", "bytes")]
            else:
                out.append(("Connection", "keep-alive"))
            return out
        if server.startswith("Apache"):
            out = [("Date", date), ("Server", server)]
            if status == 200 and program == "httpd":
                out += [("Last-Modified", "Mon, 11 Jun 2007 18:53:14 GMT"), ("ETag", '"2d-432a5e4a73a80"'),
                        ("Accept-Ranges", "bytes")]
            out += [("Content-Length", length), ("Content-Type", behavior.content_type if status == 200
                                                  else "text/html; charset=iso-8859-1")]
            return out
        out = [("Content-Type", behavior.content_type), ("Date", date), ("Content-Length", length)]
        if server:
            out.insert(0, ("Server", server))
        return out

    @staticmethod
    def has_tool(behavior: ImageBehavior, tool: str) -> bool:
        """Whether `kubectl exec … -- <tool>` finds the program in the image."""
        return tool in behavior.tools


def _query(query: str, key: str) -> str:
    for part in query.split("&"):
        k, _, v = part.partition("=")
        if k == key:
            return v.replace("+", " ")
    return ""


def _version_below(version: str, limit: tuple[int, int]) -> bool:
    parts = [int(p) for p in re.findall(r"\d+", version)[:2]]
    return len(parts) == 2 and (parts[0], parts[1]) < limit


def _started_at(pod: dict[str, Any], container: dict[str, Any]) -> float | None:
    for status in (pod.get("status") or {}).get("containerStatuses") or ():
        if status.get("name") == container.get("name"):
            started = ((status.get("state") or {}).get("running") or {}).get("startedAt")
            return parse_rfc3339(started) if started else None
    return None


def _go_now(now: float | None) -> str:
    """Go's time.Now().String() in UTC, as netexec prints it."""
    t = 0.0 if now is None or not math.isfinite(now) else now
    stamp = datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%d %H:%M:%S")
    nanos = round((t - int(t)) * 1e9)
    return f"{stamp}.{nanos:09d} +0000 UTC"


