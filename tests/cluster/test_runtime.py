"""The sandbox runtime: one saved snapshot per sandbox, optimistic concurrency, and the change feed."""

from __future__ import annotations

from typing import Any

import pytest

from cluster import runtime
from cluster.models import Sandbox, SandboxChange
from cluster.sim.cluster import Cluster
from cluster.sim.settings import Settings

pytestmark = pytest.mark.django_db

WALL = 1_800_000_000.0  # 2027-01-15T08:00:00Z


def configmap(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"},
            "data": data}


def names(cluster: Cluster, kind: str) -> list[str]:
    return [o["metadata"]["name"] for o in cluster.store.list(kind, "default")]


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    runtime._cache.clear()
    yield
    runtime._cache.clear()


def test_it_creates_a_sandbox_that_loads_as_the_same_cluster() -> None:
    row = runtime.create_sandbox("lab", settings=Settings(seed=7), owner_session="abc", wall=WALL)
    runtime._cache.clear()

    loaded_row, cluster = runtime.load("lab", wall=WALL)

    assert (row.version, loaded_row.version) == (1, 1)
    assert loaded_row.owner_session == "abc"
    assert [n["metadata"]["name"] for n in cluster.store.list("Node")] == [
        "podium-control-plane", "podium-worker", "podium-worker2"]
    assert cluster.now == WALL
    assert cluster.store.rv == loaded_row.seq


def test_acting_saves_a_new_version_and_feeds_each_change_in_order() -> None:
    runtime.create_sandbox("lab", wall=WALL)
    first_seq = Sandbox.objects.get(name="lab").seq

    outcome = runtime.act("lab", lambda c: c.api.create(configmap("greeting", text="hello")), wall=WALL + 1)

    row = Sandbox.objects.get(name="lab")
    assert (outcome.version, row.version) == (2, 2)
    assert outcome.result["metadata"]["name"] == "greeting"
    changes = [f for f in outcome.frames if f["type"] == "change"]
    assert [(f["change"]["type"], f["change"]["object"]["metadata"]["name"]) for f in changes
            if f["change"]["object"]["kind"] == "ConfigMap"] == [("ADDED", "greeting")]
    assert [f["seq"] for f in changes] == list(range(first_seq + 1, row.seq + 1))
    assert list(SandboxChange.objects.filter(sandbox=row).values_list("seq", flat=True)) == [
        f["seq"] for f in changes]


def test_two_stale_writers_both_keep_their_writes() -> None:
    runtime.create_sandbox("lab", wall=WALL)
    attempts = []

    def write_a(cluster: Cluster) -> None:
        attempts.append(cluster.store.rv)
        if len(attempts) == 1:
            # Another server process saves its own write while this one is half way through.
            ours, runtime._cache = runtime._cache, runtime.ClusterCache()
            try:
                runtime.act("lab", lambda c: c.api.create(configmap("written-by-b")), wall=WALL + 1)
            finally:
                runtime._cache = ours
        cluster.api.create(configmap("written-by-a"))

    runtime.act("lab", write_a, wall=WALL + 1)

    runtime._cache.clear()
    row, cluster = runtime.load("lab", wall=WALL + 1)
    assert len(attempts) == 2, "the stale write is retried on the newer version"
    assert names(cluster, "ConfigMap") == ["kube-root-ca.crt", "written-by-a", "written-by-b"]
    assert row.version == 3
    feed = list(SandboxChange.objects.filter(sandbox=row).values_list("seq", flat=True))
    assert feed == list(range(feed[0], row.seq + 1)), "one feed, no gap, no duplicate"


def test_a_sandbox_survives_a_server_restart() -> None:
    runtime.create_sandbox("lab", settings=Settings(seed=3), wall=WALL)
    runtime.act("lab", lambda c: c.api.create(configmap("kept", colour="blue")), wall=WALL + 5)
    _, before = runtime.load("lab", wall=WALL + 5)
    expected = before.to_snapshot()

    runtime._cache.clear()  # what a restart loses
    _, after = runtime.load("lab", wall=WALL + 5)

    assert after is not before
    assert after.to_snapshot() == expected
    assert after.store.get("ConfigMap", "default", "kept")["data"] == {"colour": "blue"}


