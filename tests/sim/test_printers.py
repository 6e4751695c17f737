"""kubectl get as a learner sees it: tables, wide, -A, labels, names, yaml and json, against golden files."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from cluster.sim.apimachinery.timeutil import parse_rfc3339
from cluster.sim.apiserver.tables import pod_status, table
from cluster.sim.kubectl.printers import get_output, name_of, no_resources_message, render_table, to_yaml

NOW = parse_rfc3339("2026-11-24T10:30:00Z")
DEPLOYED = "2026-11-24T10:00:00Z"
HASH = "5b6d8f9c47"  # pod-template-hashes only use [4-9bcdf]
RS = f"httpd-{HASH}"
CLUSTER_IP = "10.108.236.129"


class FakeReader:
    """A dict-backed stand-in for the store: objects by kind, filtered like the API server would."""

    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.objects = objects

    def get(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        for obj in self.objects:
            meta = obj["metadata"]
            if obj["kind"] == kind and meta["name"] == name and meta.get("namespace", "") == (namespace or ""):
                return obj
        return None

    def list(self, kind: str, namespace: str | None = None,
             selector: dict[str, str] | None = None) -> list[dict[str, Any]]:
        found = []
        for obj in self.objects:
            meta = obj["metadata"]
            if obj["kind"] != kind or (namespace is not None and meta.get("namespace") != namespace):
                continue
            labels = meta.get("labels") or {}
            if all(labels.get(k) == v for k, v in (selector or {}).items()):
                found.append(obj)
        return found


def node(name: str, ip: str, cidr: str, control_plane: bool = False) -> dict[str, Any]:
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
              "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    conditions = [
        {"type": t, "status": "False", "reason": r, "message": m, "lastHeartbeatTime": "2026-11-24T10:29:10Z",
         "lastTransitionTime": "2026-11-24T09:00:00Z"}
        for t, r, m in (("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                        ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                        ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"))
    ]
    conditions.append({"type": "Ready", "status": "True", "reason": "KubeletReady",
                       "message": "kubelet is posting ready status", "lastHeartbeatTime": "2026-11-24T10:29:10Z",
                       "lastTransitionTime": "2026-11-24T09:00:30Z"})
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "uid": f"uid-{name}", "creationTimestamp": "2026-11-24T09:00:00Z",
                     "labels": labels,
                     "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                     "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": {"podCIDR": cidr, "podCIDRs": [cidr], "providerID": f"kind://docker/podium/{name}",
                 **({"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}
                    if control_plane else {})},
        "status": {
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "capacity": {"cpu": "4", "ephemeral-storage": "102625208Ki", "hugepages-1Gi": "0",
                         "hugepages-2Mi": "0", "memory": "8025424Ki", "pods": "110"},
            "allocatable": {"cpu": "4", "ephemeral-storage": "102625208Ki", "hugepages-1Gi": "0",
                            "hugepages-2Mi": "0", "memory": "8025424Ki", "pods": "110"},
            "conditions": conditions,
            "nodeInfo": {"machineID": "8f2c1e0d4b6a4d3e9c7b5a3f1e2d4c6b", "systemUUID": f"sys-{name}",
                         "bootID": "0b5d8c1e-2f4a-4b6c-8d0e-1f3a5b7c9d2e", "kernelVersion": "6.8.0-48-generic",
                         "osImage": "Debian GNU/Linux 12 (bookworm)", "operatingSystem": "linux",
                         "architecture": "amd64", "containerRuntimeVersion": "containerd://1.7.24",
                         "kubeletVersion": "v1.32.2", "kubeProxyVersion": "v1.32.2"},
        },
    }


def token_volume(suffix: str) -> dict[str, Any]:
    return {"name": f"kube-api-access-{suffix}", "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace",
                                    "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
    ]}}


TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]


def pod(name: str, image: str, *, node_name: str = "podium-worker", host_ip: str = "172.18.0.3",
        ip: str | None = "10.244.1.2", labels: dict[str, str] | None = None, owner: str | None = None,
        created: str = DEPLOYED, state: dict[str, Any] | None = None, ready: bool = True,
        restarts: int = 0, last_state: dict[str, Any] | None = None, phase: str = "Running",
        container: str = "nginx", port: int | None = 80, token: str = "x7q2m") -> dict[str, Any]:
    started = "2026-11-24T10:00:03Z"
    meta: dict[str, Any] = {"name": name, "namespace": "default", "uid": f"uid-{name}",
                            "creationTimestamp": created, "labels": labels or {}}
    if owner:
        meta["generateName"] = owner + "-"
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner,
                                    "uid": f"uid-{owner}", "controller": True, "blockOwnerDeletion": True}]
    spec_container: dict[str, Any] = {
        "name": container, "image": image, "imagePullPolicy": "IfNotPresent", "resources": {},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
        "volumeMounts": [{"name": f"kube-api-access-{token}",
                          "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True}],
    }
    if port:
        spec_container["ports"] = [{"containerPort": port, "protocol": "TCP"}]
    status_ready = "True" if ready else "False"
    conditions = [
        {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": started},
        {"type": "Initialized", "status": "True", "lastTransitionTime": created},
        {"type": "Ready", "status": status_ready, "lastTransitionTime": started},
        {"type": "ContainersReady", "status": status_ready, "lastTransitionTime": started},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": created},
    ]
    container_status: dict[str, Any] = {
        "name": container, "image": image, "ready": ready, "restartCount": restarts, "started": ready,
        "state": state or {"running": {"startedAt": started}},
        "lastState": last_state or {},
    }
    if (state or {}).get("running") or state is None or restarts:
        container_status["containerID"] = "containerd://4f1c2b3a5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8"
        container_status["imageID"] = f"docker.io/library/{image.split(':')[0]}@sha256:" + "ab" * 32
    else:
        container_status["imageID"] = ""
    status: dict[str, Any] = {"phase": phase, "conditions": conditions, "hostIP": host_ip,
                              "hostIPs": [{"ip": host_ip}], "startTime": created, "qosClass": "BestEffort",
                              "containerStatuses": [container_status]}
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    return {
        "apiVersion": "v1", "kind": "Pod", "metadata": meta,
        "spec": {"containers": [spec_container], "dnsPolicy": "ClusterFirst", "enableServiceLinks": True,
                 "nodeName": node_name, "preemptionPolicy": "PreemptLowerPriority", "priority": 0,
                 "restartPolicy": "Always", "schedulerName": "default-scheduler", "securityContext": {},
                 "serviceAccount": "default", "serviceAccountName": "default", "terminationGracePeriodSeconds": 30,
                 "tolerations": copy.deepcopy(TOLERATIONS), "volumes": [token_volume(token)]},
        "status": status,
    }


def event(name: str, kind: str, obj_name: str, reason: str, message: str, *, source: str = "kubelet",
          type_: str = "Normal", first: str = "2026-11-24T10:00:01Z", last: str | None = None,
          count: int = 1, field_path: str = "", host: str = "") -> dict[str, Any]:
    api = {"Deployment": "apps/v1", "ReplicaSet": "apps/v1"}.get(kind, "v1")
    involved = {"apiVersion": api, "kind": kind, "name": obj_name, "namespace": "default", "uid": f"uid-{obj_name}"}
    if field_path:
        involved["fieldPath"] = field_path
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": "default", "creationTimestamp": first},
            "involvedObject": involved, "reason": reason, "message": message, "type": type_, "count": count,
            "firstTimestamp": first, "lastTimestamp": last or first,
            "source": {"component": source, **({"host": host} if host else {})},
            "reportingComponent": source, "reportingInstance": host}


def httpd_template(with_hash: bool) -> dict[str, Any]:
    labels = {"app": "httpd", **({"pod-template-hash": HASH} if with_hash else {})}
    return {"metadata": {"labels": labels}, "spec": {
        "containers": [{"name": "httpd", "image": "httpd:2.4", "imagePullPolicy": "IfNotPresent",
                        "ports": [{"containerPort": 80, "protocol": "TCP"}], "resources": {},
                        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}],
        "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
        "securityContext": {}, "terminationGracePeriodSeconds": 30}}


def cluster() -> list[dict[str, Any]]:
    """A small kind-style cluster: three nodes, a Deployment with its ReplicaSet and pods, Services, events."""
    objs: list[dict[str, Any]] = [
        node("podium-control-plane", "172.18.0.2", "10.244.0.0/24", control_plane=True),
        node("podium-worker", "172.18.0.3", "10.244.1.0/24"),
        node("podium-worker2", "172.18.0.4", "10.244.2.0/24"),
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": {"name": "default", "uid": "uid-ns-default", "creationTimestamp": "2026-11-24T09:00:00Z",
                      "labels": {"kubernetes.io/metadata.name": "default"}},
         "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}},
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": {"name": "kube-system", "uid": "uid-ns-kube-system", "creationTimestamp": "2026-11-24T09:00:00Z",
                      "labels": {"kubernetes.io/metadata.name": "kube-system"}},
         "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}},
    ]
    nginx = pod("nginx", "nginx:1.27", labels={"run": "nginx"}, created="2026-11-24T10:00:00Z")
    nginx["spec"]["containers"][0]["readinessProbe"] = {
        "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10,
        "successThreshold": 1, "failureThreshold": 3}
    objs.append(nginx)
    web1 = pod(f"{RS}-7xkqz", "httpd:2.4", ip="10.244.1.3", labels={"app": "httpd", "pod-template-hash": HASH},
               owner=RS, container="httpd", token="b9d4w")
    web2 = pod(f"{RS}-p2n4w", "httpd:2.4", node_name="podium-worker2", host_ip="172.18.0.4", ip="10.244.2.2",
               labels={"app": "httpd", "pod-template-hash": HASH}, owner=RS, container="httpd", token="k5f8z")
    crashy = pod("crashy", "busybox:1.36", ip="10.244.2.3", node_name="podium-worker2", host_ip="172.18.0.4",
                 labels={"run": "crashy"}, created="2026-11-24T10:25:00Z", container="crashy", port=None,
                 ready=False, restarts=4, token="m2c7v",
                 state={"waiting": {"reason": "CrashLoopBackOff",
                                    "message": "back-off 1m20s restarting failed container=crashy "
                                               "pod=crashy_default(uid-crashy)"}},
                 last_state={"terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2026-11-24T10:29:00Z",
                                            "finishedAt": "2026-11-24T10:29:18Z",
                                            "containerID": "containerd://9a8b7c"}})
    crashy["spec"]["containers"][0]["command"] = ["sh", "-c", "echo starting; exit 1"]
    broken = pod("broken", "nginx:doesnotexist", ip="10.244.1.4", labels={"run": "broken"},
                 created="2026-11-24T10:28:00Z", ready=False, phase="Pending", token="q4h6n",
                 state={"waiting": {"reason": "ImagePullBackOff",
                                    "message": 'Back-off pulling image "nginx:doesnotexist"'}})
    leaving = pod("leaving", "nginx:1.27", ip="10.244.2.4", node_name="podium-worker2", host_ip="172.18.0.4",
                  labels={"run": "leaving"}, created="2026-11-24T09:50:00Z", token="t8r3p")
    leaving["metadata"]["deletionTimestamp"] = "2026-11-24T10:30:20Z"
    leaving["metadata"]["deletionGracePeriodSeconds"] = 30
    objs += [web1, web2, crashy, broken, leaving]
    objs.append({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "httpd", "namespace": "default", "uid": "uid-httpd", "generation": 1,
                     "creationTimestamp": DEPLOYED, "labels": {"app": "httpd"},
                     "annotations": {"deployment.kubernetes.io/revision": "1"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "httpd"}}, "template": httpd_template(False),
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                 "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
        "status": {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2,
                   "availableReplicas": 2, "conditions": [
                       {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                        "message": "Deployment has minimum availability."},
                       {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                        "message": f'ReplicaSet "{RS}" has successfully progressed.'}]},
    })
    objs.append({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": RS, "namespace": "default", "uid": f"uid-{RS}", "generation": 1,
                     "creationTimestamp": DEPLOYED, "labels": {"app": "httpd", "pod-template-hash": HASH},
                     "annotations": {"deployment.kubernetes.io/desired-replicas": "2",
                                     "deployment.kubernetes.io/max-replicas": "3",
                                     "deployment.kubernetes.io/revision": "1"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "httpd",
                                          "uid": "uid-httpd", "controller": True, "blockOwnerDeletion": True}]},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "httpd", "pod-template-hash": HASH}},
                 "template": httpd_template(True)},
        "status": {"replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 2, "availableReplicas": 2,
                   "observedGeneration": 1},
    })
    objs.append({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "httpd-svc", "namespace": "default", "uid": "uid-httpd-svc",
                     "creationTimestamp": "2026-11-24T10:05:00Z", "labels": {"app": "httpd"}},
        "spec": {"type": "ClusterIP", "selector": {"app": "httpd"}, "clusterIP": CLUSTER_IP,
                 "clusterIPs": [CLUSTER_IP], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "internalTrafficPolicy": "Cluster", "sessionAffinity": "None",
                 "ports": [{"port": 8080, "targetPort": 80, "protocol": "TCP"}]},
        "status": {"loadBalancer": {}},
    })
    objs.append({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web-lb", "namespace": "default", "uid": "uid-web-lb",
                     "creationTimestamp": "2026-11-24T10:10:00Z"},
        "spec": {"type": "LoadBalancer", "selector": {"app": "httpd"}, "clusterIP": "10.97.14.201",
                 "clusterIPs": ["10.97.14.201"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster",
                 "allocateLoadBalancerNodePorts": True, "sessionAffinity": "None",
                 "ports": [{"name": "http", "port": 80, "targetPort": 80, "nodePort": 31845, "protocol": "TCP"}]},
        "status": {"loadBalancer": {}},
    })
    objs.append({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web-np", "namespace": "default", "uid": "uid-web-np",
                     "creationTimestamp": "2026-11-24T10:10:00Z"},
        "spec": {"type": "NodePort", "selector": {"run": "nginx"}, "clusterIP": "10.104.51.7",
                 "clusterIPs": ["10.104.51.7"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster", "sessionAffinity": "None",
                 "ports": [{"port": 80, "targetPort": 80, "nodePort": 30080, "protocol": "TCP"}]},
        "status": {"loadBalancer": {}},
    })
    endpoints = [
        {"addresses": [ip], "conditions": {"ready": True, "serving": True, "terminating": False},
         "nodeName": node_name, "targetRef": {"kind": "Pod", "name": name, "namespace": "default",
                                              "uid": f"uid-{name}"}}
        for ip, node_name, name in (("10.244.1.3", "podium-worker", f"{RS}-7xkqz"),
                                    ("10.244.2.2", "podium-worker2", f"{RS}-p2n4w"))
    ]
    objs.append({
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
        "metadata": {"name": "httpd-svc-x7k2p", "namespace": "default", "uid": "uid-httpd-svc-x7k2p",
                     "generateName": "httpd-svc-", "creationTimestamp": "2026-11-24T10:05:00Z",
                     "labels": {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                                "kubernetes.io/service-name": "httpd-svc"},
                     "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "2026-11-24T10:05:00Z"}},
        "endpoints": endpoints, "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
    })
    objs.append({
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "httpd-svc", "namespace": "default", "uid": "uid-ep-httpd-svc",
                     "creationTimestamp": "2026-11-24T10:05:00Z", "labels": {"app": "httpd"},
                     "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "2026-11-24T10:05:00Z"}},
        "subsets": [{"addresses": [
            {"ip": "10.244.1.3", "nodeName": "podium-worker",
             "targetRef": {"kind": "Pod", "name": f"{RS}-7xkqz", "namespace": "default"}},
            {"ip": "10.244.2.2", "nodeName": "podium-worker2",
             "targetRef": {"kind": "Pod", "name": f"{RS}-p2n4w", "namespace": "default"}}],
            "ports": [{"port": 80, "protocol": "TCP"}]}],
    })
    objs.append({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "httpd-config", "namespace": "default", "uid": "uid-cm",
                     "creationTimestamp": "2026-11-24T10:00:00Z"},
        "data": {"greeting": "hello", "httpd.conf": "ServerName localhost\nListen 80"},
    })
    objs.append({
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": "db-password", "namespace": "default", "uid": "uid-secret",
                     "creationTimestamp": "2026-11-24T10:00:00Z"},
        "data": {"password": "czNjcjN0", "username": "YWRtaW4="},
    })
    objs += [
        event("nginx.1", "Pod", "nginx", "Scheduled", "Successfully assigned default/nginx to podium-worker",
              source="default-scheduler", first="2026-11-24T10:00:00Z"),
        event("nginx.2", "Pod", "nginx", "Pulled", 'Container image "nginx:1.27" already present on machine',
              field_path="spec.containers{nginx}", host="podium-worker"),
        event("nginx.3", "Pod", "nginx", "Created", "Created container: nginx", field_path="spec.containers{nginx}",
              host="podium-worker", first="2026-11-24T10:00:02Z"),
        event("nginx.4", "Pod", "nginx", "Started", "Started container nginx", field_path="spec.containers{nginx}",
              host="podium-worker", first="2026-11-24T10:00:03Z"),
        event("crashy.1", "Pod", "crashy", "Scheduled", "Successfully assigned default/crashy to podium-worker2",
              source="default-scheduler", first="2026-11-24T10:25:00Z"),
        event("crashy.2", "Pod", "crashy", "Pulled", 'Container image "busybox:1.36" already present on machine',
              field_path="spec.containers{crashy}", first="2026-11-24T10:25:01Z", last="2026-11-24T10:29:00Z",
              count=5, host="podium-worker2"),
        event("crashy.3", "Pod", "crashy", "BackOff",
              "Back-off restarting failed container crashy in pod crashy_default(uid-crashy)",
              type_="Warning", field_path="spec.containers{crashy}", first="2026-11-24T10:25:30Z",
              last="2026-11-24T10:29:30Z", count=17, host="podium-worker2"),
        event("httpd.1", "Deployment", "httpd", "ScalingReplicaSet", f"Scaled up replica set {RS} to 2",
              source="deployment-controller", first=DEPLOYED),
        event(f"{RS}.1", "ReplicaSet", RS, "SuccessfulCreate", f"Created pod: {RS}-7xkqz",
              source="replicaset-controller", first=DEPLOYED),
        event(f"{RS}.2", "ReplicaSet", RS, "SuccessfulCreate", f"Created pod: {RS}-p2n4w",
              source="replicaset-controller", first=DEPLOYED),
    ]
    return objs


def of_kind(kind: str, objs: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Objects of a kind in the order the API server lists them (namespace, then name)."""
    found = [o for o in (objs if objs is not None else cluster()) if o["kind"] == kind]
    return sorted(found, key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))


