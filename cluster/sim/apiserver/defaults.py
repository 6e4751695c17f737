"""API defaulting as the v1.32 apiserver does it (SetDefaults_*), and what admission adds to new Pods."""

from __future__ import annotations

import base64
import random
from typing import Any

from cluster.sim.images.reference import parse_normalized_named

Obj = dict[str, Any]

ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"  # apimachinery/pkg/util/rand
SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
DEFAULT_TOLERATION_SECONDS = 300
CLIENT_IP_AFFINITY_SECONDS = 10800
SYSTEM_PRIORITIES = {"system-cluster-critical": 2000000000, "system-node-critical": 2000001000}


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[Obj]:
    """The dict items of a list field, skipping anything malformed (validation reports it)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def image_tag(image: str) -> str:
    """The tag ParseImageName finds: `latest` when neither tag nor digest is given, "" when unparsable."""
    ref = parse_normalized_named(image)
    if isinstance(ref, str) or len(image) > 255:
        return ""
    return ref.tag


def default_container(container: Obj) -> None:
    """mirrors SetDefaults_Container, SetDefaults_ContainerPort, SetDefaults_Probe, SetDefaults_HTTPGetAction."""
    if not container.get("imagePullPolicy"):
        image = container.get("image")
        tag = image_tag(image) if isinstance(image, str) else ""
        container["imagePullPolicy"] = "Always" if tag == "latest" else "IfNotPresent"
    if not container.get("terminationMessagePath"):
        container["terminationMessagePath"] = "/dev/termination-log"
    if not container.get("terminationMessagePolicy"):
        container["terminationMessagePolicy"] = "File"
    for port in _dicts(container.get("ports")):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
    for name in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(name)
        if isinstance(probe, dict):
            for field, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                                 ("failureThreshold", 3)):
                if not probe.get(field):
                    probe[field] = value
            _default_http_get(probe)
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            if isinstance(lifecycle.get(hook), dict):
                _default_http_get(lifecycle[hook])
    for env in _dicts(container.get("env")):
        source = env.get("valueFrom")
        if isinstance(source, dict) and isinstance(source.get("fieldRef"), dict):
            source["fieldRef"].setdefault("apiVersion", "v1")


def _default_http_get(handler: Obj) -> None:
    action = handler.get("httpGet")
    if isinstance(action, dict):
        if not action.get("path"):
            action["path"] = "/"
        if not action.get("scheme"):
            action["scheme"] = "HTTP"


def _default_volume(volume: Obj) -> None:
    """mirrors SetDefaults_Volume and the *VolumeSource defaulters (defaultMode 0644 = 420)."""
    sources = [k for k in volume if k != "name"]
    if not sources:
        volume["emptyDir"] = {}
    for name in ("secret", "configMap", "projected", "downwardAPI"):
        source = volume.get(name)
        if isinstance(source, dict) and source.get("defaultMode") is None:
            source["defaultMode"] = 420
    host_path = volume.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""
    projected = volume.get("projected")
    if isinstance(projected, dict):
        for source in _dicts(projected.get("sources")):
            token = source.get("serviceAccountToken")
            if isinstance(token, dict) and token.get("expirationSeconds") is None:
                token["expirationSeconds"] = 3600
    for holder in (volume.get("downwardAPI"), *[s.get("downwardAPI") for s in _dicts(
            projected.get("sources") if isinstance(projected, dict) else None)]):
        if isinstance(holder, dict):
            for item in _dicts(holder.get("items")):
                if isinstance(item.get("fieldRef"), dict):
                    item["fieldRef"].setdefault("apiVersion", "v1")


def default_pod_spec(spec: Obj) -> None:
    """mirrors SetDefaults_PodSpec and the container/volume defaulters it reaches."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    for field in ("containers", "initContainers", "ephemeralContainers"):
        for container in _dicts(spec.get(field)):
            default_container(container)
    for volume in _dicts(spec.get("volumes")):
        _default_volume(volume)


def _default_pod(pod: Obj) -> None:
    """mirrors SetDefaults_Pod: requests from limits, enableServiceLinks, host ports on the host network."""
    spec = _spec(pod)
    default_pod_spec(spec)
    for field in ("containers", "initContainers"):
        for container in _dicts(spec.get(field)):
            resources = container.get("resources")
            if isinstance(resources, dict) and isinstance(resources.get("limits"), dict):
                requests = resources.get("requests")
                if not isinstance(requests, dict):
                    requests = resources["requests"] = {}
                for key, value in resources["limits"].items():
                    requests.setdefault(key, value)
            if spec.get("hostNetwork") is True:
                for port in _dicts(container.get("ports")):
                    if not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort")
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True


def _default_template(owner: Obj) -> None:
    template = _spec(owner).get("template")
    if isinstance(template, dict):
        if not isinstance(template.get("spec"), dict):
            template["spec"] = {}
        default_pod_spec(template["spec"])


def _default_deployment(deployment: Obj) -> None:
    """mirrors apps/v1 SetDefaults_Deployment."""
    spec = _spec(deployment)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    strategy = spec.get("strategy")
    if not isinstance(strategy, dict):
        strategy = spec["strategy"] = {}
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if not isinstance(rolling, dict):
            rolling = strategy["rollingUpdate"] = {}
        for field in ("maxUnavailable", "maxSurge"):
            if rolling.get(field) is None:
                rolling[field] = "25%"
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    _default_template(deployment)


def _default_replica_set(replica_set: Obj) -> None:
    spec = _spec(replica_set)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _default_template(replica_set)


