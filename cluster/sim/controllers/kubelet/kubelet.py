"""The kubelets of every node: pod sandboxes and IPs, image pulls, containers, probes, back-off, termination.

Lifecycle as data: STAGE_SECONDS holds the delays a lesson may scale (Settings.time_scale); what an image
does (pull time, ports, how it takes SIGTERM, whether it exits) comes from the image catalog.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from cluster.sim.apiserver.allocators import host_local_next
from cluster.sim.apiserver.store import Obj, clone
from cluster.sim.controllers.base import Controller
from cluster.sim.images.catalog import Catalog, PullFailure
from cluster.sim.images.reference import Reference, parse_normalized_named

COMPONENT = "kubelet"
STAGE_SECONDS = {
    "sandbox": 0.6,  # scheduled → pod sandbox and IP ready
    "cached_pull": 0.4,  # imagePullPolicy Always with the image cached: a manifest check
    "start": 0.3,  # created → started
    "restart_after_exit": 1.0,  # kubelet notices an exited container
    "mount_retry": 120.0,  # missing ConfigMap/Secret: MountVolume retried
    "config_retry": 20.0,  # CreateContainerConfigError: retried on the next sync
}
INIT = 10_000  # container slots from here on are init containers
REGISTRY_REFUSAL_SECONDS = 1.5  # how long a registry takes to refuse a pull
BACKOFF_INITIAL, BACKOFF_MAX = 10.0, 300.0  # kubelet's container and image back-off
BACKOFF_RESET = 600.0  # a container running this long forgets its back-off


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _image_name(image: str) -> str:
    """repository:tag as containerStatuses.image and the node's image list show it (docker.io/library/nginx:latest)."""
    ref = parse_normalized_named(image)
    return ref.tagged if isinstance(ref, Reference) else image


