"""Tab completion for the terminal, from the built-in kubectl's own command table: only what a command accepts.

Verbs, subcommands and flags come from `cmd` (the same table that parses the line), resource types from the
kinds each command works on, names from the cluster, so completion never offers what kubectl would refuse.
"""

from __future__ import annotations

from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.cluster import Cluster
from cluster.sim.kubectl.cmd import FLAGS, GLOBAL_FLAGS, SUBCOMMANDS
from cluster.sim.kubectl.flags import Flag
from cluster.sim.kubectl.workloads import EXPOSABLE, POD_TEMPLATE_KINDS, ROLLOUT_KINDS, SCALABLE

OUTPUTS = ("custom-columns=", "json", "jsonpath=", "name", "wide", "yaml")
IN_POD_CLIENTS = ("curl", "wget")  # what the terminal runs besides kubectl: requests from a node

# The kinds a command's TYPE argument may name; commands not listed take no TYPE.
COMMAND_KINDS: dict[str, tuple[str, ...]] = {
    "get": tuple(KINDS), "describe": tuple(KINDS), "delete": tuple(KINDS), "label": tuple(KINDS),
    "scale": SCALABLE, "patch": tuple(KINDS), "annotate": tuple(KINDS), "taint": ("Node",), "expose": EXPOSABLE, "set image": POD_TEMPLATE_KINDS,
    **{f"rollout {sub}": ROLLOUT_KINDS for sub in SUBCOMMANDS["rollout"]},
}
POD_COMMANDS = ("logs", "exec")  # commands whose first argument is a pod name
NODE_COMMANDS = ("cordon", "uncordon", "drain")  # commands whose arguments are node names


def _children(path: str) -> list[str]:
    """The words that may follow a command path: `rollout` → its subcommands, `create` → its generators."""
    depth = len(path.split()) if path else 0
    found = {key.split()[depth] for key in FLAGS if key.startswith(f"{path} " if path else "") and
             len(key.split()) > depth}
    if not path:
        found |= set(SUBCOMMANDS)
    else:
        found |= set(SUBCOMMANDS.get(path, ()))
    return sorted(found)


def _flag_words(flags: list[Flag]) -> list[str]:
    words = []
    for flag in flags:
        takes_value = flag.kind != "bool"
        words.append(f"--{flag.name}=" if takes_value else f"--{flag.name}")
        if flag.short:
            words.append(f"-{flag.short}")
    return words


def _takes_value(path: str) -> set[str]:
    flags = [*FLAGS.get(path, []), *GLOBAL_FLAGS]
    words = set()
    for flag in flags:
        if flag.kind != "bool":
            words.add(f"--{flag.name}")
            if flag.short:
                words.add(f"-{flag.short}")
    return words


def _type_words(kinds: tuple[str, ...]) -> dict[str, str]:
    """Every name kubectl accepts for these kinds (plural, singular, short names) → the kind."""
    words: dict[str, str] = {}
    for name in kinds:
        kind = KINDS[name]
        for word in (kind.resource, kind.singular, *kind.short_names):
            words[word] = kind.kind
    return words


def _names(cluster: Cluster, kind: str, namespace: str) -> list[str]:
    ns = namespace if KINDS[kind].namespaced else None
    return [o["metadata"]["name"] for o in cluster.store.list(kind, ns)]


def _service_urls(cluster: Cluster) -> list[str]:
    urls = []
    for svc in cluster.store.list("Service", "default"):
        for port in svc["spec"].get("ports") or ():
            urls.append(f"http://{svc['metadata']['name']}:{port['port']}/")
            if svc["spec"].get("clusterIP") not in (None, "", "None"):
                urls.append(f"http://{svc['spec']['clusterIP']}:{port['port']}/")
    return urls


def complete(cluster: Cluster, line: str) -> list[str]:
    """Candidates for the last word of a terminal line: verbs, subcommands, resource types, names, flags."""
    words = line.split(" ")
    last = words[-1]
    words = [w for w in words[:-1] if w]
    if not words:
        return sorted(w for w in ("kubectl", *IN_POD_CLIENTS) if w.startswith(last))
    if words[0] in IN_POD_CLIENTS:
        return sorted(u for u in _service_urls(cluster) if u.startswith(last)) if not last.startswith("-") else []
    if words[0] == "kubectl":
        words = words[1:]
    return sorted({w for w in _candidates(cluster, words, last) if w.startswith(last)})


def _candidates(cluster: Cluster, words: list[str], last: str) -> list[str]:
    path, namespace, previous = "", "default", ""
    args: list[str] = []
    for word in words:
        takes_value = previous in _takes_value(path)
        if previous in ("-n", "--namespace"):
            namespace = word
        elif word.startswith("--namespace="):
            namespace = word.split("=", 1)[1]
        elif not word.startswith("-") and not takes_value:
            if not args and word in _children(path):
                path = f"{path} {word}".strip()
            else:
                args.append(word)
        previous = word
    if previous in ("-n", "--namespace"):
        return _names(cluster, "Namespace", "")
    if previous in ("-o", "--output"):
        return list(OUTPUTS)
    if previous in _takes_value(path):
        return []
    if last.startswith("-"):
        return _flag_words([*FLAGS.get(path, []), *GLOBAL_FLAGS])
    if not args and _children(path):
        return _children(path)
    if path in NODE_COMMANDS:
        return _names(cluster, "Node", "")
    if path in POD_COMMANDS:
        return _names(cluster, "Pod", namespace) if not args else []
    kinds = COMMAND_KINDS.get(path)
    if kinds is None:
        return []
    types = _type_words(kinds)
    if "/" in last:
        word, _, _ = last.partition("/")
        kind = types.get(word)
        return [f"{word}/{n}" for n in _names(cluster, kind, namespace)] if kind else []
    if not args:
        return list(types)
    kind = types.get(args[0])
    return _names(cluster, kind, namespace) if kind else []
