"""`kubectl logs` and `kubectl exec`: what a container prints, and commands run inside a pod (curl, wget, DNS)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from cluster.sim.apimachinery.errors import ApiError, bad_request
from cluster.sim.apimachinery.kinds import KINDS
from cluster.sim.apimachinery.timeutil import parse_rfc3339
from cluster.sim.apiserver.pods import is_ready
from cluster.sim.images.catalog import Catalog
from cluster.sim.kubectl import curl
from cluster.sim.kubectl.flags import Parsed, parse_duration
from cluster.sim.kubectl.session import KubectlError, Obj, Session, errors_text, not_found, resolve_targets
from cluster.sim.network.kubeproxy import Client

CLIENT_COMMANDS = ("curl", "wget")
CLIENT_POD = "client"
CLUSTER_DOMAIN = "cluster.local"
BASIC_COMMANDS = ("hostname", "cat", "env", "printenv", "echo", "true", "false", "date", "id", "whoami", "uname",
                  "sh", "ls")
# images without a shell or coreutils: every exec fails as "executable file not found"
NO_USERLAND = ("pause", "serve-hostname", "http-echo", "hello-app")
BUSYBOX_IMAGES = ("docker.io/library/busybox", "docker.io/library/alpine")


def _catalog(s: Session) -> Any:
    return Catalog(s.cluster.settings.images)


# ---- choosing the pod and container ------------------------------------------------------------------------------

def _rank(pod: Obj) -> tuple[int, int, str]:
    # mirrors podutils.ByLogging: running and ready pods first, then the older one
    status = pod.get("status") or {}
    running = status.get("phase") == "Running"
    return (0 if running else 1, 0 if is_ready(pod) else 1, pod["metadata"].get("creationTimestamp", ""))


def find_pod(s: Session, text: str) -> Obj:
    """POD or TYPE/NAME: a workload resolves to one of its pods, as kubectl's attachablePodForObject does."""
    if "/" not in text:
        pod: Obj | None = s.store.get("Pod", s.namespace, text)
        if pod is None:
            raise KubectlError(errors_text([not_found(KINDS["Pod"], text)]))
        return pod
    target = resolve_targets([text]).items[0]
    name = target.names[0]
    obj: Obj | None = s.store.get(target.kind.kind, s.namespace if target.kind.namespaced else "", name)
    if obj is None:
        raise KubectlError(errors_text([not_found(target.kind, name)]))
    if target.kind.kind == "Pod":
        return obj
    if target.kind.kind == "Service":
        selector = (obj.get("spec") or {}).get("selector") or {}
    elif target.kind.kind in ("Deployment", "ReplicaSet"):
        selector = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    else:
        raise KubectlError(f"error: cannot attach to *v1.{target.kind.kind}: selector for *v1.{target.kind.kind} "
                           "not implemented")
    pods: list[Obj] = sorted(s.store.list("Pod", s.namespace, selector or None), key=_rank) if selector else []
    if not pods:
        raise KubectlError("error: timed out waiting for the condition")
    if len(pods) > 1:
        s.warn(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}")
    return pods[0]


def _container(s: Session, pod: Obj, wanted: str) -> Obj:
    containers = (pod.get("spec") or {}).get("containers") or []
    name = pod["metadata"]["name"]
    if wanted:
        for c in containers + ((pod.get("spec") or {}).get("initContainers") or []):
            if c.get("name") == wanted:
                return c  # type: ignore[no-any-return]
        raise KubectlError(errors_text([bad_request(f"container {wanted} is not valid for pod {name}")]))
    default = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
    chosen = next((c for c in containers if c.get("name") == default), containers[0])
    if len(containers) > 1 and not default:
        s.warn(f'Defaulted container "{chosen["name"]}" out of: ' + ", ".join(c["name"] for c in containers))
    return chosen  # type: ignore[no-any-return]


def _status(pod: Obj, container: str) -> Obj | None:
    status = pod.get("status") or {}
    for cs in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
        if cs.get("name") == container:
            return cs  # type: ignore[no-any-return]
    return None


# ---- logs --------------------------------------------------------------------------------------------------------

def _log_error(container: str, pod: str, why: str) -> KubectlError:
    return KubectlError(errors_text([ApiError(400, "BadRequest", f'container "{container}" in pod "{pod}" {why}')]))


