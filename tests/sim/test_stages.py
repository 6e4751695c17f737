"""The kubelet's stage table: a lesson's overrides change when things happen to a pod, and nothing else."""

from __future__ import annotations

import json
import re

import pytest

from cluster.sim.apiserver.pods import is_ready
from cluster.sim.cluster import Cluster
from cluster.sim.controllers.kubelet.stages import STAGES, override_problems
from cluster.sim.settings import Settings
from tests.sim.factories import NOW, cluster, pod


def _seconds_until_ready(c: Cluster, name: str) -> float:
    """Cluster seconds from now until the pod's Ready condition turns True, moving timer by timer."""
    start = c.now
    while not is_ready(c.store.get("Pod", "default", name)):
        nxt = c.clock.next_time()
        assert nxt is not None and nxt - start < 600, "the pod never became Ready"
        c.advance(nxt)
    return c.now - start


def test_a_lessons_sandbox_delay_holds_the_pod_in_containercreating_that_much_longer():
    lesson = Cluster.create(Settings.from_dict({"seed": 7, "stages": {"sandbox": {"delay": 30}}}), now=NOW)
    plain = cluster(7)
    for c in (plain, lesson):
        c.api.create(pod("web", "nginx"))
    default_wait, lesson_wait = _seconds_until_ready(plain, "web"), _seconds_until_ready(lesson, "web")
    assert lesson_wait - default_wait == pytest.approx(30 - 0.6, abs=0.31)  # jitter: up to 0.3 s either way


def test_a_lessons_start_delay_is_scaled_by_its_time_scale_too():
    slow = Cluster.create(Settings(seed=3, stages={"started": {"delay": 8}}, time_scale=0.5), now=NOW)
    plain = cluster(3, time_scale=0.5)
    for c in (plain, slow):
        c.api.create(pod("web", "nginx"))
    assert _seconds_until_ready(slow, "web") - _seconds_until_ready(plain, "web") == \
        pytest.approx((8 - 0.3) * 0.5, abs=0.16)


def _back_offs(c: Cluster, name: str, count: int) -> list[str]:
    """The CrashLoopBackOff delay kubectl describe shows for each restart, moving timer by timer."""
    delays: dict[int, str] = {}
    while len(delays) < count:
        c.advance(c.clock.next_time())
        status = c.store.get("Pod", "default", name)["status"]["containerStatuses"][0]
        match = re.match(r"back-off (\S+) ", (status["state"].get("waiting") or {}).get("message", ""))
        if match:
            delays.setdefault(status["restartCount"], match.group(1))
    return [delays[n] for n in sorted(delays)]


def _crashing_pod() -> dict:
    crash = pod("crash", "busybox")
    crash["spec"]["containers"][0]["command"] = ["sh", "-c", "exit 3"]
    return crash


def test_a_lessons_crash_loop_back_off_doubles_from_its_delay_up_to_its_max():
    c = cluster(stages={"restart": {"delay": 1, "max": 4}})
    c.api.create(_crashing_pod())
    assert _back_offs(c, "crash", 5) == ["1s", "2s", "4s", "4s", "4s"]


def test_without_overrides_a_crash_loop_backs_off_as_the_kubelet_does():
    c = cluster()
    c.api.create(_crashing_pod())
    assert _back_offs(c, "crash", 7) == ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s"]


def test_an_init_container_runs_before_the_app_container_and_keeps_its_place_through_a_snapshot():
    def build() -> Cluster:
        c = cluster(1)
        p = pod("web", "nginx")
        p["spec"]["initContainers"] = [{"name": "setup", "image": "busybox", "command": ["sh", "-c", "sleep 3"]},
                                       {"name": "wait", "image": "busybox", "command": ["sleep", "2"]}]
        c.api.create(p)
        c.advance_by(4)
        return c

    a = build()
    assert [s["state"].keys() for s in a.store.get("Pod", "default", "web")["status"]["initContainerStatuses"]] == \
        [{"running"}, {"waiting"}]
    b = Cluster.from_snapshot(json.loads(json.dumps(a.to_snapshot())))
    for c in (a, b):
        c.advance_by(30)
    assert json.dumps(a.to_snapshot(), sort_keys=True) == json.dumps(b.to_snapshot(), sort_keys=True)
    web = b.store.get("Pod", "default", "web")
    assert [s["state"]["terminated"]["reason"] for s in web["status"]["initContainerStatuses"]] == \
        ["Completed", "Completed"]
    assert is_ready(web)


def test_a_snapshot_saved_before_container_slots_still_loads_and_continues():
    c = cluster(1)
    p = pod("web", "nginx")
    p["spec"]["initContainers"] = [{"name": "setup", "image": "busybox", "command": ["sh", "-c", "sleep 3"]}]
    c.api.create(p)
    c.advance_by(2)
    snapshot = json.loads(json.dumps(c.to_snapshot()))
    # version 1 numbered app containers from 0 and init containers from 10 000
    for timer in snapshot["clock"]["timers"]:
        args = timer[3]
        if timer[2] == "kubelet.step" and len(args) > 4 and isinstance(args[4], list):
            field, position = args[4]
            args[4] = position + (10_000 if field == "initContainers" else 0)
    old = Cluster.from_snapshot(dict(snapshot, version=1))
    for x in (c, old):
        x.advance_by(60)
    assert json.dumps(old.to_snapshot(), sort_keys=True) == json.dumps(c.to_snapshot(), sort_keys=True)
    assert is_ready(old.store.get("Pod", "default", "web"))


def test_every_stage_says_what_it_waits_for_and_names_a_kubelet_action():
    c = cluster()
    kubelet = next(ctl for ctl in c.controllers if ctl.name == "kubelet")
    actions = kubelet.actions  # type: ignore[attr-defined]
    assert {stage.action for stage in STAGES} == set(actions)
    assert all(stage.waits_for for stage in STAGES)
    assert len({stage.name for stage in STAGES}) == len(STAGES)


@pytest.mark.parametrize(("overrides", "problem"), [
    ({"sandbx": {"delay": 1}}, "stages: unknown stage 'sandbx'; known: sandbox, mount_retry,"),
    ({"sandbox": 5}, 'stages.sandbox: a JSON object such as {"delay": 5}'),
    ({"sandbox": {"seconds": 5}}, "stages.sandbox: unknown field 'seconds'; a stage takes delay and max"),
    ({"pulled": {"delay": 1}}, "stages.pulled.delay: not a setting of this stage (it waits for the image pull: "
                               "the image's pull_seconds in the images catalog)"),
    ({"sandbox": {"max": 9}}, "stages.sandbox.max: not a setting of this stage; only back-off stages have a max"),
    ({"started": {"delay": -1}}, "stages.started.delay: a number of seconds, 0 or more"),
    ({"started": {"delay": True}}, "stages.started.delay: a number of seconds, 0 or more"),
    ([], 'stages: a JSON object of stage overrides, e.g. {"sandbox": {"delay": 5}}'),
])
def test_a_bad_override_is_refused_in_words_its_author_can_act_on(overrides, problem):
    problems = override_problems(overrides)
    assert len(problems) == 1 and problems[0].startswith(problem)
    if isinstance(overrides, dict):
        with pytest.raises(ValueError, match=re.escape(problems[0])):
            cluster(stages=overrides)