def test_changes_since_gives_every_change_once_in_order() -> None:
    runtime.create_sandbox("lab", wall=WALL)
    start = Sandbox.objects.get(name="lab").seq
    for i in range(3):
        runtime.act("lab", lambda c, i=i: c.api.create(configmap(f"cm-{i}")), wall=WALL + i)
    runtime.act("lab", lambda c: c.api.delete("ConfigMap", "default", "cm-1"), wall=WALL + 4)
    end = Sandbox.objects.get(name="lab").seq

    frames = runtime.changes_since("lab", start)
    middle = runtime.changes_since("lab", start + 2)

    assert [f["seq"] for f in frames] == list(range(start + 1, end + 1))
    assert [(f["change"]["type"], f["change"]["object"]["metadata"]["name"]) for f in frames
            if f["change"]["object"]["kind"] == "ConfigMap"] == [
        ("ADDED", "cm-0"), ("ADDED", "cm-1"), ("ADDED", "cm-2"), ("DELETED", "cm-1")]
    assert middle == frames[2:]
    assert runtime.changes_since("lab", end) == []


def test_a_client_too_far_behind_must_take_a_fresh_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "CHANGE_LOG_KEEP", 3)
    runtime.create_sandbox("lab", wall=WALL)
    start = Sandbox.objects.get(name="lab").seq
    for i in range(5):
        runtime.act("lab", lambda c, i=i: c.api.create(configmap(f"cm-{i}")), wall=WALL + i)
    end = Sandbox.objects.get(name="lab").seq

    assert runtime.changes_since("lab", start) is None
    assert [f["seq"] for f in runtime.changes_since("lab", end - 2)] == [end - 1, end]


def test_reading_an_idle_sandbox_a_week_later_writes_nothing() -> None:
    runtime.create_sandbox("lab", wall=WALL)
    saved = Sandbox.objects.get(name="lab")

    _, cluster = runtime.load("lab", wall=WALL + 7 * 86400)

    again = Sandbox.objects.get(name="lab")
    assert cluster.now == WALL + 7 * 86400
    assert (again.version, again.seq, again.updated_at, bytes(again.snapshot)) == (
        saved.version, saved.seq, saved.updated_at, bytes(saved.snapshot))
    assert SandboxChange.objects.count() == 0


def test_a_paused_sandbox_keeps_its_cluster_time() -> None:
    runtime.create_sandbox("lab", wall=WALL)
    runtime.act("lab", lambda c: None, wall=WALL + 10, speed=0.0)

    row, cluster = runtime.load("lab", wall=WALL + 3600)

    assert row.speed == 0
    assert cluster.now == WALL + 10


def test_at_four_times_speed_cluster_time_runs_four_times_faster() -> None:
    runtime.create_sandbox("lab", wall=WALL)
    runtime.act("lab", lambda c: None, wall=WALL + 10, speed=4.0)

    _, cluster = runtime.load("lab", wall=WALL + 20)

    assert cluster.now == WALL + 10 + 40


def test_a_reset_starts_the_cluster_and_the_feed_over() -> None:
    runtime.create_sandbox("lab", wall=WALL)
    before = runtime.act("lab", lambda c: c.api.create(configmap("gone-after-reset")), wall=WALL + 1)
    assert names(runtime.load("lab")[1], "ConfigMap") == ["gone-after-reset", "kube-root-ca.crt"]

    outcome = runtime.reset_sandbox("lab")
    assert outcome.seq > before.seq  # a page that missed the reset can never mistake old numbers for new ones

    _, cluster = runtime.load("lab")
    assert [f["type"] for f in outcome.frames] == ["reset"]
    assert names(cluster, "ConfigMap") == ["kube-root-ca.crt"]
    assert SandboxChange.objects.count() == 0