def _log_run(pod: Obj, container: str, previous: bool) -> Obj:
    """validateContainerLogStatus: the container instance whose logs are asked for, or kubelet's error."""
    name = pod["metadata"]["name"]
    if not (pod.get("spec") or {}).get("nodeName"):
        raise KubectlError(errors_text([bad_request(f"pod {name} does not have a host assigned")]))
    cs = _status(pod, container)
    if cs is None:
        raise _log_error(container, name, "is not available")
    state, last = cs.get("state") or {}, cs.get("lastState") or {}
    if previous:
        if not last.get("terminated"):
            raise KubectlError(errors_text([bad_request(
                f'previous terminated container "{container}" in pod "{name}" not found')]))
        return last["terminated"]  # type: ignore[no-any-return]
    if state.get("running"):
        return state["running"]  # type: ignore[no-any-return]
    if state.get("terminated"):
        return state["terminated"]  # type: ignore[no-any-return]
    if last.get("terminated"):
        return last["terminated"]  # type: ignore[no-any-return]
    waiting = state.get("waiting")
    if waiting is not None:
        reason = waiting.get("reason", "")
        if reason == "ErrImagePull":
            raise _log_error(container, name, "is waiting to start: image can't be pulled")
        if reason == "ImagePullBackOff":
            raise _log_error(container, name, "is waiting to start: trying and failing to pull image")
        raise _log_error(container, name, f"is waiting to start: {reason}")
    raise _log_error(container, name, "is waiting to start - no logs yet")


def _seed(*parts: str) -> int:
    return int(hashlib.sha256("/".join(parts).encode()).hexdigest()[:12], 16)


def _startup_lines(s: Session, pod: Obj, container: Obj, started: float) -> list[tuple[float, str]]:
    """What a well-known server prints when it starts, stamped as it would stamp it."""
    catalog = _catalog(s)
    behavior = catalog.resolve(container.get("image", ""))
    program = getattr(behavior, "program", "")
    if container.get("command") or container.get("args"):
        return _echo_lines(container, started)
    version = catalog.version(behavior, container) if program in ("nginx", "httpd") else ""
    ip = (pod.get("status") or {}).get("podIP", "")
    seed = _seed(pod["metadata"].get("uid", ""), container.get("name", ""), str(started))
    micros = seed % 1_000_000
    if program == "httpd":
        stamp = datetime.fromtimestamp(int(started), UTC).strftime("%a %b %d %H:%M:%S") + \
            f".{micros:06d} " + datetime.fromtimestamp(int(started), UTC).strftime("%Y")
        tid = 139_000_000_000_000 + seed % 999_000_000_000
        notice = f"AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using " \
                 f"{ip}. Set the 'ServerName' directive globally to suppress this message"
        return [(started, notice), (started, notice),
                (started, f"[{stamp}] [mpm_event:notice] [pid 1:tid {tid}] AH00489: Apache/{version} (Unix) "
                          "configured -- resuming normal operations"),
                (started, f"[{stamp}] [core:notice] [pid 1:tid {tid}] AH00094: Command line: 'httpd -D FOREGROUND'")]
    if program == "nginx" and getattr(behavior, "repository", "") == "docker.io/library/nginx":
        node = s.store.get("Node", "", (pod.get("spec") or {}).get("nodeName", "")) or {}
        kernel = ((node.get("status") or {}).get("nodeInfo") or {}).get("kernelVersion", "6.1.0-28-amd64")
        cpus = int(str(((node.get("status") or {}).get("capacity") or {}).get("cpu", "2")).rstrip("m") or 2)
        when = datetime.fromtimestamp(int(started), UTC).strftime("%Y/%m/%d %H:%M:%S")
        entry = "/docker-entrypoint.sh"
        lines = [f"{entry}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
                 f"{entry}: Looking for shell scripts in /docker-entrypoint.d/",
                 f"{entry}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
                 "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
                 "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
                 f"{entry}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
                 f"{entry}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
                 f"{entry}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
                 f"{entry}: Configuration complete; ready for start up",
                 f'{when} [notice] 1#1: using the "epoll" event method',
                 f"{when} [notice] 1#1: nginx/{version}",
                 f"{when} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) ",
                 f"{when} [notice] 1#1: OS: Linux {kernel}",
                 f"{when} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
                 f"{when} [notice] 1#1: start worker processes"]
        lines += [f"{when} [notice] 1#1: start worker process {29 + i}" for i in range(cpus)]
        return [(started, line) for line in lines]
    return []