def one(kind: str, name: str) -> dict[str, Any]:
    return next(o for o in of_kind(kind) if o["metadata"]["name"] == name)


# ---------------------------------------------------------------- tests


GETS = [
    ("pods.txt", "Pod", {}),
    ("pods-wide.txt", "Pod", {"output": "wide"}),
    ("pods-all-namespaces.txt", "Pod", {"all_namespaces": True}),
    ("pods-show-labels.txt", "Pod", {"show_labels": True}),
    ("pods-label-columns.txt", "Pod", {"label_columns": ["app", "pod-template-hash"]}),
    ("pods-name.txt", "Pod", {"output": "name"}),
    ("services.txt", "Service", {}),
    ("services-wide.txt", "Service", {"output": "wide"}),
    ("deployments.txt", "Deployment", {}),
    ("deployments-wide.txt", "Deployment", {"output": "wide"}),
    ("replicasets.txt", "ReplicaSet", {}),
    ("replicasets-wide.txt", "ReplicaSet", {"output": "wide"}),
    ("endpoints.txt", "Endpoints", {}),
    ("endpointslices.txt", "EndpointSlice", {}),
    ("nodes.txt", "Node", {}),
    ("nodes-wide.txt", "Node", {"output": "wide"}),
    ("nodes-all-namespaces.txt", "Node", {"all_namespaces": True}),
    ("namespaces.txt", "Namespace", {}),
    ("configmaps.txt", "ConfigMap", {}),
    ("secrets.txt", "Secret", {}),
    ("events.txt", "Event", {}),
    ("events-wide.txt", "Event", {"output": "wide"}),
    ("deployments-name.txt", "Deployment", {"output": "name"}),
    ("services-yaml.txt", "Service", {"output": "yaml"}),
    ("deployments-json.txt", "Deployment", {"output": "json"}),
]