class Kubelet(Controller):
    name = "kubelet"

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self._used_ips: dict[str, set[str]] | None = None
        self._catalog: Any = None

    @property
    def catalog(self) -> Any:
        if self._catalog is None:
            self._catalog = Catalog(self.cluster.settings.images)
        return self._catalog

    def timers(self) -> dict[str, Any]:
        return {"kubelet.step": self.step}

    def on_change(self, type_: str, obj: Obj, old: Obj | None) -> None:
        kind = obj["kind"]
        if kind == "Pod":
            meta = obj["metadata"]
            if type_ == "DELETED":
                ip = (obj.get("status") or {}).get("podIP")
                node = obj["spec"].get("nodeName")
                if ip and node and self._used_ips is not None:
                    self._used_ips.get(node, set()).discard(ip)
                self.cluster.state.kubelet.pop(meta["uid"], None)
                return
            if not obj["spec"].get("nodeName"):
                return
            if not (obj.get("status") or {}).get("hostIP") or \
                    (meta.get("deletionTimestamp") and not (old or {}).get("metadata", {}).get("deletionTimestamp")):
                self.enqueue((meta["namespace"], meta["name"]))
        elif kind in ("ConfigMap", "Secret") and type_ == "ADDED":
            for pod in self.cluster.store.list("Pod", obj["metadata"]["namespace"]):
                if self._pod_state(pod).get("waiting_for"):
                    self.enqueue((pod["metadata"]["namespace"], pod["metadata"]["name"]))

    # ---- state ----------------------------------------------------------------------------------------

    def _pod_state(self, pod: Obj) -> dict[str, Any]:
        state: dict[str, Any] = self.cluster.state.kubelet.setdefault(pod["metadata"]["uid"], {})
        return state

    def _later(self, seconds: float, pod: Obj, step: str, *args: Any) -> None:
        jitter = self.cluster.rng.randrange(4) / 10 if seconds > 0 else 0.0
        self.cluster.clock.at(self.cluster.now + self.cluster.delay(seconds + jitter), "kubelet.step",
                              pod["metadata"]["namespace"], pod["metadata"]["name"], pod["metadata"]["uid"],
                              step, *args)

    def _fresh(self, ns: str, name: str, uid: str) -> Obj | None:
        pod = self.cluster.store.get("Pod", ns, name)
        if pod is None or pod["metadata"]["uid"] != uid:
            return None
        return pod

    def _save(self, pod: Obj) -> Obj:
        result: Obj = self.cluster.store.update(pod, check_version=False)
        return result

    def _event(self, pod: Obj, type_: str, reason: str, message: str, container: str | None = None) -> None:
        field_path = f"spec.containers{{{container}}}" if container else None
        self.cluster.recorder.record(pod, type_, reason, message, COMPONENT, host=pod["spec"].get("nodeName"),
                                     field_path=field_path)

    # ---- sync: admission and termination --------------------------------------------------------------

    def sync(self, key: tuple[str, str]) -> None:
        pod = self.cluster.store.get("Pod", *key)
        if pod is None or not pod["spec"].get("nodeName"):
            return
        if pod["metadata"].get("deletionTimestamp"):
            self._begin_termination(pod)
            return
        if not (pod.get("status") or {}).get("hostIP"):
            self._admit(pod)

    def _admit(self, pod: Obj) -> None:
        now = self.cluster.timestamp()
        node = self.cluster.store.get("Node", "", pod["spec"]["nodeName"])
        if node is None:
            return
        host_ip = next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
        pod = own_status(pod)
        names = [c["name"] for c in pod["spec"].get("containers") or []]
        status = pod.setdefault("status", {})
        status.update({
            "phase": "Pending",
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "startTime": now,
            "conditions": [
                {"lastProbeTime": None, "lastTransitionTime": now, "status": "False",
                 "type": "PodReadyToStartContainers"},
                {"lastProbeTime": None, "lastTransitionTime": now, "status": "True", "type": "Initialized"},
                {"lastProbeTime": None, "lastTransitionTime": now,
                 "message": f"containers with unready status: [{' '.join(names)}]",
                 "reason": "ContainersNotReady", "status": "False", "type": "Ready"},
                {"lastProbeTime": None, "lastTransitionTime": now,
                 "message": f"containers with unready status: [{' '.join(names)}]",
                 "reason": "ContainersNotReady", "status": "False", "type": "ContainersReady"},
                *[c for c in status.get("conditions") or [] if c["type"] == "PodScheduled"],
            ],
            "containerStatuses": [self._waiting_status(c, "ContainerCreating") for c in pod["spec"]["containers"]],
        })
        inits = pod["spec"].get("initContainers") or []
        if inits:
            pending = " ".join(c["name"] for c in inits)
            for cond in status["conditions"]:
                if cond["type"] == "Initialized":
                    cond.update(status="False", reason="ContainersNotInitialized",
                                message=f"containers with incomplete status: [{pending}]")
            status["initContainerStatuses"] = [self._waiting_status(c, "PodInitializing") for c in inits]
            status["containerStatuses"] = [self._waiting_status(c, "PodInitializing")
                                           for c in pod["spec"]["containers"]]
        if pod["spec"].get("hostNetwork"):
            status["podIP"] = host_ip
            status["podIPs"] = [{"ip": host_ip}]
        self._save(pod)
        self._later(STAGE_SECONDS["sandbox"], pod, "sandbox")

    def _waiting_status(self, container: dict[str, Any], reason: str, message: str = "",
                        previous: dict[str, Any] | None = None) -> dict[str, Any]:
        waiting: dict[str, Any] = {"reason": reason}
        if message:
            waiting["message"] = message
        status: dict[str, Any] = {
            "image": container.get("image", ""),
            "imageID": "",
            "lastState": {},
            "name": container["name"],
            "ready": False,
            "restartCount": 0,
            "started": False,
            "state": {"waiting": waiting},
        }
        if previous:
            for key in ("containerID", "imageID", "lastState", "restartCount"):
                if key in previous:
                    status[key] = previous[key]
            status["image"] = previous.get("image", status["image"])
        return status

    # ---- timed steps ----------------------------------------------------------------------------------

    def step(self, ns: str, name: str, uid: str, step: str, *args: Any) -> None:
        pod = self._fresh(ns, name, uid)
        if pod is None:
            return
        if pod["metadata"].get("deletionTimestamp") and step not in ("stopped",):
            return
        getattr(self, f"_step_{step}")(own_status(pod), *args)

    def _missing_volume(self, pod: Obj) -> tuple[str, str, str] | None:
        store = self.cluster.store
        ns = pod["metadata"]["namespace"]
        for volume in pod["spec"].get("volumes") or ():
            cm = volume.get("configMap")
            if cm and not cm.get("optional") and store.get("ConfigMap", ns, cm.get("name", "")) is None:
                return volume["name"], "configmap", cm.get("name", "")
            secret = volume.get("secret")
            if secret and not secret.get("optional") and store.get("Secret", ns, secret.get("secretName", "")) is None:
                return volume["name"], "secret", secret.get("secretName", "")
        return None

    def _step_sandbox(self, pod: Obj) -> None:
        missing = self._missing_volume(pod)
        state = self._pod_state(pod)
        if missing:
            volume, kind, ref = missing
            state["waiting_for"] = f"{kind}/{ref}"
            self._event(pod, "Warning", "FailedMount",
                        f'MountVolume.SetUp failed for volume "{volume}" : {kind} "{ref}" not found')
            self._later(STAGE_SECONDS["mount_retry"], pod, "sandbox")
            return
        state.pop("waiting_for", None)
        status = pod["status"]
        if not status.get("podIP"):
            ip = self._allocate_ip(pod)
            if ip is None:
                self._event(pod, "Warning", "FailedCreatePodSandBox",
                            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network "
                            "for sandbox: plugin type=\"host-local\" failed (add): failed to allocate for range 0: "
                            "no IP addresses available in range set")
                return
            status["podIP"] = ip
            status["podIPs"] = [{"ip": ip}]
        self._set_condition(pod, "PodReadyToStartContainers", "True")
        self._save(pod)
        self._start_container(pod, INIT if pod["spec"].get("initContainers") else 0)

    def _allocate_ip(self, pod: Obj) -> str | None:
        node_name = pod["spec"]["nodeName"]
        if self._used_ips is None:
            self._used_ips = {}
            for p in self.cluster.store.list("Pod"):
                ip, node = (p.get("status") or {}).get("podIP"), p["spec"].get("nodeName")
                if ip and node:
                    self._used_ips.setdefault(node, set()).add(ip)
        used = self._used_ips.setdefault(node_name, set())
        node = self.cluster.store.get("Node", "", node_name)
        if node is None:
            return None
        ipam = self.cluster.state.ipam
        ip = host_local_next(node["spec"]["podCIDR"], ipam.get(node_name), used)
        if ip is not None:
            ipam[node_name] = ip
            used.add(ip)
        return ip

    def _container(self, pod: Obj, index: int) -> dict[str, Any]:
        """The container in a slot: app containers are 0…n-1, init containers INIT + i."""
        if index >= INIT:
            init: dict[str, Any] = pod["spec"]["initContainers"][index - INIT]
            return init
        container: dict[str, Any] = pod["spec"]["containers"][index]
        return container

    def _statuses(self, pod: Obj, index: int) -> tuple[list[dict[str, Any]], int]:
        """The status list a slot lives in, and its position there."""
        if index >= INIT:
            statuses: list[dict[str, Any]] = pod["status"]["initContainerStatuses"]
            return statuses, index - INIT
        return pod["status"]["containerStatuses"], index

    def _start_container(self, pod: Obj, index: int) -> None:
        """Pull (per imagePullPolicy and the node's cache), then create and start."""
        if index >= INIT:
            if index - INIT >= len(pod["spec"].get("initContainers") or []):
                self._initialized(pod)
                return
        elif index >= len(pod["spec"]["containers"]):
            return
        container = self._container(pod, index)
        image = container.get("image", "")
        behavior = self.catalog.resolve(image)
        if isinstance(behavior, PullFailure):
            if behavior.reason == "InvalidImageName":
                self._set_waiting(pod, index, "InvalidImageName", behavior.message)
                self._event(pod, "Warning", "InspectFailed", behavior.message, container["name"])
                self._event(pod, "Warning", "Failed", "Error: InvalidImageName", container["name"])
                self._save(pod)
                return
            self._event(pod, "Normal", "Pulling", f'Pulling image "{image}"', container["name"])
            self._save(pod)
            self._later(REGISTRY_REFUSAL_SECONDS, pod, "pull_failed", index)
            return
        cached = self._image_cached(pod["spec"]["nodeName"], image)
        policy = container.get("imagePullPolicy", "IfNotPresent")
        if policy == "Never" and not cached:
            message = f'Container image "{image}" is not present with pull policy of Never'
            self._set_waiting(pod, index, "ErrImageNeverPull", message)
            self._event(pod, "Warning", "ErrImageNeverPull", message, container["name"])
            self._event(pod, "Warning", "Failed", "Error: ErrImageNeverPull", container["name"])
            self._save(pod)
            return
        if cached and policy != "Always":
            self._event(pod, "Normal", "Pulled", f'Container image "{image}" already present on machine',
                        container["name"])
            self._save(pod)
            self._later(0, pod, "create", index)
            return
        self._event(pod, "Normal", "Pulling", f'Pulling image "{image}"', container["name"])
        self._save(pod)
        seconds = STAGE_SECONDS["cached_pull"] if cached else behavior.pull_seconds
        self._later(seconds, pod, "pulled", index, seconds)

    def _image_cached(self, node_name: str, image: str) -> bool:
        node = self.cluster.store.get("Node", "", node_name)
        wanted = _image_name(image)
        return any(wanted in entry.get("names", []) for entry in (node or {}).get("status", {}).get("images", []))

    def _step_pull_failed(self, pod: Obj, index: int) -> None:
        container = self._container(pod, index)
        image = container.get("image", "")
        failure = self.catalog.resolve(image)
        if not isinstance(failure, PullFailure):
            self._start_container(pod, index)
            return
        self._event(pod, "Warning", "Failed", f'Failed to pull image "{image}": {failure.message}', container["name"])
        self._event(pod, "Warning", "Failed", "Error: ErrImagePull", container["name"])
        self._set_waiting(pod, index, "ErrImagePull", failure.message)
        self._save(pod)
        self._later(1.0, pod, "pull_backoff", index)

    def _step_pull_backoff(self, pod: Obj, index: int) -> None:
        container = self._container(pod, index)
        image = container.get("image", "")
        state = self._pod_state(pod)
        key = f"pull/{container['name']}"
        delay = state.get(key, BACKOFF_INITIAL / 2) * 2
        delay = min(delay, BACKOFF_MAX)
        state[key] = delay
        self._event(pod, "Normal", "BackOff", f'Back-off pulling image "{image}"', container["name"])
        self._event(pod, "Warning", "Failed", "Error: ImagePullBackOff", container["name"])
        self._set_waiting(pod, index, "ImagePullBackOff", f'Back-off pulling image "{image}"')
        self._save(pod)
        self._later(delay, pod, "pull_retry", index)

    def _step_pull_retry(self, pod: Obj, index: int) -> None:
        self._start_container(pod, index)

    def _step_pulled(self, pod: Obj, index: int, seconds: float) -> None:
        container = self._container(pod, index)
        image = container.get("image", "")
        behavior = self.catalog.resolve(image)
        took = self.cluster.delay(seconds)
        self._event(pod, "Normal", "Pulled",
                    f'Successfully pulled image "{image}" in {_go_duration(took)} ({_go_duration(took)} including '
                    f"waiting). Image size: {behavior.size_bytes} bytes.", container["name"])
        self._cache_image(pod["spec"]["nodeName"], image, behavior.size_bytes)
        self._step_create(pod, index)

    def _cache_image(self, node_name: str, image: str, size: int) -> None:
        node = self.cluster.store.get("Node", "", node_name)
        if node is None:
            return
        wanted = _image_name(image)
        images = node["status"].get("images", [])
        if any(wanted in entry.get("names", []) for entry in images):
            return
        updated = clone(node)
        repo = wanted.rsplit(":", 1)[0]
        updated["status"]["images"] = [*images, {"names": [f"{repo}@sha256:{_digest(wanted)}", wanted],
                                                 "sizeBytes": size}]
        self.cluster.store.update(updated, check_version=False)

    def _step_create(self, pod: Obj, index: int) -> None:
        container = self._container(pod, index)
        name = container["name"]
        missing = self._missing_env_source(pod, container)
        if missing:
            self._set_waiting(pod, index, "CreateContainerConfigError", missing)
            self._event(pod, "Warning", "Failed", f"Error: {missing}", name)
            self._save(pod)
            self._later(STAGE_SECONDS["config_retry"], pod, "create", index)
            return
        self._event(pod, "Normal", "Created", f"Created container: {name}", name)
        self._save(pod)
        self._later(STAGE_SECONDS["start"], pod, "started", index)

    def _step_started(self, pod: Obj, index: int) -> None:
        container = self._container(pod, index)
        name = container["name"]
        behavior = self.catalog.resolve(container.get("image", ""))
        run = self.catalog.run(behavior, container)
        statuses, pos = self._statuses(pod, index)
        previous = statuses[pos]
        image = _image_name(container.get("image", ""))
        container_id = "containerd://" + _digest(f"{pod['metadata']['uid']}/{name}/{previous.get('restartCount', 0)}")
        has_readiness = bool(container.get("readinessProbe"))
        statuses[pos] = {
            "containerID": container_id,
            "image": image,
            "imageID": f"{image.rsplit(':', 1)[0]}@sha256:{_digest(image)}",
            "lastState": previous.get("lastState", {}),
            "name": name,
            "ready": not has_readiness and not container.get("startupProbe"),
            "restartCount": previous.get("restartCount", 0),
            "started": not container.get("startupProbe"),
            "state": {"running": {"startedAt": self.cluster.timestamp()}},
        }
        self._event(pod, "Normal", "Started", f"Started container {name}", name)
        state = self._pod_state(pod)
        state[f"started/{name}"] = self.cluster.now
        state.pop(f"probe/{name}/readiness", None)
        state.pop(f"probe/{name}/liveness", None)
        if index >= INIT and container.get("restartPolicy") != "Always":
            statuses[pos]["ready"] = False
            statuses[pos]["started"] = False
            self._save(pod)
            if run.exits_after is not None:  # an init container that never exits holds the pod at Init:i/n
                self._later(run.exits_after, pod, "exited", index, run.exit_code)
            return
        if index >= INIT:
            # a sidecar (restartable init container) keeps running; the next container starts once it has
            self._save(pod)
            self._start_container(pod, index + 1)
            return
        if all("running" in s["state"] or "terminated" in s["state"] for s in statuses):
            pod["status"]["phase"] = "Running"
        self._refresh_ready(pod)
        self._save(pod)
        if run.exits_after is not None:
            self._later(run.exits_after, pod, "exited", index, run.exit_code)
        for kind in ("readiness", "liveness"):
            probe = container.get(f"{kind}Probe")
            if probe:
                self.cluster.clock.at(
                    self.cluster.now + max(probe.get("initialDelaySeconds", 0), 0) * self.cluster.settings.time_scale
                    + 0.05, "kubelet.step", pod["metadata"]["namespace"], pod["metadata"]["name"],
                    pod["metadata"]["uid"], "probe", index, kind, previous.get("restartCount", 0))
        self._start_container(pod, index + 1)

    def _set_waiting(self, pod: Obj, index: int, reason: str, message: str) -> None:
        container = self._container(pod, index)
        statuses, pos = self._statuses(pod, index)
        statuses[pos] = self._waiting_status(container, reason, message, statuses[pos])

    def _initialized(self, pod: Obj) -> None:
        """Every init container completed: Initialized, and the app containers start."""
        self._set_condition(pod, "Initialized", "True")
        pod["status"]["containerStatuses"] = [self._waiting_status(c, "ContainerCreating")
                                              for c in pod["spec"]["containers"]]
        self._save(pod)
        self._start_container(pod, 0)

    def _missing_env_source(self, pod: Obj, container: dict[str, Any]) -> str:
        """kubelet's makeEnvironmentVariables: a missing, non-optional Secret or ConfigMap stops the container."""
        store = self.cluster.store
        ns = pod["metadata"]["namespace"]
        refs = [((e.get("valueFrom") or {}).get("secretKeyRef"), "Secret", "secret") for e in container.get("env") or ()]
        refs += [((e.get("valueFrom") or {}).get("configMapKeyRef"), "ConfigMap", "configmap")
                 for e in container.get("env") or ()]
        refs += [(e.get("secretRef"), "Secret", "secret") for e in container.get("envFrom") or ()]
        refs += [(e.get("configMapRef"), "ConfigMap", "configmap") for e in container.get("envFrom") or ()]
        for ref, kind, word in refs:
            if ref and not ref.get("optional") and store.get(kind, ns, ref.get("name", "")) is None:
                return f'{word} "{ref.get("name", "")}" not found'
        return ""

    def _set_condition(self, pod: Obj, type_: str, value: str, reason: str = "", message: str = "") -> None:
        for cond in pod["status"]["conditions"]:
            if cond["type"] == type_:
                if cond["status"] != value:
                    cond["lastTransitionTime"] = self.cluster.timestamp()
                cond["status"] = value
                for key, text in (("reason", reason), ("message", message)):
                    if text:
                        cond[key] = text
                    else:
                        cond.pop(key, None)

    def _refresh_ready(self, pod: Obj) -> None:
        sidecars = {c["name"] for c in pod["spec"].get("initContainers") or [] if c.get("restartPolicy") == "Always"}
        statuses = [s for s in pod["status"].get("initContainerStatuses") or [] if s["name"] in sidecars]
        statuses += pod["status"]["containerStatuses"]
        unready = [s["name"] for s in statuses if not s.get("ready")]
        if unready:
            message = f"containers with unready status: [{' '.join(unready)}]"
            self._set_condition(pod, "ContainersReady", "False", "ContainersNotReady", message)
            self._set_condition(pod, "Ready", "False", "ContainersNotReady", message)
        else:
            self._set_condition(pod, "ContainersReady", "True")
            self._set_condition(pod, "Ready", "True")

    # ---- probes ---------------------------------------------------------------------------------------

    def _probe_result(self, pod: Obj, container: dict[str, Any], probe: dict[str, Any], kind: str) -> str:
        """'' on success, else the probe's failure output as the kubelet reports it."""
        ip = pod["status"].get("podIP", "")
        behavior = self.catalog.resolve(container.get("image", ""))
        http = probe.get("httpGet")
        tcp = probe.get("tcpSocket")
        handler = http or tcp
        if handler:
            port = self._resolve_port(handler["port"], container)
            path = (http or {}).get("path", "/")
            scheme = (http or {}).get("scheme", "HTTP").lower()
            answer = self.catalog.respond(behavior, container, port, path, pod, pod["status"].get("hostIP", ""),
                                          now=self.cluster.now)
            if answer is None:
                if http:
                    return (f'Get "{scheme}://{ip}:{port}{path}": dial tcp {ip}:{port}: connect: connection refused')
                return f"dial tcp {ip}:{port}: connect: connection refused"
            if http and not 200 <= answer[0] < 400:
                return f"HTTP probe failed with statuscode: {answer[0]}"
            return ""
        exec_ = probe.get("exec")
        if exec_:
            argv = [str(a) for a in exec_.get("command") or []]
            command = " ".join(argv)
            if command.strip() in ("false", "exit 1", "/bin/false"):
                return f"command {command!r} exited with 1: "
            if len(argv) == 2 and argv[0] == "cat" and not self._file_exists(pod, container, argv[1]):
                return f"cat: can't open '{argv[1]}': No such file or directory\n"
        return ""

    def _file_exists(self, pod: Obj, container: dict[str, Any], path: str) -> bool:
        """Whether the container's `touch F; sleep N; rm -f F` script has the file now (the docs' exec probe)."""
        timeline = _file_timeline(container, path)
        if timeline is None:
            return True  # a file the script does not manage: assume the image ships it
        started = self._pod_state(pod).get(f"started/{container['name']}", self.cluster.now)
        elapsed = (self.cluster.now - started) / self.cluster.settings.time_scale
        created, removed = timeline
        return created is not None and created <= elapsed and (removed is None or elapsed < removed)

    def _resolve_port(self, port: Any, container: dict[str, Any]) -> int:
        if isinstance(port, int):
            return port
        for p in container.get("ports") or ():
            if p.get("name") == port:
                return int(p["containerPort"])
        return 0

    def _step_probe(self, pod: Obj, index: int, kind: str, attempt: int) -> None:
        container = self._container(pod, index)
        statuses, pos = self._statuses(pod, index)
        status = statuses[pos]
        if status.get("restartCount", 0) != attempt or "running" not in status["state"]:
            return
        probe = container[f"{kind}Probe"]
        state = self._pod_state(pod)
        key = f"probe/{container['name']}/{kind}"
        successes, failures = state.get(key, [0, 0])
        failure = self._probe_result(pod, container, probe, kind)
        period = probe.get("periodSeconds", 10)
        threshold_ok, threshold_fail = probe.get("successThreshold", 1), probe.get("failureThreshold", 3)
        if failure:
            failures, successes = failures + 1, 0
            self._event(pod, "Warning", "Unhealthy", f"{kind.capitalize()} probe failed: {failure}",
                        container["name"])
        else:
            successes, failures = successes + 1, 0
        state[key] = [successes, failures]
        if kind == "readiness":
            if successes >= threshold_ok and not status["ready"]:
                status["ready"] = True
                self._refresh_ready(pod)
            elif failures >= threshold_fail and status["ready"]:
                status["ready"] = False
                self._refresh_ready(pod)
            self._save(pod)
            if status["ready"] and successes >= threshold_ok and not self._can_change(container):
                return  # steady success: nothing more to see until the container changes
        elif failures >= threshold_fail:
            self._event(pod, "Normal", "Killing",
                        f"Container {container['name']} failed liveness probe, will be restarted", container["name"])
            self._save(pod)
            self._step_exited(pod, index, 137 if not math.isfinite(self._stop_seconds(container)) else 0,
                              reason_override="Error" if not math.isfinite(self._stop_seconds(container)) else "")
            return
        elif not failure and not self._can_change(container):
            return
        self._repeat_probe(pod, index, kind, attempt, period, bool(failure))

    def _repeat_probe(self, pod: Obj, index: int, kind: str, attempt: int, period: float, failing: bool) -> None:
        """Schedule the next probe; a long idle stretch of identical failures is counted in one step."""
        step = period * self.cluster.settings.time_scale
        nxt = self.cluster.now + step
        remaining = self.cluster.until - nxt
        if failing and remaining > 20 * step:
            skipped = int(remaining // step) - 1
            nxt += skipped * step
            self._bump_last_event(pod, skipped)
        self.cluster.clock.at(nxt, "kubelet.step", pod["metadata"]["namespace"], pod["metadata"]["name"],
                              pod["metadata"]["uid"], "probe", index, kind, attempt)

    def _bump_last_event(self, pod: Obj, count: int) -> None:
        """Add `count` repeats to the pod's most recent Unhealthy event (the recorder's aggregation)."""
        events = [e for e in self.cluster.store.list("Event", pod["metadata"]["namespace"])
                  if e["involvedObject"].get("uid") == pod["metadata"]["uid"] and e["reason"] == "Unhealthy"]
        if not events:
            return
        latest = clone(max(events, key=lambda e: e["lastTimestamp"]))
        latest["count"] = latest.get("count", 1) + count
        self.cluster.store.update(latest, check_version=False)

    def _can_change(self, container: dict[str, Any]) -> bool:
        """Whether a probe's answer may change with time alone (agnhost liveness, a script that removes a file)."""
        behavior = self.catalog.resolve(container.get("image", ""))
        if isinstance(behavior, PullFailure):
            return False
        if self.catalog.run(behavior, container).program == "liveness":
            return True
        probe_commands = [((container.get(f"{k}Probe") or {}).get("exec") or {}).get("command") or []
                          for k in ("liveness", "readiness")]
        return any(len(c) == 2 and c[0] == "cat" and _file_timeline(container, str(c[1])) is not None
                   for c in probe_commands)

    def _stop_seconds(self, container: dict[str, Any]) -> float:
        behavior = self.catalog.resolve(container.get("image", ""))
        if isinstance(behavior, PullFailure):
            return 0.0
        stop: float = self.catalog.run(behavior, container).stop_seconds
        return stop

    # ---- exits and restarts ---------------------------------------------------------------------------

    def _step_exited(self, pod: Obj, index: int, exit_code: int, reason_override: str = "") -> None:
        statuses, pos = self._statuses(pod, index)
        previous = statuses[pos]
        started = previous["state"].get("running", {}).get("startedAt", self.cluster.timestamp())
        reason = reason_override or ("Completed" if exit_code == 0 else "Error")
        terminated = {"containerID": previous.get("containerID", ""), "exitCode": exit_code,
                      "finishedAt": self.cluster.timestamp(), "reason": reason, "startedAt": started}
        statuses[pos] = dict(previous, ready=False, started=False, state={"terminated": terminated})
        policy = pod["spec"].get("restartPolicy", "Always")
        if index >= INIT and exit_code == 0:
            self._save(pod)
            self._start_container(pod, index + 1)
            return
        if index < INIT:
            self._refresh_ready(pod)
        if policy == "Never" or (policy == "OnFailure" and exit_code == 0):
            if all("terminated" in s["state"] for s in statuses):
                codes = [s["state"]["terminated"]["exitCode"] for s in statuses]
                pod["status"]["phase"] = "Succeeded" if all(c == 0 for c in codes) else "Failed"
            self._save(pod)
            return
        self._save(pod)
        self._later(STAGE_SECONDS["restart_after_exit"], pod, "backoff", index)

    def _step_backoff(self, pod: Obj, index: int) -> None:
        container = self._container(pod, index)
        name = container["name"]
        state = self._pod_state(pod)
        key = f"crash/{name}"
        started = state.get(f"started/{name}", 0.0)
        delay = BACKOFF_INITIAL if self.cluster.now - started > BACKOFF_RESET else min(
            state.get(key, BACKOFF_INITIAL / 2) * 2, BACKOFF_MAX)
        state[key] = delay
        statuses, pos = self._statuses(pod, index)
        previous = statuses[pos]
        terminated = previous["state"].get("terminated", {})
        message = (f"back-off {_go_duration(delay)} restarting failed container={name} "
                   f"pod={pod['metadata']['name']}_{pod['metadata']['namespace']}({pod['metadata']['uid']})")
        statuses[pos] = dict(previous, state={"waiting": {"message": message, "reason": "CrashLoopBackOff"}},
                               lastState={"terminated": terminated}, restartCount=previous.get("restartCount", 0) + 1)
        self._event(pod, "Warning", "BackOff",
                    f"Back-off restarting failed container {name} in pod {pod['metadata']['name']}_"
                    f"{pod['metadata']['namespace']}({pod['metadata']['uid']})", name)
        self._save(pod)
        self._later(delay, pod, "restart", index)

    def _step_restart(self, pod: Obj, index: int) -> None:
        container = self._container(pod, index)
        self._event(pod, "Normal", "Pulled", f'Container image "{container.get("image", "")}" already present on '
                    "machine", container["name"])
        self._step_create(pod, index)

    # ---- termination ----------------------------------------------------------------------------------

    def _begin_termination(self, pod: Obj) -> None:
        state = self._pod_state(pod)
        grace = pod["metadata"].get("deletionGracePeriodSeconds", 30)
        if state.get("terminating") == grace:
            return
        state["terminating"] = grace
        longest = 0.0
        for index, container in enumerate(pod["spec"].get("containers") or []):
            status = ((pod.get("status") or {}).get("containerStatuses") or [{}] * (index + 1))[index]
            if "running" in (status.get("state") or {}):
                self._event(pod, "Normal", "Killing", f"Stopping container {container['name']}", container["name"])
                longest = max(longest, self._stop_seconds(container))
        seconds = min(longest, float(grace))
        self.cluster.clock.at(self.cluster.now + seconds, "kubelet.step", pod["metadata"]["namespace"],
                              pod["metadata"]["name"], pod["metadata"]["uid"], "stopped")

    def _step_stopped(self, pod: Obj) -> None:
        """Containers are gone: the kubelet deletes the pod object for good."""
        self.cluster.store.delete("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])


def own_status(pod: Obj) -> Obj:
    """A copy the kubelet may change: it writes only status, so spec and metadata are shared, not copied."""
    copy = dict(pod)
    copy["metadata"] = dict(pod["metadata"])
    copy["status"] = clone(pod.get("status") or {})
    return copy


def _file_timeline(container: dict[str, Any], path: str) -> tuple[float | None, float | None] | None:
    """When a `sh -c "touch F; sleep N; rm -f F; …"` script creates and removes F (seconds after start)."""
    argv = [str(a) for a in [*(container.get("command") or []), *(container.get("args") or [])]]
    script = argv[argv.index("-c") + 1] if "-c" in argv[:-1] else " ".join(argv)
    if path not in script:
        return None
    elapsed, created, removed = 0.0, None, None
    for statement in script.replace("&&", ";").split(";"):
        words = statement.split()
        if len(words) >= 2 and words[0] == "sleep":
            try:
                elapsed += float(words[1])
            except ValueError:
                return None
        elif words[:1] == ["touch"] and path in words:
            created = elapsed if created is None else created
        elif words[:1] == ["rm"] and path in words:
            removed = elapsed
    return created, removed


def _go_duration(seconds: float) -> str:
    """time.Duration.String() for the values the kubelet prints (ms below a second, else s / m s)."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    if seconds < 60:
        text = f"{seconds:.3f}".rstrip("0").rstrip(".")
        return f"{text}s"
    minutes = int(seconds // 60)
    rest = seconds - minutes * 60
    text = f"{rest:.3f}".rstrip("0").rstrip(".")
    return f"{minutes}m{text}s"
