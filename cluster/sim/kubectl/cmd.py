"""The built-in kubectl: kubectl 1.32's commands over the simulated cluster, printing exactly as kubectl does.

`run(cluster, argv)` serves `manage.py kubectl` and the browser terminal alike; `run_line` takes a typed line.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cluster.sim.apimachinery.errors import ApiError
from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.kubectl import apply as apply_cmds
from cluster.sim.kubectl import exec as exec_cmds
from cluster.sim.kubectl import get as get_cmds
from cluster.sim.kubectl import nodes as node_cmds
from cluster.sim.kubectl import patch as patch_cmds
from cluster.sim.kubectl import shell
from cluster.sim.kubectl import workloads as workload_cmds
from cluster.sim.kubectl.flags import Flag, Parsed, UsageError, parse
from cluster.sim.kubectl.session import (
    FileSource,
    KubectlError,
    LocalFiles,
    MemoryFiles,
    Session,
    single_error_text,
)
from cluster.sim.kubectl.tabwriter import TabWriter

if TYPE_CHECKING:
    from cluster.sim.cluster import Cluster

__all__ = ["FileSource", "MemoryFiles", "Result", "local_files", "run", "run_line"]

CLIENT_VERSION = "v1.32.4"
KUSTOMIZE_VERSION = "v5.5.0"


# C0 controls but tab and newline, DEL and C1 controls: a terminal would act on them (ESC starts a sequence).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text as the terminal may show it: control characters from objects (an annotation holding an escape
    sequence, say) appear as `^[` or `\\x9b` instead of being obeyed."""
    return _CONTROL.sub(lambda m: "^" + chr(ord(m.group(0)) ^ 0x40) if ord(m.group(0)) < 0x80
                        else f"\\x{ord(m.group(0)):02x}", text)


@dataclass
class Result:
    """What one kubectl command printed, its exit code, and whether the cluster may have changed."""

    stdout: str
    stderr: str
    exit_code: int
    changed: bool  # the command may have changed cluster state (the caller then saves)
    errors: list[dict[str, Any]] = field(default_factory=list)  # apply from the editor: [{"line", "message"}]
    hint: str = ""  # Podium's extra help (e.g. the apps/v1 form for an apps/v1beta1 manifest)
    watch: Any = None  # `get -w`: the kubectl.watch.Watcher that prints each later change

    def __post_init__(self) -> None:
        self.stdout = printable(self.stdout)
        self.stderr = printable(self.stderr)


def local_files(base: str = ".") -> FileSource:
    """The real filesystem (for `manage.py kubectl`)."""
    return LocalFiles(base)


# ---- flags ----------------------------------------------------------------------------------------------------

GLOBAL_FLAGS = [
    Flag("namespace", "n"), Flag("help", "h", "bool"), Flag("context"), Flag("kubeconfig"), Flag("cluster"),
    Flag("user"), Flag("request-timeout"), Flag("v", "v", "int"), Flag("warnings-as-errors", kind="bool"),
]
FILES = [Flag("filename", "f", "list"), Flag("recursive", "R", "bool"), Flag("kustomize", "k")]
DRY_RUN = Flag("dry-run", no_opt="unchanged", default="none")
OUTPUT = Flag("output", "o")
SELECTOR = Flag("selector", "l")
ALL_NAMESPACES = Flag("all-namespaces", "A", "bool")
VALIDATE = Flag("validate", no_opt="strict", default="strict")

