"""The kubelets of every node: pod sandboxes and IPs, image pulls, containers, probes, back-off, termination.

Lifecycle as data: the stages a pod goes through, with their delays, are the table in stages.py (a lesson
overrides them with Settings.stages and scales them with Settings.time_scale); what an image does (pull time,
ports, how it takes SIGTERM, whether it exits) comes from the image catalog. Each timer names a stage; its
action, one of the methods in `Kubelet.actions`, writes the pod's status and schedules the next stage.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import Any

from cluster.sim.apiserver.allocators import host_local_next
from cluster.sim.apiserver.store import Obj, clone
from cluster.sim.controllers.base import ClusterContext, Controller
from cluster.sim.controllers.kubelet.stages import Slot, Stages
from cluster.sim.images.catalog import Catalog, PullFailure
from cluster.sim.images.reference import Reference, parse_normalized_named

COMPONENT = "kubelet"
TIMER = "kubelet.step"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _image_name(image: str) -> str:
    """repository:tag as containerStatuses.image and the node's image list show it (docker.io/library/nginx:latest)."""
    ref = parse_normalized_named(image)
    return ref.tagged if isinstance(ref, Reference) else image


class Kubelet(Controller):
    name = "kubelet"

    def __init__(self, cluster: ClusterContext) -> None:
        super().__init__(cluster)
        self._used_ips: dict[str, set[str]] | None = None
        self._catalog: Any = None
        self.stages = Stages(cluster.settings.stages)
        self.actions: dict[str, Callable[..., None]] = {
            "set_up_sandbox": self._set_up_sandbox,
            "pull_image": self._pull_image,
            "fail_pull": self._fail_pull,
            "back_off_pull": self._back_off_pull,
            "finish_pull": self._finish_pull,
            "create_container": self._create_container,
            "start_container": self._start_container,
            "probe": self._probe,
            "end_container": self._end_container,
            "back_off_restart": self._back_off_restart,
            "restart_container": self._restart_container,
            "delete_pod": self._delete_pod,
        }

    @property
    def catalog(self) -> Any:
        if self._catalog is None:
            self._catalog = Catalog(self.cluster.settings.images)
        return self._catalog

    def timers(self) -> dict[str, Any]:
        return {TIMER: self.step}

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
            changed = _changed_images(obj, old)
            if changed and (obj.get("status") or {}).get("hostIP") and not meta.get("deletionTimestamp"):
                pending = self._pod_state(obj).setdefault("changed", [])
                pending.extend(n for n in changed if n not in pending)
                self.enqueue((meta["namespace"], meta["name"]))
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

    def _schedule(self, pod: Obj, stage: str, *args: Any, after: float | None = None) -> None:
        """Run the stage's action after its delay (or `after` seconds), scaled by time_scale, with jitter."""
        seconds = self.stages.delay(stage) if after is None else after
        jitter = self.cluster.rng.randrange(4) / 10 if seconds > 0 else 0.0
        self._at(self.cluster.now + self.cluster.delay(seconds + jitter), pod, stage, *args)

    def _at(self, when: float, pod: Obj, stage: str, *args: Any) -> None:
        """A timer for a stage; one about a container names the container's generation (`pulled#1`)."""
        meta = pod["metadata"]
        if args and isinstance(args[0], Slot):
            generation = self._generation(pod, self._container(pod, args[0])["name"])
            if generation:
                stage = f"{stage}#{generation}"
        self.cluster.clock.at(when, TIMER, meta["namespace"], meta["name"], meta["uid"], stage, *args)

    def _generation(self, pod: Obj, container_name: str) -> int:
        """How many times a container's definition (its image) changed: stages of an older one are stale."""
        generation: int = self._pod_state(pod).get(f"generation/{container_name}", 0)
        return generation

    def _backoff(self, stage: str, previous: float | None) -> float:
        """flowcontrol.Backoff.Next: the stage's delay first, then twice the previous one, at most its max."""
        cap = self.stages[stage].max
        delay = self.stages.delay(stage) if previous is None else previous * 2
        return delay if cap is None else min(delay, cap)

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
            return
        changed = self._pod_state(pod).pop("changed", None)
        if changed:
            self._restart_changed(own_status(pod), changed)

    def _restart_changed(self, pod: Obj, names: list[str]) -> None:
        """mirrors computePodActions: a container whose image changed is killed and started with the new one."""
        for position, container in enumerate(pod["spec"].get("containers") or []):
            slot = Slot("containers", position)
            statuses, pos = self._statuses(pod, slot)
            if container["name"] not in names or pos >= len(statuses):
                continue
            state = self._pod_state(pod)
            key = f"generation/{container['name']}"
            state[key] = state.get(key, 0) + 1
            previous = statuses[pos]
            running = previous["state"].get("running")
            if running is None and "terminated" not in previous["state"]:
                # no container of it exists now (pulling, back-off, an image it could not pull): start over
                statuses[pos] = self._waiting_status(container, "ContainerCreating", previous=previous)
                self._pull_image(pod, slot)
                continue
            if running is not None:
                self._event(pod, "Normal", "Killing",
                            f"Container {container['name']} definition changed, will be restarted", container["name"])
                terminated = {"containerID": previous.get("containerID", ""), "exitCode": 0,
                              "finishedAt": self.cluster.timestamp(), "reason": "Completed",
                              "startedAt": running.get("startedAt", self.cluster.timestamp())}
                previous = dict(previous, lastState={"terminated": terminated})
            statuses[pos] = dict(self._waiting_status(container, "ContainerCreating", previous=previous),
                                 restartCount=previous.get("restartCount", 0) + 1)
            self._refresh_ready(pod)
            self._pull_image(pod, slot)

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
        self._schedule(pod, "sandbox")

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

    # ---- stages ---------------------------------------------------------------------------------------

    def step(self, ns: str, name: str, uid: str, stage: str, *args: Any) -> None:
        """A stage's timer fired: run its action on the pod, unless the pod is gone or (but for `stopped`) going."""
        pod = self._fresh(ns, name, uid)
        if pod is None:
            return
        if pod["metadata"].get("deletionTimestamp") and stage != "stopped":
            return
        if args and isinstance(args[0], list | tuple):
            args = (Slot(*args[0]), *args[1:])  # a snapshot keeps a Slot as a JSON list
        stage, _, generation = stage.partition("#")
        if args and isinstance(args[0], Slot):
            if args[0].position >= len(pod["spec"].get(args[0].field) or []):
                return
            if int(generation or 0) != self._generation(pod, self._container(pod, args[0])["name"]):
                return  # scheduled for the container before its image changed
        self.actions[self.stages[stage].action](own_status(pod), *args)

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

    def _set_up_sandbox(self, pod: Obj) -> None:
        """Mount the volumes, give the pod its IP, then start the first (init) container."""
        missing = self._missing_volume(pod)
        state = self._pod_state(pod)
        if missing:
            volume, kind, ref = missing
            state["waiting_for"] = f"{kind}/{ref}"
            self._event(pod, "Warning", "FailedMount",
                        f'MountVolume.SetUp failed for volume "{volume}" : {kind} "{ref}" not found')
            self._schedule(pod, "mount_retry")
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
        self._pull_image(pod, Slot("initContainers" if pod["spec"].get("initContainers") else "containers", 0))

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

    def _container(self, pod: Obj, slot: Slot) -> dict[str, Any]:
        container: dict[str, Any] = pod["spec"][slot.field][slot.position]
        return container

    def _statuses(self, pod: Obj, slot: Slot) -> tuple[list[dict[str, Any]], int]:
        """The status list a slot lives in, and its position there."""
        statuses: list[dict[str, Any]] = pod["status"][slot.status_field]
        return statuses, slot.position

    def _pull_image(self, pod: Obj, slot: Slot) -> None:
        """Pull (per imagePullPolicy and the node's cache), then create and start; past the last init container,
        the pod is initialized."""
        if slot.position >= len(pod["spec"].get(slot.field) or []):
            if slot.init:
                self._initialized(pod)
            return
        container = self._container(pod, slot)
        image = container.get("image", "")
        behavior = self.catalog.resolve(image)
        if isinstance(behavior, PullFailure):
            if behavior.reason == "InvalidImageName":
                self._set_waiting(pod, slot, "InvalidImageName", behavior.message)
                self._event(pod, "Warning", "InspectFailed", behavior.message, container["name"])
                self._event(pod, "Warning", "Failed", "Error: InvalidImageName", container["name"])
                self._save(pod)
                return
            self._event(pod, "Normal", "Pulling", f'Pulling image "{image}"', container["name"])
            self._save(pod)
            self._schedule(pod, "pull_failed", slot)
            return
        cached = self._image_cached(pod["spec"]["nodeName"], image)
        policy = container.get("imagePullPolicy", "IfNotPresent")
        if policy == "Never" and not cached:
            message = f'Container image "{image}" is not present with pull policy of Never'
            self._set_waiting(pod, slot, "ErrImageNeverPull", message)
            self._event(pod, "Warning", "ErrImageNeverPull", message, container["name"])
            self._event(pod, "Warning", "Failed", "Error: ErrImageNeverPull", container["name"])
            self._save(pod)
            return
        if cached and policy != "Always":
            self._event(pod, "Normal", "Pulled", f'Container image "{image}" already present on machine',
                        container["name"])
            self._save(pod)
            self._schedule(pod, "create", slot)
            return
        self._event(pod, "Normal", "Pulling", f'Pulling image "{image}"', container["name"])
        self._save(pod)
        if cached:
            seconds = self.stages.delay("cached_pull")
            self._schedule(pod, "cached_pull", slot, seconds, image)
        else:
            self._schedule(pod, "pulled", slot, behavior.pull_seconds, image, after=behavior.pull_seconds)

    def _image_cached(self, node_name: str, image: str) -> bool:
        node = self.cluster.store.get("Node", "", node_name)
        wanted = _image_name(image)
        return any(wanted in entry.get("names", []) for entry in (node or {}).get("status", {}).get("images", []))

    def _fail_pull(self, pod: Obj, slot: Slot) -> None:
        container = self._container(pod, slot)
        image = container.get("image", "")
        failure = self.catalog.resolve(image)
        if not isinstance(failure, PullFailure):
            self._pull_image(pod, slot)
            return
        self._event(pod, "Warning", "Failed", f'Failed to pull image "{image}": {failure.message}', container["name"])
        self._event(pod, "Warning", "Failed", "Error: ErrImagePull", container["name"])
        self._set_waiting(pod, slot, "ErrImagePull", failure.message)
        self._save(pod)
        self._schedule(pod, "pull_backoff", slot)

    def _back_off_pull(self, pod: Obj, slot: Slot) -> None:
        container = self._container(pod, slot)
        image = container.get("image", "")
        state = self._pod_state(pod)
        key = f"pull/{container['name']}"
        delay = self._backoff("pull_retry", state.get(key))
        state[key] = delay
        self._event(pod, "Normal", "BackOff", f'Back-off pulling image "{image}"', container["name"])
        self._event(pod, "Warning", "Failed", "Error: ImagePullBackOff", container["name"])
        self._set_waiting(pod, slot, "ImagePullBackOff", f'Back-off pulling image "{image}"')
        self._save(pod)
        self._schedule(pod, "pull_retry", slot, after=delay)

    def _finish_pull(self, pod: Obj, slot: Slot, seconds: float, pulled: str | None = None) -> None:
        container = self._container(pod, slot)
        image = container.get("image", "") if pulled is None else pulled
        behavior = self.catalog.resolve(image)
        if isinstance(behavior, PullFailure) or image != container.get("image", ""):
            self._pull_image(pod, slot)  # the spec changed while pulling: the new image's turn
            return
        took = self.cluster.delay(seconds)
        self._event(pod, "Normal", "Pulled",
                    f'Successfully pulled image "{image}" in {_go_duration(took)} ({_go_duration(took)} including '
                    f"waiting). Image size: {behavior.size_bytes} bytes.", container["name"])
        self._cache_image(pod["spec"]["nodeName"], image, behavior.size_bytes)
        self._create_container(pod, slot)

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

    def _create_container(self, pod: Obj, slot: Slot) -> None:
        container = self._container(pod, slot)
        name = container["name"]
        missing = self._missing_env_source(pod, container)
        if missing:
            self._set_waiting(pod, slot, "CreateContainerConfigError", missing)
            self._event(pod, "Warning", "Failed", f"Error: {missing}", name)
            self._save(pod)
            self._schedule(pod, "config_retry", slot)
            return
        self._event(pod, "Normal", "Created", f"Created container: {name}", name)
        self._save(pod)
        self._schedule(pod, "started", slot)

    def _start_container(self, pod: Obj, slot: Slot) -> None:
        container = self._container(pod, slot)
        name = container["name"]
        behavior = self.catalog.resolve(container.get("image", ""))
        if isinstance(behavior, PullFailure):
            self._pull_image(pod, slot)
            return
        run = self.catalog.run(behavior, container)
        statuses, pos = self._statuses(pod, slot)
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
        if slot.init and container.get("restartPolicy") != "Always":
            statuses[pos]["ready"] = False
            statuses[pos]["started"] = False
            self._save(pod)
            if run.exits_after is not None:  # an init container that never exits holds the pod at Init:i/n
                self._schedule(pod, "exited", slot, run.exit_code, after=run.exits_after)
            return
        if slot.init:
            # a sidecar (restartable init container) keeps running; the next container starts once it has
            self._save(pod)
            self._pull_image(pod, slot.next())
            return
        if all("running" in s["state"] or "terminated" in s["state"] for s in statuses):
            pod["status"]["phase"] = "Running"
        self._refresh_ready(pod)
        self._save(pod)
        if run.exits_after is not None:
            self._schedule(pod, "exited", slot, run.exit_code, after=run.exits_after)
        for kind in ("readiness", "liveness"):
            probe = container.get(f"{kind}Probe")
            if probe:
                initial_delay = max(probe.get("initialDelaySeconds", 0), 0) * self.cluster.settings.time_scale
                self._at(self.cluster.now + initial_delay + 0.05, pod, "probe", slot, kind,
                         previous.get("restartCount", 0))
        self._pull_image(pod, slot.next())

    def _set_waiting(self, pod: Obj, slot: Slot, reason: str, message: str) -> None:
        container = self._container(pod, slot)
        statuses, pos = self._statuses(pod, slot)
        statuses[pos] = self._waiting_status(container, reason, message, statuses[pos])

    def _initialized(self, pod: Obj) -> None:
        """Every init container completed: Initialized, and the app containers start."""
        self._set_condition(pod, "Initialized", "True")
        pod["status"]["containerStatuses"] = [self._waiting_status(c, "ContainerCreating")
                                              for c in pod["spec"]["containers"]]
        self._save(pod)
        self._pull_image(pod, Slot("containers", 0))

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
        if isinstance(behavior, PullFailure):
            behavior = None
        http = probe.get("httpGet")
        tcp = probe.get("tcpSocket")
        handler = http or tcp
        if handler:
            port = self._resolve_port(handler["port"], container)
            path = (http or {}).get("path", "/")
            scheme = (http or {}).get("scheme", "HTTP").lower()
            answer = None if behavior is None else self.catalog.respond(
                behavior, container, port, path, pod, pod["status"].get("hostIP", ""), now=self.cluster.now)
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

    def _probe(self, pod: Obj, slot: Slot, kind: str, attempt: int) -> None:
        container = self._container(pod, slot)
        statuses, pos = self._statuses(pod, slot)
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
            self._end_container(pod, slot, 137 if not math.isfinite(self._stop_seconds(container)) else 0,
                              reason_override="Error" if not math.isfinite(self._stop_seconds(container)) else "")
            return
        elif not failure and not self._can_change(container):
            return
        self._repeat_probe(pod, slot, kind, attempt, period, bool(failure))

    def _repeat_probe(self, pod: Obj, slot: Slot, kind: str, attempt: int, period: float, failing: bool) -> None:
        """Schedule the next probe; a long idle stretch of identical failures is counted in one step."""
        step = period * self.cluster.settings.time_scale
        nxt = self.cluster.now + step
        remaining = self.cluster.until - nxt
        if failing and remaining > 20 * step:
            skipped = int(remaining // step) - 1
            nxt += skipped * step
            self._bump_last_event(pod, skipped)
        self._at(nxt, pod, "probe", slot, kind, attempt)

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

    def _end_container(self, pod: Obj, slot: Slot, exit_code: int, reason_override: str = "") -> None:
        statuses, pos = self._statuses(pod, slot)
        previous = statuses[pos]
        started = previous["state"].get("running", {}).get("startedAt", self.cluster.timestamp())
        reason = reason_override or ("Completed" if exit_code == 0 else "Error")
        terminated = {"containerID": previous.get("containerID", ""), "exitCode": exit_code,
                      "finishedAt": self.cluster.timestamp(), "reason": reason, "startedAt": started}
        statuses[pos] = dict(previous, ready=False, started=False, state={"terminated": terminated})
        policy = pod["spec"].get("restartPolicy", "Always")
        if slot.init and exit_code == 0:
            self._save(pod)
            self._pull_image(pod, slot.next())
            return
        if not slot.init:
            self._refresh_ready(pod)
        if policy == "Never" or (policy == "OnFailure" and exit_code == 0):
            if all("terminated" in s["state"] for s in statuses):
                codes = [s["state"]["terminated"]["exitCode"] for s in statuses]
                pod["status"]["phase"] = "Succeeded" if all(c == 0 for c in codes) else "Failed"
            self._save(pod)
            return
        self._save(pod)
        self._schedule(pod, "backoff", slot)

    def _back_off_restart(self, pod: Obj, slot: Slot) -> None:
        container = self._container(pod, slot)
        name = container["name"]
        state = self._pod_state(pod)
        key = f"crash/{name}"
        started = state.get(f"started/{name}", 0.0)
        # mirrors flowcontrol.Backoff's GC: a container that ran longer than twice the cap starts over
        cap = self.stages["restart"].max
        ran_long = cap is not None and self.cluster.now - started > 2 * cap
        delay = self._backoff("restart", None if ran_long else state.get(key))
        state[key] = delay
        statuses, pos = self._statuses(pod, slot)
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
        self._schedule(pod, "restart", slot, after=delay)

    def _restart_container(self, pod: Obj, slot: Slot) -> None:
        container = self._container(pod, slot)
        if isinstance(self.catalog.resolve(container.get("image", "")), PullFailure):
            self._pull_image(pod, slot)
            return
        self._event(pod, "Normal", "Pulled", f'Container image "{container.get("image", "")}" already present on '
                    "machine", container["name"])
        self._create_container(pod, slot)

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
        self._at(self.cluster.now + seconds, pod, "stopped")

    def _delete_pod(self, pod: Obj) -> None:
        """Containers are gone: the kubelet deletes the pod object for good."""
        self.cluster.store.delete("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])


def upgrade_v1_timer(args: list[Any]) -> list[Any]:
    """A timer from a version-1 snapshot, which numbered app containers from 0 and init containers from 10 000."""
    ns, name, uid, stage, *rest = args
    if rest and isinstance(rest[0], int):
        number = rest[0]
        rest[0] = list(Slot("initContainers", number - 10_000) if number >= 10_000 else Slot("containers", number))
    return [ns, name, uid, stage, *rest]


def _changed_images(pod: Obj, old: Obj | None) -> list[str]:
    """The app containers whose image a pod update changed (the only container field a pod update may change)."""
    if old is None:
        return []
    before = {c.get("name"): c.get("image") for c in (old.get("spec") or {}).get("containers") or []
              if isinstance(c, dict)}
    return [c["name"] for c in pod["spec"].get("containers") or []
            if c.get("name") in before and before[c.get("name")] != c.get("image")]


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
