"""A kubeconfig that points a learner's own kubectl at one sandbox's Kubernetes API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import yaml


def api_server_url(server: str, sandbox_row: Any) -> str:
    """Podium's base URL plus the sandbox's API prefix: `https://podium.example/k8s/<name>`.

    kubectl sends a kubeconfig's token only to HTTPS servers, so a plain-HTTP Podium (a laptop, a classroom
    LAN) gets the token inside the URL instead: `http://127.0.0.1:8000/k8s/<name>/token/<token>`.
    """
    base = f"{server.rstrip('/')}/k8s/{sandbox_row.name}"
    if urlsplit(server).scheme == "http":
        return f"{base}/token/{sandbox_row.token}"
    return base


def kubeconfig_for(sandbox_row: Any, server_url: str, *, certificate_authority_data: str | None = None) -> str:
    """The kubeconfig YAML for this sandbox: one cluster, one user with the sandbox's bearer token, one context."""
    name = f"podium-{sandbox_row.name}"
    cluster: dict[str, Any] = {"server": api_server_url(server_url, sandbox_row)}
    if certificate_authority_data:
        cluster["certificate-authority-data"] = certificate_authority_data
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": cluster}],
        "users": [{"name": name, "user": {"token": sandbox_row.token}}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name, "namespace": "default"}}],
        "current-context": name,
        "preferences": {},
    }
    return yaml.safe_dump(config, sort_keys=False, default_flow_style=False)