FLAGS: dict[str, list[Flag]] = {
    "get": [OUTPUT, SELECTOR, Flag("field-selector"), ALL_NAMESPACES, Flag("show-labels", kind="bool"),
            Flag("label-columns", "L", "strings"), Flag("no-headers", kind="bool"), Flag("watch", "w", "bool"),
            Flag("watch-only", kind="bool"), Flag("sort-by"), Flag("show-kind", kind="bool"),
            Flag("ignore-not-found", kind="bool"), Flag("chunk-size", kind="int", default=500),
            Flag("output-watch-events", kind="bool"), *FILES],
    "describe": [SELECTOR, ALL_NAMESPACES, Flag("show-events", kind="bool", default=True),
                 Flag("chunk-size", kind="int", default=500), *FILES],
    "apply": [*FILES, DRY_RUN, OUTPUT, Flag("server-side", kind="bool"), VALIDATE, Flag("field-manager"),
              Flag("overwrite", kind="bool", default=True), Flag("force", kind="bool"), Flag("record", kind="bool")],
    "create": [*FILES, DRY_RUN, OUTPUT, Flag("save-config", kind="bool"), VALIDATE, Flag("edit", kind="bool"),
               Flag("record", kind="bool")],
    "create deployment": [Flag("image", kind="list"), Flag("replicas", "r", "int", 1), Flag("port", kind="int",
                          default=-1), DRY_RUN, OUTPUT, Flag("save-config", kind="bool"), VALIDATE,
                          Flag("field-manager")],
    "create service clusterip": [Flag("tcp", kind="strings"), Flag("clusterip"), Flag("node-port", kind="int"),
                                 DRY_RUN, OUTPUT, Flag("save-config", kind="bool"), VALIDATE],
    "create service nodeport": [Flag("tcp", kind="strings"), Flag("clusterip"), Flag("node-port", kind="int"),
                                DRY_RUN, OUTPUT, Flag("save-config", kind="bool"), VALIDATE],
    "create namespace": [DRY_RUN, OUTPUT, Flag("save-config", kind="bool"), VALIDATE],
    "create configmap": [Flag("from-literal", kind="list"), DRY_RUN, OUTPUT, Flag("save-config", kind="bool"),
                         VALIDATE],
    "create secret generic": [Flag("from-literal", kind="list"), Flag("type"), DRY_RUN, OUTPUT,
                              Flag("save-config", kind="bool"), VALIDATE],
    "delete": [*FILES, SELECTOR, Flag("all", kind="bool"), ALL_NAMESPACES, Flag("grace-period", kind="int",
               default=-1), Flag("force", kind="bool"), Flag("now", kind="bool"), Flag("wait", kind="bool",
               default=True), Flag("cascade", no_opt="background", default="background"), Flag("timeout",
               default="0s"), Flag("ignore-not-found", kind="bool"), OUTPUT, DRY_RUN, Flag("field-selector"),
               Flag("interactive", "i", "bool")],
    "scale": [Flag("replicas", kind="int", default=-1), Flag("current-replicas", kind="int", default=-1),
              Flag("resource-version"), *FILES, SELECTOR, Flag("all", kind="bool"), Flag("timeout", default="0s"),
              DRY_RUN, OUTPUT],
    "rollout status": [Flag("watch", "w", "bool", True), Flag("timeout", default="0s"),
                       Flag("revision", kind="int"), *FILES, SELECTOR],
    "rollout history": [Flag("revision", kind="int"), OUTPUT, *FILES, SELECTOR],
    "rollout undo": [Flag("to-revision", kind="int"), DRY_RUN, OUTPUT, *FILES, SELECTOR],
    "rollout restart": [DRY_RUN, OUTPUT, *FILES, SELECTOR],
    "rollout pause": [OUTPUT, *FILES, SELECTOR],
    "rollout resume": [OUTPUT, *FILES, SELECTOR],
    "set image": [SELECTOR, Flag("all", kind="bool"), DRY_RUN, OUTPUT, *FILES, Flag("local", kind="bool"),
                  Flag("record", kind="bool")],
    "label": [Flag("overwrite", kind="bool"), Flag("all", kind="bool"), SELECTOR, ALL_NAMESPACES,
              Flag("list", kind="bool"), DRY_RUN, OUTPUT, Flag("resource-version"), *FILES,
              Flag("local", kind="bool"), Flag("field-selector")],
    "expose": [Flag("port"), Flag("target-port"), Flag("type"), Flag("name"), Flag("protocol"), Flag("selector"),
               Flag("labels", "l"), Flag("external-ip"), Flag("cluster-ip"), Flag("load-balancer-ip"),
               Flag("session-affinity"), DRY_RUN, OUTPUT, *FILES],
    "run": [Flag("image"), Flag("port"), Flag("labels", "l"), Flag("restart", default="Always"),
            Flag("env", kind="list"), Flag("command", kind="bool"), Flag("rm", kind="bool"),
            Flag("stdin", "i", "bool"), Flag("tty", "t", "bool"), Flag("attach", kind="bool"), DRY_RUN, OUTPUT,
            Flag("image-pull-policy"), Flag("annotations", kind="list"), Flag("expose", kind="bool"),
            Flag("quiet", "q", "bool"), Flag("pod-running-timeout", default="1m0s")],
    "logs": [Flag("container", "c"), Flag("previous", "p", "bool"), Flag("tail", kind="int", default=-1),
             Flag("timestamps", kind="bool"), Flag("follow", "f", "bool"), Flag("all-containers", kind="bool"),
             Flag("since"), SELECTOR, Flag("prefix", kind="bool")],
    "exec": [Flag("container", "c"), Flag("stdin", "i", "bool"), Flag("tty", "t", "bool"),
             Flag("quiet", "q", "bool"), Flag("filename", "f", "list")],
    "version": [Flag("client", kind="bool"), OUTPUT],
    "api-resources": [Flag("namespaced", kind="bool", default=True), OUTPUT, Flag("no-headers", kind="bool"),
                      Flag("api-group"), Flag("sort-by"), Flag("verbs", kind="strings"), Flag("cached", kind="bool"),
                      Flag("categories", kind="strings")],
    "cluster-info": [],
    "help": [],
    "patch": [Flag("patch", "p"), Flag("patch-file"), Flag("type", default="strategic"), DRY_RUN, OUTPUT, *FILES,
              Flag("local", kind="bool"), Flag("field-manager")],
    "annotate": [Flag("overwrite", kind="bool"), Flag("all", kind="bool"), SELECTOR, ALL_NAMESPACES,
                 Flag("list", kind="bool"), DRY_RUN, OUTPUT, Flag("resource-version"), *FILES,
                 Flag("local", kind="bool"), Flag("field-selector")],
    "cordon": [SELECTOR, DRY_RUN],
    "uncordon": [SELECTOR, DRY_RUN],
    "drain": [SELECTOR, DRY_RUN, Flag("force", kind="bool"), Flag("ignore-daemonsets", kind="bool"),
              Flag("delete-emptydir-data", kind="bool"), Flag("grace-period", kind="int", default=-1),
              Flag("timeout", default="0s"), Flag("disable-eviction", kind="bool")],
    "taint": [Flag("overwrite", kind="bool"), Flag("all", kind="bool"), SELECTOR, DRY_RUN, OUTPUT,
              Flag("validate", no_opt="strict", default="strict")],
}