def _echo_lines(container: Obj, started: float) -> list[tuple[float, str]]:
    """`echo` statements of a shell command line: what busybox-style pods print."""
    import shlex

    words = list(container.get("command") or []) + list(container.get("args") or [])
    script = " ".join(words[2:]) if words[:2] in (["sh", "-c"], ["/bin/sh", "-c"], ["bash", "-c"]) else ""
    if not script and words[:1] == ["echo"]:
        script = " ".join(shlex.quote(w) for w in words)
    lines = []
    for statement in script.replace("&&", ";").split(";"):
        try:
            parts = shlex.split(statement)
        except ValueError:
            continue
        if parts[:1] == ["echo"]:
            lines.append((started, " ".join(parts[1:])))
    return lines


def _rfc3339_nano(t: float, seed: int) -> str:
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{seed % 1_000_000_000:09d}Z"


def cmd_logs(s: Session, p: Parsed) -> int:
    """kubectl logs POD [-c C] [--previous]: the container's output since it started."""
    if not p.args:
        raise KubectlError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "POD or TYPE/NAME is a required argument for the logs command\n"
                           "See 'kubectl logs -h' for help and examples")
    if len(p.args) > 2:
        raise KubectlError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "POD or TYPE/NAME is a required argument for the logs command\n"
                           "See 'kubectl logs -h' for help and examples")
    pod = find_pod(s, p.args[0])
    container = _container(s, pod, p["container"] or (p.args[1] if len(p.args) == 2 else ""))
    instance = _log_run(pod, container["name"], p["previous"])
    started_text = instance.get("startedAt")
    started = parse_rfc3339(started_text) if started_text else s.now
    lines = _startup_lines(s, pod, container, started)
    if p["since"]:
        since = parse_duration(p["since"], "--since")
        lines = [line for line in lines if line[0] >= s.now - since]
    if p["tail"] >= 0:
        lines = lines[len(lines) - p["tail"]:] if p["tail"] else []
    seed = _seed(pod["metadata"].get("uid", ""), container["name"])
    for i, (when, text) in enumerate(lines):
        prefix = f"[pod/{pod['metadata']['name']}/{container['name']}] " if p["prefix"] else ""
        stamp = _rfc3339_nano(when, seed + i) + " " if p["timestamps"] else ""
        s.print(prefix + stamp + text)
    if p["follow"]:
        s.warn("Podium's kubectl prints the logs once; it cannot follow them (-f).")
    return 0


# ---- exec --------------------------------------------------------------------------------------------------------

def _exec_id(pod: Obj, argv: list[str], now: float) -> str:
    return hashlib.sha256(f"{pod['metadata'].get('uid', '')}/{' '.join(argv)}/{now}".encode()).hexdigest()


def _not_found(pod: Obj, argv: list[str], now: float) -> KubectlError:
    program = argv[0]
    why = (f"stat {program}: no such file or directory" if "/" in program
           else "executable file not found in $PATH")
    return KubectlError(
        "error: Internal error occurred: error executing command in container: failed to exec in container: "
        f'failed to start exec "{_exec_id(pod, argv, now)}": OCI runtime exec failed: exec failed: unable to start '
        f'container process: exec: "{program}": {why}: unknown')


def cmd_exec(s: Session, p: Parsed) -> int:
    """kubectl exec POD [-c C] -- COMMAND: a few commands a learner runs to look at networking."""
    if not p.args:
        raise KubectlError("error: pod, type/name or --filename must be specified")
    if len(p.args) > 1:
        raise KubectlError("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] "
                           "instead\nSee 'kubectl exec -h' for help and examples")
    argv = list(p.dash_args)
    if not argv:
        raise KubectlError("error: you must specify at least one command for the container")
    pod = find_pod(s, p.args[0])
    container = _container(s, pod, p["container"])
    return exec_in(s, pod, container, argv, interactive=p["stdin"])