@pytest.mark.parametrize(("golden_name", "kind", "options"), GETS, ids=[g[0] for g in GETS])
def test_kubectl_get_prints_what_kubectl_prints(golden, golden_name, kind, options):
    golden(f"get/{golden_name}", get_output(kind, of_kind(kind), NOW, **options))


def test_get_pod_by_name_in_yaml_prints_the_bare_object(golden):
    golden("get/pod-nginx.yaml", get_output("Pod", [one("Pod", "nginx")], NOW, output="yaml", single_item=True))


def test_get_pod_by_name_in_json_prints_the_bare_object(golden):
    golden("get/pod-nginx.json", get_output("Pod", [one("Pod", "nginx")], NOW, output="json", single_item=True))


def test_get_all_prefixes_names_with_their_type(golden):
    parts = []
    for kind, prefix in (("Pod", "pod"), ("Service", "service"), ("Deployment", "deployment.apps"),
                         ("ReplicaSet", "replicaset.apps")):
        parts.append(get_output(kind, of_kind(kind), NOW, kind_prefix=prefix))
    golden("get/all.txt", "\n".join(parts))


def test_the_pod_status_column_follows_the_container_states():
    assert [pod_status(p) for p in of_kind("Pod")] == [
        "ImagePullBackOff", "CrashLoopBackOff", "Running", "Running", "Terminating", "Running"]


