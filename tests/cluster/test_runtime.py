"""The sandbox runtime: one saved snapshot per sandbox, optimistic concurrency, and the change feed."""

from __future__ import annotations

import json
import zlib
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


# ---- failures leave the saved sandbox as it was ------------------------------------------------------------


def saved_state(name: str) -> tuple[int, int, bytes]:
    row = Sandbox.objects.get(name=name)
    return row.version, row.seq, bytes(row.snapshot)


def test_a_command_that_fails_half_way_changes_nothing_cached_or_saved() -> None:
    runtime.create_sandbox("lab", wall=WALL)
    before = saved_state("lab")

    def half_then_fail(cluster: Cluster) -> None:
        cluster.api.create(configmap("half-done"))
        raise RuntimeError("a bug half way through a command")

    with pytest.raises(RuntimeError):
        runtime.act("lab", half_then_fail, wall=WALL + 1)
    runtime.act("lab", lambda c: c.api.create(configmap("next-command")), wall=WALL + 2)

    _, cluster = runtime.load("lab", wall=WALL + 2)
    assert names(cluster, "ConfigMap") == ["kube-root-ca.crt", "next-command"]
    assert saved_state("lab")[0] == before[0] + 1


def test_a_read_that_fails_half_way_leaves_no_half_changed_cluster_for_the_next_save() -> None:
    runtime.create_sandbox("lab", wall=WALL)

    def read_that_writes(cluster: Cluster) -> None:
        cluster.api.create(configmap("never-saved"))
        raise RuntimeError("a read-only helper that was not")

    with pytest.raises(RuntimeError):
        runtime.read("lab", read_that_writes, wall=WALL + 1)
    runtime.act("lab", lambda c: None, wall=WALL + 2)

    runtime._cache.clear()
    assert names(runtime.load("lab", wall=WALL + 2)[1], "ConfigMap") == ["kube-root-ca.crt"]


def break_timers(name: str) -> None:
    """Save a snapshot with a timed step nothing handles: the cluster decodes but cannot reach its next event."""
    row = Sandbox.objects.get(name=name)
    data = json.loads(zlib.decompress(bytes(row.snapshot)))
    data["clock"]["timers"].append([data["clock"]["now"] + 1, 10**6, "no.such.timer", []])
    Sandbox.objects.filter(pk=row.pk).update(snapshot=zlib.compress(json.dumps(data).encode()),
                                             next_due=data["clock"]["now"] + 1)
    runtime._cache.clear()


@pytest.mark.parametrize("damage", ["garbage", "timers"])
def test_a_sandbox_that_cannot_load_says_why_and_can_be_reset(damage: str) -> None:
    runtime.create_sandbox("lab", settings=Settings(seed=5, workers=3), wall=WALL)
    runtime.act("lab", lambda c: c.api.create(configmap("lost")), wall=WALL + 1)
    if damage == "garbage":
        Sandbox.objects.filter(name="lab").update(snapshot=b"not a snapshot")
        runtime._cache.clear()
    else:
        break_timers("lab")
    before = saved_state("lab")

    with pytest.raises(runtime.SandboxBroken) as broken:
        runtime.load("lab", wall=WALL + 5)
    with pytest.raises(runtime.SandboxBroken):
        runtime.act("lab", lambda c: c.api.create(configmap("refused")), wall=WALL + 5)
    assert "cannot be loaded" in str(broken.value) and "reset it to start over" in str(broken.value)
    assert ("does not decode" if damage == "garbage" else "bringing it up to now failed") in str(broken.value)
    assert saved_state("lab") == before

    runtime.reset_sandbox("lab")
    _, cluster = runtime.load("lab", wall=WALL + 10)
    assert names(cluster, "ConfigMap") == ["kube-root-ca.crt"]
    assert len(cluster.store.list("Node")) == (4 if damage == "timers" else 3)  # its settings, when they read


def test_a_saved_write_is_not_reported_as_failed_when_the_channel_layer_is_down(settings: Any) -> None:
    runtime.create_sandbox("lab", wall=WALL)
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}  # nothing listens

    outcome = runtime.act("lab", lambda c: c.api.create(configmap("kept")), wall=WALL + 1)

    assert outcome.version == 2
    assert names(runtime.load("lab", wall=WALL + 1)[1], "ConfigMap") == ["kept", "kube-root-ca.crt"]
