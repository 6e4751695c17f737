"""Pod predicates the controllers share (k8s.io/kubernetes/pkg/api/v1/pod and controller_utils)."""

from __future__ import annotations

from typing import Any

from cluster.sim.apimachinery.labels import selector_is_empty
from cluster.sim.apimachinery.labels import selector_matches as labels_selector_matches
from cluster.sim.apiserver.store import Obj


def controller_ref(obj: Obj) -> dict[str, Any] | None:
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return dict(ref)
    return None


def owner_ref(owner: Obj) -> dict[str, Any]:
    """metav1.NewControllerRef."""
    return {
        "apiVersion": "apps/v1" if owner["kind"] in ("Deployment", "ReplicaSet") else "v1",
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def is_active(pod: Obj) -> bool:
    """controller.IsPodActive: not terminal and not being deleted."""
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed") and \
        not pod["metadata"].get("deletionTimestamp")


def selector_labels(obj: Obj) -> dict[str, str]:
    return dict(((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {})


def selector_matches(selector: dict[str, Any] | None, labels: dict[str, str] | None) -> bool:
    """Whether a controller's selector picks these labels; an empty one picks nothing (controllers refuse to select
    every pod, as the Deployment controller does with its SelectingAll warning)."""
    return not selector_is_empty(selector) and labels_selector_matches(selector, labels)