def test_a_restarted_pod_shows_when_it_last_restarted():
    _, rows = table("Pod", [one("Pod", "crashy")], NOW)
    assert rows[0][:5] == ["crashy", "0/1", "CrashLoopBackOff", "4 (42s ago)", "5m"]


def test_init_containers_show_their_progress():
    p = one("Pod", "nginx")
    p["spec"]["initContainers"] = [{"name": "setup", "image": "busybox"}, {"name": "wait", "image": "busybox"}]
    p["status"]["phase"] = "Pending"
    p["status"]["initContainerStatuses"] = [
        {"name": "setup", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}, "restartCount": 0},
        {"name": "wait", "state": {"running": {"startedAt": DEPLOYED}}, "restartCount": 0}]
    p["status"]["conditions"][1]["status"] = "False"
    assert pod_status(p) == "Init:1/2"
    p["status"]["initContainerStatuses"][1]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    assert pod_status(p) == "Init:CrashLoopBackOff"
    p["status"]["initContainerStatuses"][1]["state"] = {"terminated": {"exitCode": 2}}
    assert pod_status(p) == "Init:ExitCode:2"


def test_a_completed_container_beside_a_running_one_reads_not_ready():
    p = one("Pod", "nginx")
    second = copy.deepcopy(p["status"]["containerStatuses"][0])
    second["name"] = "job"
    second["state"] = {"terminated": {"exitCode": 0, "reason": "Completed"}}
    p["status"]["containerStatuses"] = [p["status"]["containerStatuses"][0], second]
    p["status"]["conditions"][2]["status"] = "False"
    assert pod_status(p) == "NotReady"
    p["status"]["conditions"][2]["status"] = "True"
    assert pod_status(p) == "Running"