def exec_in(s: Session, pod: Obj, container: Obj, argv: list[str], *, interactive: bool = False,
            need_tool: bool = True) -> int:
    """Run argv in a running container; output and `command terminated with exit code N` as kubectl shows them."""
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(f"error: cannot exec into a container in a completed pod; current phase is {phase}")
    cs = _status(pod, container["name"])
    if cs is None or not (cs.get("state") or {}).get("running"):
        raise KubectlError(f'error: unable to upgrade connection: container not found ("{container["name"]}")')
    catalog = _catalog(s)
    behavior = catalog.resolve(container.get("image", ""))
    program = argv[0].rsplit("/", 1)[-1]
    if program in ("sh", "bash", "ash") and len(argv) >= 3 and argv[1] == "-c":
        import shlex

        try:
            inner = shlex.split(argv[2])
        except ValueError:
            inner = []
        if inner:
            return exec_in(s, pod, container, inner, interactive=interactive, need_tool=need_tool)
    if program in ("sh", "bash", "ash") and len(argv) == 1:
        if getattr(behavior, "program", "") in NO_USERLAND:
            raise _not_found(pod, argv, s.now)
        raise KubectlError("error: Podium's kubectl cannot open an interactive shell; run one command at a time: "
                           f"kubectl exec {pod['metadata']['name']} -- curl SERVICE:PORT")
    available = _available(catalog, behavior, program)
    if need_tool and not available:
        raise _not_found(pod, argv, s.now)
    if program in CLIENT_COMMANDS:
        code = http_request(s, pod, argv)
    else:
        code = _basic(s, pod, container, behavior, program, argv)
    if code:
        s.warn(f"command terminated with exit code {code}")
    return code


def _available(catalog: Any, behavior: Any, program: str) -> bool:
    if getattr(behavior, "program", "") in NO_USERLAND:
        return False
    if program in CLIENT_COMMANDS:
        return bool(catalog.has_tool(behavior, program))
    if program == "nslookup":
        return getattr(behavior, "repository", "") in BUSYBOX_IMAGES
    return program in BASIC_COMMANDS


def _basic(s: Session, pod: Obj, container: Obj, behavior: Any, program: str, argv: list[str]) -> int:
    name = pod["metadata"]["name"]
    if program == "hostname":
        s.print(name)
        return 0
    if program in ("true",):
        return 0
    if program == "false":
        return 1
    if program == "echo":
        s.print(" ".join(argv[1:]))
        return 0
    if program in ("env", "printenv"):
        env = environment(s, pod, container, behavior)
        if program == "printenv" and len(argv) > 1:
            values = dict(env)
            missing = False
            for key in argv[1:]:
                if key in values:
                    s.print(values[key])
                else:
                    missing = True
            return 1 if missing else 0
        s.write("".join(f"{k}={v}\n" for k, v in env))
        return 0
    if program == "nslookup":
        return nslookup(s, pod, argv[1:])
    if program == "cat":
        return _cat(s, pod, argv[1:])
    if program in ("id", "whoami"):
        s.print("uid=0(root) gid=0(root) groups=0(root)" if program == "id" else "root")
        return 0
    if program == "uname":
        s.print("Linux")
        return 0
    if program == "date":
        s.print(datetime.fromtimestamp(int(s.now), UTC).strftime("%a %b %d %H:%M:%S UTC %Y"))
        return 0
    if program == "ls":
        if len(argv) > 1:
            for path in argv[1:]:
                s.warn(f"ls: cannot access '{path}': No such file or directory")
            return 2
        s.print("bin\ndev\netc\nhome\nproc\nroot\nsys\ntmp\nusr\nvar")
        return 0
    raise _not_found(pod, argv, s.now)


def _dns_ip(s: Session) -> str:
    dns = s.store.get("Service", "kube-system", "kube-dns") or {}
    return str((dns.get("spec") or {}).get("clusterIP", ""))


def _cat(s: Session, pod: Obj, paths: list[str]) -> int:
    ns = pod["metadata"].get("namespace", "default")
    code = 0
    for path in paths:
        if path == "/etc/resolv.conf":
            s.write(f"search {ns}.svc.{CLUSTER_DOMAIN} svc.{CLUSTER_DOMAIN} {CLUSTER_DOMAIN}\n"
                    f"nameserver {_dns_ip(s)}\noptions ndots:5\n")
        elif path == "/etc/hostname":
            s.print(pod["metadata"]["name"])
        elif path == "/etc/hosts":
            ip = (pod.get("status") or {}).get("podIP", "")
            s.write("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost "
                    "ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\n"
                    f"fe00::2\tip6-allrouters\n{ip}\t{pod['metadata']['name']}\n")
        else:
            s.warn(f"cat: {path}: No such file or directory")
            code = 1
    return code


_IMAGE_ENV = {
    "nginx": [("NGINX_VERSION", "${version}"), ("NJS_VERSION", "0.8.7"), ("NJS_RELEASE", "1~bookworm"),
              ("PKG_RELEASE", "1~bookworm"), ("DYNPKG_RELEASE", "1~bookworm")],
    "httpd": [("HTTPD_PREFIX", "/usr/local/apache2"), ("HTTPD_VERSION", "${version}"),
              ("HTTPD_PATCHES", "")],
}
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _env_name(name: str) -> str:
    return name.upper().replace("-", "_")


