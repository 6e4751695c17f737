"""Changing a pod's image while the kubelet works on it: the kubelet follows the new image, as a real one does."""

from __future__ import annotations

import json

import pytest

from cluster.sim.apimachinery import errors
from cluster.sim.cluster import Cluster
from tests.sim.factories import cluster, pod


def change_image(c: Cluster, name: str, image: str) -> None:
    current = c.store.get("Pod", "default", name)
    updated = json.loads(json.dumps(current))
    updated["spec"]["containers"][0]["image"] = image
    c.api.update(updated)
    c.settle()


def waiting_reason(c: Cluster, name: str) -> str:
    status = c.store.get("Pod", "default", name)["status"]["containerStatuses"][0]
    return str(status["state"].get("waiting", {}).get("reason", ""))


@pytest.mark.parametrize("seconds_later", [0.5, 1, 2, 5, 30])
def test_an_unparsable_image_given_while_the_old_one_pulls_or_runs_waits_as_invalidimagename(seconds_later):
    c = cluster()
    c.api.apply(pod("app", image="example.com/app:1"))
    c.advance_by(seconds_later)

    change_image(c, "app", "example.com/app:1 x")
    for _ in range(20):
        c.advance_by(3)  # every step the kubelet had scheduled for the old image falls due here
    assert waiting_reason(c, "app") == "InvalidImageName"
    c = Cluster.from_snapshot(json.loads(json.dumps(c.to_snapshot())))
    c.advance_by(600)
    assert waiting_reason(c, "app") == "InvalidImageName"


def test_fixing_the_image_afterwards_starts_the_container():
    c = cluster()
    c.api.apply(pod("app", image="example.com/app:1"))
    c.advance_by(1)
    change_image(c, "app", "example.com/app:1 x")
    c.advance_by(5)

    change_image(c, "app", "nginx:1.27")
    c.advance_by(60)
    status = c.store.get("Pod", "default", "app")["status"]
    assert status["phase"] == "Running"
    assert status["containerStatuses"][0]["image"] == "docker.io/library/nginx:1.27"


def test_a_running_container_whose_image_changes_is_restarted_with_the_new_one():
    c = cluster()
    c.api.apply(pod("app", image="nginx:1.27"))
    c.advance_by(60)

    change_image(c, "app", "nginx:1.28")
    c.advance_by(60)
    status = c.store.get("Pod", "default", "app")["status"]["containerStatuses"][0]
    assert status["image"] == "docker.io/library/nginx:1.28"
    assert status["restartCount"] == 1
    assert "terminated" in status["lastState"]
    reasons = [e["message"] for e in c.store.list("Event", "default") if e["reason"] == "Killing"]
    assert reasons == ["Container app definition changed, will be restarted"]


def test_an_image_with_surrounding_whitespace_is_refused_on_a_pod():
    c = cluster()
    c.api.apply(pod("app", image="example.com/app:1"))
    bad = pod("app", image="example.com/app:1 ")

    with pytest.raises(errors.ApiError) as refused:
        c.api.apply(bad)
    assert refused.value.message == ('Pod "app" is invalid: spec.containers[0].image: Invalid value: '
                                     '"example.com/app:1 ": must not have leading or trailing whitespace')
    assert c.store.get("Pod", "default", "app")["spec"]["containers"][0]["image"] == "example.com/app:1"