Handler = Callable[[Session, Parsed], int]

SHORT_HELP = {
    "create": "Create a resource from a file or from stdin",
    "expose": "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
    "run": "Run a particular image on the cluster",
    "set": "Set specific features on objects",
    "get": "Display one or many resources",
    "delete": "Delete resources by file names, stdin, resources and names, or by resources and label selector",
    "rollout": "Manage the rollout of a resource",
    "scale": "Set a new size for a deployment, replica set, or replication controller",
    "describe": "Show details of a specific resource or group of resources",
    "logs": "Print the logs for a container in a pod",
    "exec": "Execute a command in a container",
    "apply": "Apply a configuration to a resource by file name or stdin",
    "label": "Update the labels on a resource",
    "api-resources": "Print the supported API resources on the server",
    "cluster-info": "Display cluster information",
    "version": "Print the client and server version information",
    "patch": "Update fields of a resource",
    "annotate": "Update the annotations on a resource",
    "cordon": "Mark node as unschedulable",
    "uncordon": "Mark node as schedulable",
    "drain": "Drain node in preparation for maintenance",
    "taint": "Update the taints on one or more nodes",
}

GROUPS = [
    ("Basic Commands (Beginner)", ["create", "expose", "run", "set"]),
    ("Basic Commands (Intermediate)", ["get", "delete"]),
    ("Deploy Commands", ["rollout", "scale"]),
    ("Cluster Management Commands", ["cluster-info", "cordon", "uncordon", "drain", "taint"]),
    ("Troubleshooting and Debugging Commands", ["describe", "logs", "exec"]),
    ("Advanced Commands", ["apply", "patch"]),
    ("Settings Commands", ["label", "annotate"]),
    ("Other Commands", ["api-resources", "version"]),
]

