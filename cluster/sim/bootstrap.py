"""What kubeadm (kind-style) leaves behind: nodes, namespaces, the `kubernetes` Service, and CoreDNS."""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

from cluster.sim.controllers.base import ClusterContext
from cluster.sim.settings import KUBERNETES_VERSION

NODE_NETWORK = "172.18.0.0/16"  # kind's docker network; nodes take .2, .3, …
API_SERVER_PORT = 6443
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.11.3"


def node_names(cluster: ClusterContext) -> list[str]:
    prefix = cluster.settings.cluster_name
    workers = [f"{prefix}-worker" + (str(i + 1) if i else "") for i in range(cluster.settings.workers)]
    return [f"{prefix}-control-plane", *workers]


def node_ip(index: int) -> str:
    return str(ipaddress.IPv4Network(NODE_NETWORK).network_address + 2 + index)


def _machine_id(name: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}/{name}".encode()).hexdigest()[:32]


def make_node(cluster: ClusterContext, index: int, name: str) -> dict[str, Any]:
    control_plane = index == 0
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    cidr = cluster.node_cidr(index)
    settings = cluster.settings
    resources = {
        "cpu": settings.node_cpu,
        "ephemeral-storage": "102626232Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": settings.node_memory,
        "pods": str(settings.node_max_pods),
    }
    spec: dict[str, Any] = {"podCIDR": cidr, "podCIDRs": [cidr],
                            "providerID": f"kind://docker/{settings.cluster_name}/{name}"}
    if control_plane:
        spec["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
    now = cluster.timestamp()
    conditions = [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "addresses": [{"address": node_ip(index), "type": "InternalIP"}, {"address": name, "type": "Hostname"}],
            "allocatable": dict(resources),
            "capacity": dict(resources),
            "conditions": [
                {"lastHeartbeatTime": now, "lastTransitionTime": now, "message": msg, "reason": reason,
                 "status": status, "type": type_}
                for type_, status, reason, msg in conditions
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": [],
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": _machine_id(name, "boot"),
                "containerRuntimeVersion": "containerd://1.7.24",
                "kernelVersion": "6.1.0-28-amd64",
                "kubeProxyVersion": KUBERNETES_VERSION,
                "kubeletVersion": KUBERNETES_VERSION,
                "machineID": _machine_id(name, "machine"),
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": _machine_id(name, "uuid"),
            },
        },
    }


def bootstrap(cluster: ClusterContext) -> None:
    store = cluster.store
    for ns in SYSTEM_NAMESPACES:
        store.create({"apiVersion": "v1", "kind": "Namespace",
                      "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
                      "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    names = node_names(cluster)
    for index, name in enumerate(names):
        store.create(make_node(cluster, index, name))
    for name in names:
        node = store.get("Node", "", name)
        assert node is not None
        cluster.recorder.record(node, "Normal", "Starting", "", "kube-proxy", host=name)
        cluster.recorder.record(node, "Normal", "RegisteredNode",
                                f"Node {name} event: Registered Node {name} in Controller", "node-controller")

    api_ip = node_ip(0)
    kubernetes_ip = cluster.service_ips.first()
    store.create({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"clusterIP": kubernetes_ip, "clusterIPs": [kubernetes_ip], "internalTrafficPolicy": "Cluster",
                 "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": API_SERVER_PORT}],
                 "sessionAffinity": "None", "type": "ClusterIP"},
        "status": {"loadBalancer": {}},
    })
    store.create({
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
        "subsets": [{"addresses": [{"ip": api_ip}],
                     "ports": [{"name": "https", "port": API_SERVER_PORT, "protocol": "TCP"}]}],
    })
    store.create({
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"kubernetes.io/service-name": "kubernetes"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": [api_ip], "conditions": {"ready": True}}],
        "ports": [{"name": "https", "port": API_SERVER_PORT, "protocol": "TCP"}],
    })
    _coredns(cluster)


def _coredns(cluster: ClusterContext) -> None:
    """kube-dns Service on the range's 10th address and the CoreDNS Deployment behind it."""
    dns_ip = cluster.service_ips.nth(9)
    labels = {"k8s-app": "kube-dns"}
    cluster.api.create(trusted=True, obj={
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "coredns", "namespace": "kube-system"},
        "data": {"Corefile": (
            ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n"
            "    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n"
            "       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n"
            "    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n"
            "    cache 30 {\n       disable success cluster.local\n       disable denial cluster.local\n    }\n"
            "    loop\n    reload\n    loadbalance\n}\n")},
    })
    cluster.api.create(trusted=True, obj={
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kube-dns", "namespace": "kube-system",
                     "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"},
                     "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                "kubernetes.io/name": "CoreDNS"}},
        "spec": {"clusterIP": dns_ip, "selector": labels,
                 "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                           {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                           {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]},
    })
    cluster.api.create(trusted=True, obj={
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": labels},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": "coredns",
                    "dnsPolicy": "Default",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                    {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
                    "containers": [{
                        "name": "coredns",
                        "image": COREDNS_IMAGE,
                        "imagePullPolicy": "IfNotPresent",
                        "args": ["-conf", "/etc/coredns/Corefile"],
                        "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                  {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                                  {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
                        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
                        "livenessProbe": {"httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"},
                                          "initialDelaySeconds": 60, "timeoutSeconds": 5, "successThreshold": 1,
                                          "failureThreshold": 5},
                        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}},
                        "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": True}],
                    }],
                    "volumes": [{"name": "config-volume", "configMap": {"name": "coredns",
                                 "items": [{"key": "Corefile", "path": "Corefile"}]}}],
                },
            },
        },
    })
