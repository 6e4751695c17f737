"""The built-in kubectl beside the real v1.32 binary, both against one sandbox served by Podium: watch, and the
commands that change objects in place."""

from __future__ import annotations

import json
import time

import pytest

from cluster import runtime
from cluster.models import SandboxChange
from cluster.sim import kubectl as builtin

pytestmark = [pytest.mark.kubectl]


def builtin_kubectl(live, line: str) -> builtin.Result:
    return runtime.act(live.name, lambda cluster: builtin.run_line(cluster, line)).result


def test_get_w_prints_the_same_rows_as_the_real_kubectl(live):
    started = builtin_kubectl(live, "get pods -w -l run=solo")
    since = runtime.load(live.name)[0].seq
    watcher = live.kubectl.popen("get", "pods", "-w", "-l", "run=solo")
    try:
        time.sleep(0.5)
        live.kubectl.ok("run", "solo", "--image=nginx")
        live.kubectl.ok("wait", "--for=condition=Ready", "pod/solo", "--timeout=30s")
        live.kubectl.ok("delete", "pod", "solo", timeout=30)
        time.sleep(1.0)
    finally:
        watcher.terminate()
    real, _ = watcher.communicate(timeout=10)
    frames = [json.loads(f) for f in SandboxChange.objects.filter(sandbox__name=live.name, seq__gt=since)
              .order_by("seq").values_list("frame", flat=True)]
    ours = "".join(started.watch.change_frame(f) for f in frames)

    # every column but AGE (the real kubectl ages against the wall clock, ours against the sandbox's)
    assert [line.split()[:4] for line in real.splitlines()] == [line.split()[:4] for line in ours.splitlines()]