# kubectl commands Podium's kubectl does not have: a clear answer instead of "unknown command".
NOT_SIMULATED = ("edit", "replace", "port-forward", "proxy", "cp", "attach", "top", "auth",
                 "debug", "events", "wait", "diff", "kustomize", "certificate", "autoscale", "config", "plugin", "completion", "alpha", "api-versions", "explain")

SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "rollout": ("history", "pause", "restart", "resume", "status", "undo"),
    "set": ("image",),
}

USAGE = {
    "get": "kubectl get [(-o|--output=)json|yaml|name|wide|custom-columns=...|jsonpath=...] (TYPE[.VERSION][.GROUP] "
           "[NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]",
    "describe": "kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]",
    "apply": "kubectl apply (-f FILENAME | -k DIRECTORY) [options]",
    "create": "kubectl create -f FILENAME [options]",
    "delete": "kubectl delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)]) [options]",
    "scale": "kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT "
             "(-f FILENAME | TYPE NAME) [options]",
    "rollout": "kubectl rollout SUBCOMMAND [options]",
    "set": "kubectl set SUBCOMMAND [options]",
    "label": "kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N "
             "[--resource-version=version] [options]",
    "expose": "kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] "
              "[--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] "
              "[--type=type] [options]",
    "run": "kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] "
           "[--overrides=inline-json] [--command] -- [COMMAND] [args...] [options]",
    "logs": "kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]",
    "exec": "kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]",
    "version": "kubectl version [flags] [options]",
    "api-resources": "kubectl api-resources [flags] [options]",
    "cluster-info": "kubectl cluster-info [flags] [options]",
}


def _handlers() -> dict[str, Handler]:
    return {
        "get": get_cmds.cmd_get,
        "describe": get_cmds.cmd_describe,
        "apply": apply_cmds.cmd_apply,
        "create": apply_cmds.cmd_create,
        "create deployment": apply_cmds.create_deployment,
        "create service clusterip": lambda s, p: apply_cmds.create_service(s, p, "ClusterIP"),
        "create service nodeport": lambda s, p: apply_cmds.create_service(s, p, "NodePort"),
        "create namespace": apply_cmds.create_namespace,
        "create configmap": apply_cmds.create_configmap,
        "create secret generic": apply_cmds.create_secret,
        "delete": apply_cmds.cmd_delete,
        "scale": workload_cmds.cmd_scale,
        "rollout status": workload_cmds.rollout_status,
        "rollout history": workload_cmds.rollout_history,
        "rollout undo": workload_cmds.rollout_undo,
        "rollout restart": workload_cmds.rollout_restart,
        "rollout pause": workload_cmds.rollout_pause,
        "rollout resume": workload_cmds.rollout_resume,
        "set image": workload_cmds.set_image,
        "label": workload_cmds.cmd_label,
        "expose": workload_cmds.cmd_expose,
        "run": workload_cmds.cmd_run,
        "logs": exec_cmds.cmd_logs,
        "exec": exec_cmds.cmd_exec,
        "version": cmd_version,
        "api-resources": cmd_api_resources,
        "cluster-info": cmd_cluster_info,
        "help": lambda s, p: _help(s, p.args),
        "patch": patch_cmds.cmd_patch,
        "annotate": patch_cmds.cmd_annotate,
        "cordon": node_cmds.cmd_cordon,
        "uncordon": node_cmds.cmd_uncordon,
        "drain": node_cmds.cmd_drain,
        "taint": node_cmds.cmd_taint,
    }