def test_the_server_side_table_keeps_wide_columns_and_string_restarts():
    columns, rows = table("Pod", [one("Pod", "nginx")], NOW)
    assert [c.name for c in columns] == ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
                                         "Nominated Node", "Readiness Gates"]
    assert [c.priority for c in columns] == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert rows == [["nginx", "1/1", "Running", "0", "30m", "10.244.1.2", "podium-worker", "<none>", "<none>"]]


def test_deployment_cells_are_numbers_where_the_api_server_sends_numbers():
    _, rows = table("Deployment", of_kind("Deployment"), NOW)
    assert rows == [["httpd", "2/2", 2, 2, "30m", "httpd", "httpd:2.4", "app=httpd"]]


def test_a_loadbalancer_without_an_address_is_pending():
    _, rows = table("Service", [one("Service", "web-lb")], NOW)
    assert rows[0][3:5] == ["<pending>", "80:31845/TCP"]


def test_endpoints_beyond_three_are_counted():
    ep = one("Endpoints", "httpd-svc")
    ep["subsets"][0]["addresses"] = [{"ip": f"10.244.1.{i}"} for i in range(2, 7)]
    _, rows = table("Endpoints", [ep], NOW)
    assert rows[0][1] == "10.244.1.2:80,10.244.1.3:80,10.244.1.4:80 + 2 more..."


