"""Manifests and clusters for engine tests, as a learner would write them."""

from __future__ import annotations

from typing import Any

import yaml

from cluster.sim.cluster import Cluster
from cluster.sim.settings import Settings
from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_SERVICE

NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z


def deployment(name: str = "httpd", replicas: int = 2, image: str = "httpd", labels: dict[str, str] | None = None,
               port: int = 80, **spec: Any) -> dict[str, Any]:
    labels = labels or {"run": name}
    container: dict[str, Any] = {"name": name, "image": image, "ports": [{"containerPort": port}]}
    container.update(spec.pop("container", {}))
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                 "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": [container]}}, **spec},
    }


def service(name: str = "httpd-svc", selector: dict[str, str] | None = None, port: int = 8080,
            target_port: Any = 80, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
        "spec": {"selector": selector or {"run": "httpd"},
                 "ports": [{"protocol": "TCP", "port": port, "targetPort": target_port}], **spec},
    }


def pod(name: str, image: str = "nginx", labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {"app": name}},
            "spec": {"containers": [{"name": name.split("-")[0], "image": image}], **spec}}


def cluster(seed: int = 7, **settings: Any) -> Cluster:
    return Cluster.create(Settings(seed=seed, **settings), now=NOW)


def seed_cluster(seed: int = 7) -> Cluster:
    """The seed tutorial's world: two `run: httpd` pods and three nginx pods beside them, plus httpd-svc."""
    c = cluster(seed, service_cidr="10.68.0.0/16")
    c.api.apply(deployment("nginx", 3, "nginx", {"app": "nginx"}))
    c.api.apply(yaml.safe_load(SEED_DEPLOYMENT))
    c.api.apply(yaml.safe_load(SEED_SERVICE))
    c.advance_by(60)
    return c


def pods(c: Cluster, namespace: str = "default", **selector: str) -> list[dict[str, Any]]:
    return c.store.list("Pod", namespace, selector or None)


def ready_ips(c: Cluster, name: str = "httpd-svc", namespace: str = "default") -> list[str]:
    ep = c.store.get("Endpoints", namespace, name) or {}
    return sorted(a["ip"] for s in ep.get("subsets") or [] for a in s.get("addresses") or [])
