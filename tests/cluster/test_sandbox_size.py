"""A sandbox never grows past what its lesson page can open: the command that would is refused, nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from cluster import quotas, runtime
from cluster.models import Sandbox
from cluster.sim.cluster import Cluster
from cluster.sim.kubectl import cmd

pytestmark = pytest.mark.django_db

WALL = 1_800_000_000.0

DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx", "namespace": "default"},
              "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "nginx"}},
                       "template": {"metadata": {"labels": {"app": "nginx"}},
                                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    runtime._cache.clear()
    yield
    runtime._cache.clear()


def saved(name: str = "lab") -> tuple[int, bytes]:
    row = Sandbox.objects.get(name=name)
    return row.version, bytes(row.snapshot)


def page_size(name: str = "lab") -> int:
    runtime._cache.clear()
    return quotas.page_bytes(runtime.load(name, wall=WALL + 3600)[1])


def test_scaling_to_a_thousand_is_refused_in_kubernetes_words_and_changes_nothing() -> None:
    runtime.create_sandbox("lab", wall=WALL)
    runtime.act("lab", lambda c: c.api.create(DEPLOYMENT), wall=WALL + 1)
    before = saved()

    with pytest.raises(quotas.SandboxFull) as refused:
        runtime.act("lab", lambda c: c.api.scale("Deployment", "default", "nginx", 1000), wall=WALL + 2)

    assert refused.value.code == 403 and refused.value.reason == "Forbidden"
    assert refused.value.message.startswith("exceeded quota: sandbox-size, requested: size=")
    assert ", limited: size=768Ki; this sandbox holds all its lesson page can show, so nothing was changed" in \
        refused.value.message
    assert saved() == before
    _, cluster = runtime.load("lab", wall=WALL + 2)
    assert cluster.store.get("Deployment", "default", "nginx")["spec"]["replicas"] == 3


def test_three_big_configmaps_stop_before_the_page_could_no_longer_open() -> None:
    runtime.create_sandbox("lab", wall=WALL)
    text = "x" * 200_000

    def apply_configmap(n: int) -> Any:
        manifest = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-{n}\ndata:\n  blob: {text}\n"
        return lambda c: cmd.run(c, ["apply", "-f", "-"], stdin=manifest)

    outcomes = []
    for n in range(3):
        try:
            outcomes.append(runtime.act("lab", apply_configmap(n), wall=WALL + n).result.stdout)
        except quotas.SandboxFull as err:
            outcomes.append(err.reason)

    # apply keeps a copy in last-applied-configuration, so each one costs 400 KB of the page
    assert outcomes == ["configmap/big-0 created\n", "Forbidden", "Forbidden"]
    assert page_size() < quotas.WEBSOCKET_MESSAGE_BYTES


def test_thousands_of_services_stop_while_the_page_can_still_open() -> None:
    runtime.create_sandbox("lab", wall=WALL)

    def create_services(start: int) -> Any:
        def create(c: Cluster) -> None:
            for n in range(start, start + 250):
                c.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"svc-{n}"},
                              "spec": {"selector": {"app": f"a{n}"}, "ports": [{"port": 80}]}})
        return create

    created = 0
    with pytest.raises(quotas.SandboxFull):
        while created < 2000:
            runtime.act("lab", create_services(created), wall=WALL + created)
            created += 250
    assert 0 < created < 2000
    assert page_size() < quotas.WEBSOCKET_MESSAGE_BYTES


def test_a_sandbox_over_the_limit_may_still_shrink(monkeypatch: pytest.MonkeyPatch) -> None:
    runtime.create_sandbox("lab", wall=WALL)
    runtime.act("lab", lambda c: c.api.create(dict(DEPLOYMENT, spec=dict(DEPLOYMENT["spec"], replicas=50))),
                wall=WALL + 1)
    runtime.act("lab", lambda c: None, wall=WALL + 120)
    monkeypatch.setattr(quotas, "MAX_PAGE_BYTES", page_size() // 2)  # as if time alone had grown it past

    with pytest.raises(quotas.SandboxFull):
        runtime.act("lab", lambda c: c.api.scale("Deployment", "default", "nginx", 51), wall=WALL + 121)
    runtime.act("lab", lambda c: c.api.scale("Deployment", "default", "nginx", 10), wall=WALL + 122)
    runtime.act("lab", lambda c: None, wall=WALL + 300)

    assert page_size() < quotas.MAX_PAGE_BYTES