def test_an_empty_endpointslice_shows_unset():
    eps = one("EndpointSlice", "httpd-svc-x7k2p")
    eps["ports"], eps["endpoints"] = [], []
    _, rows = table("EndpointSlice", [eps], NOW)
    assert rows[0][1:4] == ["IPv4", "<unset>", "<unset>"]


def test_cells_are_cut_at_the_first_line_break():
    columns, _ = table("ConfigMap", [], NOW)
    text = render_table(columns, [["multi\nline", 1, "1m"]])
    assert text == "NAME       DATA   AGE\nmulti...   1      1m\n"


def test_no_headers_prints_rows_only():
    text = get_output("Namespace", of_kind("Namespace"), NOW, no_headers=True)
    assert text == "default       Active   90m\nkube-system   Active   90m\n"


def test_nothing_found_prints_nothing_on_stdout_and_says_so_on_stderr():
    assert get_output("Pod", [], NOW) == ""
    assert no_resources_message("default") == "No resources found in default namespace."
    assert no_resources_message(None) == "No resources found"


def test_an_empty_list_in_yaml_is_still_a_list():
    assert get_output("Pod", [], NOW, output="yaml") == (
        "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n")


def test_name_of_uses_the_group_for_apps_kinds():
    assert name_of(one("Deployment", "httpd")) == "deployment.apps/httpd"
    assert name_of(one("Pod", "nginx")) == "pod/nginx"