def service_env(svc: Obj) -> list[tuple[str, str]]:
    """envvars.FromServices for one Service: *_SERVICE_HOST/PORT and the Docker-link variables."""
    spec = svc.get("spec") or {}
    ip = spec.get("clusterIP")
    ports = spec.get("ports") or []
    if not ip or ip == "None" or not ports:
        return []
    prefix = _env_name(svc["metadata"]["name"])
    env = [(f"{prefix}_SERVICE_HOST", ip), (f"{prefix}_SERVICE_PORT", str(ports[0].get("port")))]
    env += [(f"{prefix}_SERVICE_PORT_{_env_name(p['name'])}", str(p.get("port"))) for p in ports if p.get("name")]
    for i, port in enumerate(ports):
        protocol = str(port.get("protocol", "TCP"))
        url = f"{protocol.lower()}://{ip}:{port.get('port')}"
        base = f"{prefix}_PORT_{port.get('port')}_{protocol.upper()}"
        if i == 0:
            env.append((f"{prefix}_PORT", url))
        env += [(base, url), (f"{base}_PROTO", protocol.lower()), (f"{base}_PORT", str(port.get("port"))),
                (f"{base}_ADDR", ip)]
    return env


def environment(s: Session, pod: Obj, container: Obj, behavior: Any) -> list[tuple[str, str]]:
    """The container's environment: image ENV, the pod spec's env, service links from when it started."""
    catalog = _catalog(s)
    version = catalog.version(behavior, container) if getattr(behavior, "program", "") in ("nginx", "httpd") else ""
    program = getattr(behavior, "program", "")
    path = "/usr/local/apache2/bin:" + DEFAULT_PATH if program == "httpd" else DEFAULT_PATH
    env: list[tuple[str, str]] = [("PATH", path), ("HOSTNAME", pod["metadata"]["name"])]
    env += [(k, v.replace("${version}", version)) for k, v in _IMAGE_ENV.get(program, [])]
    env += [(e["name"], str(e.get("value", ""))) for e in container.get("env") or [] if "name" in e]
    cs = _status(pod, container["name"]) or {}
    started_text = ((cs.get("state") or {}).get("running") or {}).get("startedAt")
    started = parse_rfc3339(started_text) if started_text else s.now
    links: list[Obj] = []
    ns = pod["metadata"].get("namespace", "default")
    if (pod.get("spec") or {}).get("enableServiceLinks", True):
        links = [svc for svc in s.store.list("Service", ns)
                 if parse_rfc3339(svc["metadata"].get("creationTimestamp", "1970-01-01T00:00:00Z")) <= started
                 and not (ns == "default" and svc["metadata"]["name"] == "kubernetes")]
    master = s.store.get("Service", "default", "kubernetes")
    for svc in links + ([master] if master else []):
        env += service_env(svc)
    env.append(("HOME", "/root"))
    return env


# ---- DNS --------------------------------------------------------------------------------------------------------

def resolve_name(s: Session, name: str, namespace: str) -> tuple[str, list[str]] | None:
    """Cluster DNS as CoreDNS answers it, trying the pod's search list: (FQDN, addresses) or None."""
    name = name.rstrip(".")
    candidates = [name] if name.endswith(CLUSTER_DOMAIN) else []
    candidates += [f"{name}.{namespace}.svc.{CLUSTER_DOMAIN}", f"{name}.svc.{CLUSTER_DOMAIN}",
                   f"{name}.{CLUSTER_DOMAIN}"]
    for fqdn in candidates:
        labels = fqdn[: -len(CLUSTER_DOMAIN) - 1].split(".")
        if len(labels) == 3 and labels[2] == "svc":
            svc = s.store.get("Service", labels[1], labels[0])
            if svc is None:
                continue
            spec = svc.get("spec") or {}
            if spec.get("type") == "ExternalName":
                continue
            if spec.get("clusterIP") == "None":
                ep = s.store.get("Endpoints", labels[1], labels[0]) or {}
                ips = [a["ip"] for sub in ep.get("subsets") or [] for a in sub.get("addresses") or []]
                if ips:
                    return fqdn, sorted(ips)
                continue
            return fqdn, [spec.get("clusterIP", "")]
        if len(labels) == 3 and labels[2] == "pod":
            return fqdn, [labels[0].replace("-", ".")]
    return None