def externally_accessible(service: Obj) -> bool:
    """mirrors service.ExternallyAccessible."""
    spec = service.get("spec") or {}
    kind = spec.get("type")
    return kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and bool(spec.get("externalIPs")))


def _default_service(service: Obj) -> None:
    """mirrors SetDefaults_Service."""
    spec = _spec(service)
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client_ip = config.get("clientIP") if isinstance(config, dict) else None
        if not isinstance(client_ip, dict) or client_ip.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": CLIENT_IP_AFFINITY_SECONDS}}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in _dicts(spec.get("ports")):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port") or 0
    if externally_accessible(service) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in ("ClusterIP", "NodePort", "LoadBalancer"):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is None:
            spec["allocateLoadBalancerNodePorts"] = True
        status = service.get("status")
        balancer = status.get("loadBalancer") if isinstance(status, dict) else None
        for ingress in _dicts(balancer.get("ingress") if isinstance(balancer, dict) else None):
            if ingress.get("ip") and ingress.get("ipMode") is None:
                ingress["ipMode"] = "VIP"


def _default_namespace(namespace: Obj) -> None:
    """mirrors SetDefaults_Namespace, plus what the namespace strategy sets on create (finalizer, phase)."""
    meta = namespace.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("name"), str) and meta["name"]:
        labels = meta.get("labels")
        if not isinstance(labels, dict):
            labels = meta["labels"] = {}
        labels["kubernetes.io/metadata.name"] = meta["name"]
    spec = _spec(namespace)
    if spec.get("finalizers") is None:
        spec["finalizers"] = ["kubernetes"]
    status = namespace.get("status")
    if not isinstance(status, dict):
        status = namespace["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Active"


def _default_secret(secret: Obj) -> None:
    """SetDefaults_Secret (type Opaque) and the v1 conversion that folds stringData into data."""
    if not secret.get("type"):
        secret["type"] = "Opaque"
    string_data = secret.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        data = secret.get("data")
        if not isinstance(data, dict):
            data = secret["data"] = {}
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()


def _default_endpoint_ports(ports: Any, name: bool) -> None:
    for port in _dicts(ports):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if name and port.get("name") is None:
            port["name"] = ""


def _default_node(node: Obj) -> None:
    """mirrors SetDefaults_NodeStatus: allocatable defaults to capacity."""
    status = node.get("status")
    if isinstance(status, dict) and status.get("allocatable") is None and isinstance(status.get("capacity"), dict):
        status["allocatable"] = dict(status["capacity"])


def apply_defaults(obj: Obj) -> None:
    """Fill in defaults in place, as the v1.32 apiserver's SetDefaults_* functions do on every write."""
    kind = obj.get("kind")
    if kind == "Pod":
        _default_pod(obj)
    elif kind == "Deployment":
        _default_deployment(obj)
    elif kind == "ReplicaSet":
        _default_replica_set(obj)
    elif kind == "Service":
        _default_service(obj)
    elif kind == "Namespace":
        _default_namespace(obj)
    elif kind == "Secret":
        _default_secret(obj)
    elif kind == "Endpoints":
        for subset in _dicts(obj.get("subsets")):
            _default_endpoint_ports(subset.get("ports"), name=False)
    elif kind == "EndpointSlice":
        _default_endpoint_ports(obj.get("ports"), name=True)
    elif kind == "Node":
        _default_node(obj)


def _tolerates(tolerations: list[Obj], key: str) -> bool:
    return any(t.get("key", "") in (key, "") and t.get("effect", "") in ("NoExecute", "") for t in tolerations)


def admit_pod(pod: Obj, rng: random.Random) -> None:
    """What admission adds to a Pod created through the API: service account, token volume, tolerations, priority.

    mirrors the ServiceAccount, DefaultTolerationSeconds and Priority admission plugins [K].
    """
    spec = _spec(pod)
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = spec.get("serviceAccount") or "default"
    # the v1 conversion mirrors serviceAccountName into the deprecated serviceAccount field
    spec["serviceAccount"] = spec["serviceAccountName"]

    if spec.get("automountServiceAccountToken") is not False:
        volume_name = "kube-api-access-" + "".join(rng.choice(ALPHANUMS) for _ in range(5))
        volumes = _list(spec.get("volumes"))
        volumes.append({
            "name": volume_name,
            "projected": {
                "defaultMode": 420,
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                    {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                                "path": "namespace"}]}},
                ],
            },
        })
        spec["volumes"] = volumes
        for field in ("initContainers", "containers"):
            for container in _dicts(spec.get(field)):
                mounts = _list(container.get("volumeMounts"))
                if any(isinstance(m, dict) and m.get("mountPath") == SERVICE_ACCOUNT_MOUNT for m in mounts):
                    continue
                mounts.append({"mountPath": SERVICE_ACCOUNT_MOUNT, "name": volume_name, "readOnly": True})
                container["volumeMounts"] = mounts

    tolerations = _list(spec.get("tolerations"))
    existing = _dicts(tolerations)
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not _tolerates(existing, key):
            tolerations.append({"effect": "NoExecute", "key": key, "operator": "Exists",
                                "tolerationSeconds": DEFAULT_TOLERATION_SECONDS})
    spec["tolerations"] = tolerations

    if spec.get("priority") is None:
        spec["priority"] = SYSTEM_PRIORITIES.get(spec.get("priorityClassName") or "", 0)
    if not spec.get("preemptionPolicy"):
        spec["preemptionPolicy"] = "PreemptLowerPriority"
