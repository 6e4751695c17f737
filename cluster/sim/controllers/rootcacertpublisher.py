"""The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher): a `kube-root-ca.crt`
ConfigMap in every namespace, which the service-account token volume of every pod mounts."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cluster.sim.apiserver.store import Obj
from cluster.sim.controllers.base import Controller

CONFIGMAP = "kube-root-ca.crt"
DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints " \
              "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across " \
              "distributions of Kubernetes clusters."


def ca_certificate(cluster_name: str, seed: int) -> str:
    """A PEM block shaped like the cluster CA's (the bytes are the cluster's own, not a real certificate)."""
    raw = b"".join(hashlib.sha256(f"{cluster_name}/{seed}/ca/{i}".encode()).digest() for i in range(24))
    body = base64.b64encode(raw[:756]).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


class RootCACertPublisher(Controller):
    name = "root-ca-cert-publisher"

    def on_change(self, type_: str, obj: Obj, old: Obj | None) -> None:
        if obj["kind"] == "Namespace" and type_ != "DELETED":
            self.enqueue(obj["metadata"]["name"])
        elif obj["kind"] == "ConfigMap" and type_ == "DELETED" and obj["metadata"]["name"] == CONFIGMAP:
            self.enqueue(obj["metadata"]["namespace"])  # deleted by hand: published again

    def sync(self, namespace: str) -> None:
        store = self.cluster.store
        ns = store.get("Namespace", "", namespace)
        if ns is None or (ns.get("status") or {}).get("phase") == "Terminating":
            return
        if store.get("ConfigMap", namespace, CONFIGMAP) is not None:
            return
        settings = self.cluster.settings
        configmap: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": CONFIGMAP, "namespace": namespace,
                         "annotations": {"kubernetes.io/description": DESCRIPTION}},
            "data": {"ca.crt": ca_certificate(settings.cluster_name, settings.seed)},
        }
        store.create(configmap)
