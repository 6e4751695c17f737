"""What one sandbox may hold: learners' creates stop at the object quota; what controllers do never fails on it."""

from __future__ import annotations

import json

import pytest

from cluster.sim.apimachinery import errors
from cluster.sim.cluster import Cluster
from tests.sim.factories import cluster, deployment


def configmap(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"a": "b"}}


def objects(c: Cluster) -> int:
    return c.store.count() - c.store.count("Event")


def test_creating_past_the_object_quota_is_forbidden_in_resourcequota_words_and_updates_still_work():
    c = cluster()
    c.api.create(deployment("web", 1, "nginx"))
    c.advance_by(30)
    c.settings.max_objects = objects(c) + 1
    c.api.create(configmap("last"))

    with pytest.raises(errors.ApiError) as refused:
        c.api.create(configmap("one-too-many"))
    c.api.scale("Deployment", "default", "web", 3)  # an update, and the pods it brings are the controllers'
    c.advance_by(60)

    assert (refused.value.code, refused.value.reason) == (403, "Forbidden")
    assert refused.value.message == (
        f'configmaps "one-too-many" is forbidden: exceeded quota: sandbox-objects, requested: count=1, used: '
        f"count={c.settings.max_objects}, limited: count={c.settings.max_objects}")
    assert len([p for p in c.store.list("Pod", "default") if p["status"].get("phase") == "Running"]) == 3
    again = Cluster.from_snapshot(json.loads(json.dumps(c.to_snapshot())))
    again.advance_by(600)  # time alone never trips over the quota