def test_yaml_quotes_strings_that_would_read_as_other_types_with_double_quotes():
    text = to_yaml({"a": "80", "b": "true", "c": "", "d": "plain text", "e": "line1\nline2\n", "f": "x: y"})
    assert text == 'a: "80"\nb: "true"\nc: ""\nd: plain text\ne: |\n  line1\n  line2\nf: \'x: y\'\n'


def test_yaml_never_folds_long_strings():
    long = "word " * 40
    assert to_yaml({"k": long.strip()}) == f"k: {long.strip()}\n"


def test_managed_fields_are_hidden_and_the_object_round_trips():
    p = one("Pod", "nginx")
    p["metadata"]["managedFields"] = [{"manager": "kubectl"}]
    doc = json.loads(get_output("Pod", [p], NOW, output="json", single_item=True))
    assert "managedFields" not in doc["metadata"]
    assert yaml.safe_load(get_output("Pod", [p], NOW, output="yaml", single_item=True)) == doc


def test_jsonpath_output_applies_to_the_list():
    out = get_output("Pod", of_kind("Pod")[:2], NOW, output="jsonpath={.items[*].status.podIP}")
    assert out == "10.244.1.4 10.244.2.3"


def test_custom_columns_print_a_table_of_paths():
    out = get_output("Pod", of_kind("Pod")[:2], NOW, output="custom-columns=NAME:.metadata.name,IP:.status.podIP")
    assert out == "NAME     IP\nbroken   10.244.1.4\ncrashy   10.244.2.3\n"