# ---- entry points -------------------------------------------------------------------------------------------

_VALUE_FLAGS = {"-n", "--namespace", "-f", "--filename", "-o", "--output", "-l", "--selector", "-c", "--container",
                "--context", "--kubeconfig", "--cluster", "--user", "--image", "--replicas", "--tcp", "-L",
                "--from-literal", "--type", "--dry-run", "--field-selector", "--sort-by", "--timeout", "-p", "--patch"}
_BARE_OK = {"--dry-run"}


def _split_command(argv: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(leading flags, command words, the rest) as cobra finds a (sub)command among flags."""
    leading: list[str] = []
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        leading.append(argv[i])
        if argv[i] in _VALUE_FLAGS and argv[i] not in _BARE_OK and i + 1 < len(argv):
            leading.append(argv[i + 1])
            i += 1
        i += 1
    if i >= len(argv) or argv[i] == "--":
        return leading, [], argv[i:]
    words = [argv[i]]
    rest = argv[i + 1:]
    if words[0] in ("create", "rollout", "set"):
        sub, rest = _find_word(rest)
        if sub is not None:
            words.append(sub)
            if words == ["create", "service"] or words == ["create", "secret"]:
                sub2, rest = _find_word(rest)
                if sub2 is not None:
                    words.append(sub2)
    return leading, words, rest


def _find_word(args: list[str]) -> tuple[str | None, list[str]]:
    """The first positional word (a subcommand) among flags, and the arguments without it."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None, args
        if arg.startswith("-"):
            if arg in _VALUE_FLAGS and arg not in _BARE_OK:
                i += 1
            i += 1
            continue
        return arg, args[:i] + args[i + 1:]
    return None, args


def run(cluster: Cluster, argv: list[str], *, stdin: str = "", files: FileSource | None = None) -> Result:
    """Run one kubectl command (argv without the leading `kubectl`) against the cluster."""
    session = Session(cluster, stdin=stdin, files=files)
    code = _dispatch(session, list(argv))
    return Result("".join(session.out), "".join(session.err), code, session.changed, session.errors, session.hint,
                  session.watch if code == 0 else None)


def run_line(cluster: Cluster, line: str, *, stdin: str = "", files: FileSource | None = None) -> Result:
    """Run a typed line: `get pods -o wide`, `kubectl get pods`, or `curl URL` / `wget URL` from a client pod;
    `| grep …`, `| wc -l` and the other shell filters work on what it prints."""
    if shell.is_pipeline(line):
        return _run_pipeline(cluster, line, stdin=stdin, files=files)
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        return Result("", f"error: {exc}\n", 1, False)
    if argv[:1] == ["kubectl"]:
        argv = argv[1:]
    elif argv[:1] and argv[0] in exec_cmds.CLIENT_COMMANDS:
        session = Session(cluster, stdin=stdin, files=files)
        try:
            code = exec_cmds.run_from_client(session, argv)
        except KubectlError as err:
            session.warn(err.text)
            code = err.exit_code
        return Result("".join(session.out), "".join(session.err), code, session.changed)
    return run(cluster, argv, stdin=stdin, files=files)


def _run_pipeline(cluster: Cluster, line: str, *, stdin: str, files: FileSource | None) -> Result:
    try:
        first, *filters = shell.split_pipeline(line)
    except ValueError as exc:
        return Result("", f"error: {exc}\n", 1, False)
    except shell.ShellError as err:
        return Result("", err.message + "\n", err.exit_code, False)
    result = run_line(cluster, shlex.join(first), stdin=stdin, files=files)
    piped = shell.run_filters(result.stdout, filters)
    return Result(piped.stdout, result.stderr + piped.stderr, piped.exit_code, result.changed, result.errors,
                  result.hint)


def _dispatch(s: Session, argv: list[str]) -> int:
    leading, words, rest = _split_command(argv)
    if not words:
        _help(s, [])
        return 0
    handlers = _handlers()
    name = " ".join(words)
    if words and words[0] in NOT_SIMULATED:
        s.warn(f'error: "kubectl {words[0]}" is not part of Podium\'s built-in kubectl. It supports: '
               + ", ".join(sorted(SHORT_HELP)) + ".")
        return 1
    if not words or (words[0] not in SHORT_HELP and words[0] != "help"):
        command = words[0] if words else ""
        return _unknown_command(s, command)
    if words[0] in ("rollout", "set") and len(words) == 1:
        return _group_help(s, words[0], rest)
    if name not in handlers:
        if words[0] == "create" and len(words) >= 2:
            return _unknown_create(s, words)
        if words[0] in SUBCOMMANDS:
            return _unknown_command(s, words[1], f"kubectl {words[0]}")
    s.command = name
    flags = FLAGS.get(name, []) + GLOBAL_FLAGS
    try:
        parsed = parse(leading + rest, flags)
        if parsed["help"]:
            _command_help(s, name, flags)
            return 0
        if parsed.changed("namespace"):
            s.namespace = parsed["namespace"]
            s.namespace_given = True
        return handlers[name](s, parsed)
    except UsageError as err:
        s.warn(f"error: {err.message}\nSee 'kubectl {name} --help' for usage.")
        return 1
    except KubectlError as err:
        if err.text:
            s.warn(err.text)
        return err.exit_code
    except ApiError as err:
        s.warn(single_error_text(err))
        return 1


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _unknown_command(s: Session, command: str, parent: str = "kubectl") -> int:
    # mirrors cobra's findSuggestions: Levenshtein distance <= 2, or a prefix
    pool = SUBCOMMANDS.get(parent.split()[-1], ()) if parent != "kubectl" else tuple(SHORT_HELP) + NOT_SIMULATED
    suggestions = [c for c in sorted(pool) if _levenshtein(command.lower(), c.lower()) <= 2
                   or c.lower().startswith(command.lower())] if command else []
    # kubectl silences cobra's own error printing, so no "Run 'kubectl --help' for usage." line follows
    text = f'error: unknown command "{command}" for "{parent}"'
    if suggestions:
        text += "\n\nDid you mean this?\n" + "".join(f"\t{c}\n" for c in suggestions)
    s.warn(text)
    return 1


def _unknown_create(s: Session, words: list[str]) -> int:
    if words[:2] == ["create", "service"]:
        s.warn("Podium's kubectl creates services of type clusterip and nodeport: "
               "kubectl create service clusterip NAME --tcp=PORT:TARGET")
    elif words[:2] == ["create", "secret"]:
        s.warn("Podium's kubectl creates generic secrets: kubectl create secret generic NAME --from-literal=k=v")
    else:
        s.warn(f'error: unknown command "{words[1]}" for "kubectl create"\n'
               "Podium's kubectl creates: deployment, service clusterip|nodeport, namespace, configmap, "
               "secret generic (or anything with -f FILE)")
    return 1


# ---- help ---------------------------------------------------------------------------------------------------

def _help(s: Session, args: list[str]) -> int:
    if args:
        name = " ".join(args)
        if name in FLAGS:
            _command_help(s, name, FLAGS[name] + GLOBAL_FLAGS)
            return 0
    lines = ["kubectl controls the Kubernetes cluster manager.", "",
             " Find more information at: https://kubernetes.io/docs/reference/kubectl/", ""]
    for title, commands in GROUPS:
        lines.append(f"{title}:")
        lines.extend(f"  {c:<15} {SHORT_HELP[c]}" for c in commands)
        lines.append("")
    lines += ["Usage:", "  kubectl [flags] [options]", "",
              'Use "kubectl <command> --help" for more information about a given command.',
              "This is Podium's built-in kubectl: the commands above work on this simulated cluster."]
    s.print("\n".join(lines))
    return 0


def _group_help(s: Session, group: str, rest: list[str]) -> int:
    if rest and not rest[0].startswith("-"):
        return _unknown_command(s, rest[0], f"kubectl {group}")
    lines = [SHORT_HELP[group] + ".", "", "Available Commands:"]
    lines.extend(f"  {sub:<10}" for sub in SUBCOMMANDS[group])
    lines += ["", "Usage:", f"  kubectl {group} SUBCOMMAND [options]"]
    s.print("\n".join(lines))
    return 0


def _command_help(s: Session, name: str, flags: list[Flag]) -> None:
    top = name.split()[0]
    lines = [SHORT_HELP.get(top, name) + ".", "", "Options:"]
    for flag in flags:
        if flag in GLOBAL_FLAGS and flag.name != "namespace":
            continue
        short = f"-{flag.short}, " if flag.short else "    "
        value = "" if flag.kind == "bool" else f"={flag.initial()!r}" if flag.initial() not in ("", [], None) \
            else ""
        lines.append(f"    {short}--{flag.name}{value}")
    lines += ["", "Usage:", "  " + USAGE.get(top, f"kubectl {name} [options]")]
    s.print("\n".join(lines))


# ---- version, api-resources, cluster-info ----------------------------------------------------------------------

def cmd_version(s: Session, p: Parsed) -> int:
    from cluster.sim.settings import KUBERNETES_VERSION

    lines = [f"Client Version: {CLIENT_VERSION}", f"Kustomize Version: {KUSTOMIZE_VERSION}"]
    if not p["client"]:
        lines.append(f"Server Version: {KUBERNETES_VERSION}")
    s.print("\n".join(lines))
    return 0


_GROUP_ORDER = ("", "apps", "discovery.k8s.io")


def cmd_api_resources(s: Session, p: Parsed) -> int:
    kinds = sorted(KINDS.values(), key=lambda k: (_GROUP_ORDER.index(k.group), k.resource))
    if p.changed("namespaced"):
        kinds = [k for k in kinds if k.namespaced == p["namespaced"]]
    if p["api-group"] or p.changed("api-group"):
        kinds = [k for k in kinds if k.group == p["api-group"]]
    output = p["output"]
    if output == "name":
        s.write("".join((f"{k.resource}.{k.group}" if k.group else k.resource) + "\n" for k in kinds))
        return 0
    out = TabWriter(6, 4, 3, remember_widths=True)
    wide = output == "wide"
    if not p["no-headers"]:
        out.write("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND" + ("\tVERBS\tCATEGORIES" if wide else "") + "\n")
    for k in kinds:
        row = [k.resource, ",".join(k.short_names), k.api_version, "true" if k.namespaced else "false", k.kind]
        if wide:
            row += ["[" + " ".join(k.verbs) + "]", ",".join(k.categories)]
        out.write("\t".join(row) + "\n")
    out.flush()
    s.write(out.getvalue())
    return 0


def cmd_cluster_info(s: Session, p: Parsed) -> int:
    if p.args:
        raise KubectlError("error: Podium's kubectl does not dump cluster state; use kubectl get and describe")
    endpoints = s.store.get("Endpoints", "default", "kubernetes") or {}
    addresses = [a.get("ip") for sub in endpoints.get("subsets") or [] for a in sub.get("addresses") or []]
    host = f"https://{addresses[0] if addresses else '127.0.0.1'}:6443"
    lines = [f"Kubernetes control plane is running at {host}"]
    if s.store.get("Service", "kube-system", "kube-dns") is not None:
        lines.append(f"CoreDNS is running at {host}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy")
    lines += ["", "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'."]
    s.print("\n".join(lines))
    return 0