def nslookup(s: Session, pod: Obj, args: list[str]) -> int:
    """busybox nslookup NAME."""
    names = [a for a in args if not a.startswith("-")]
    if not names:
        s.warn("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
               "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]")
        return 1
    dns = _dns_ip(s)
    s.write(f"Server:\t\t{dns}\nAddress:\t{dns}:53\n\n")
    found = resolve_name(s, names[0], pod["metadata"].get("namespace", "default"))
    if found is None:
        s.write(f"** server can't find {names[0]}: NXDOMAIN\n\n")
        return 1
    fqdn, ips = found
    for ip in ips:
        s.write(f"Name:\t{fqdn}\nAddress: {ip}\n")
    s.write("\n")
    return 0


# ---- HTTP from a pod -----------------------------------------------------------------------------------------

def http_request(s: Session, pod: Obj, argv: list[str]) -> int:
    """curl/wget from inside a pod: routed by kube-proxy's model, printed as the tool prints it."""
    meta = pod["metadata"]
    status = pod.get("status") or {}
    client = Client("pod", meta["name"], status.get("podIP", ""), (pod.get("spec") or {}).get("nodeName", ""),
                    meta.get("namespace", "default"))
    s.changed = True
    stdout, stderr, code = curl.run_in_pod(s.cluster, client, argv)
    s.write(stdout)
    if stderr:
        s.warn(stderr)
    return code


def run_from_client(s: Session, argv: list[str]) -> int:
    """`curl URL` typed without kubectl: sent from the pod named `client`, else the first Running pod."""
    pod = s.store.get("Pod", s.namespace, CLIENT_POD)
    if pod is None:
        running = [p for p in s.store.list("Pod", s.namespace)
                   if (p.get("status") or {}).get("phase") == "Running" and not p["metadata"].get("deletionTimestamp")]
        if not running:
            raise KubectlError(f"error: no pod to send the request from: start one with\n  kubectl run {CLIENT_POD} "
                               "--image=curlimages/curl -- sleep infinity")
        pod = running[0]
    container = (pod.get("spec") or {}).get("containers", [{}])[0]
    return exec_in(s, pod, container, argv, need_tool=False)


def run_attached(s: Session, p: Parsed, name: str, command: list[str]) -> int:
    """kubectl run -i/-t: wait for the pod, run its command, then (--rm) delete it."""
    timeout = parse_duration(p["pod-running-timeout"], "--pod-running-timeout") or 60.0
    deadline = s.now + timeout
    while True:
        pod = s.store.get("Pod", s.namespace, name)
        if pod is None:
            raise KubectlError(errors_text([not_found(KINDS["Pod"], name)]))
        cs = _status(pod, name) or {}
        state = cs.get("state") or {}
        if state.get("running") or state.get("terminated") or (pod.get("status") or {}).get("phase") in (
                "Succeeded", "Failed"):
            break
        if s.now >= deadline:
            raise KubectlError("error: timed out waiting for the condition")
        nxt = s.cluster.clock.next_time()
        s.cluster.advance(deadline if nxt is None else min(max(nxt, s.now), deadline))
        s.changed = True
    code = 0
    if not command:
        s.warn("If you don't see a command prompt, try pressing enter.")
        s.warn("Podium's kubectl cannot open an interactive session; give the command after --, e.g. "
               f"kubectl run {name} --rm -i --image=busybox -- wget -qO- SERVICE:PORT")
    else:
        container = (pod.get("spec") or {}).get("containers", [{}])[0]
        program = command[0].rsplit("/", 1)[-1]
        if program in CLIENT_COMMANDS or program in BASIC_COMMANDS or program == "nslookup":
            if program in CLIENT_COMMANDS:
                code = http_request(s, pod, command)
            else:
                catalog = _catalog(s)
                code = _basic(s, pod, container, catalog.resolve(container.get("image", "")), program, command)
        else:
            s.warn(f"Podium's kubectl cannot run {command[0]!r} attached; it runs curl, wget, nslookup and a few "
                   "basic commands")
    if p["rm"]:
        s.cluster.api.delete("Pod", s.namespace, name)
        s.changed = True
        s.print(f'pod "{name}" deleted')
        _wait_deleted(s, name)
    if code:
        s.warn(f"pod {s.namespace}/{name} terminated (Error)")
    return code


def _wait_deleted(s: Session, name: str) -> None:
    deadline = s.now + 40
    while s.store.get("Pod", s.namespace, name) is not None and s.now < deadline:
        nxt = s.cluster.clock.next_time()
        s.cluster.advance(deadline if nxt is None else min(max(nxt, s.now), deadline))
