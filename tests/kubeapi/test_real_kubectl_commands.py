"""The built-in kubectl beside the real v1.32 binary, both against one sandbox served by Podium: watch, and the
commands that change objects in place."""

from __future__ import annotations

import json

import pytest

from cluster import runtime
from cluster.models import SandboxChange
from cluster.sim import kubectl as builtin
from tests.kubeapi.conftest import watch_a_pods_life

pytestmark = [pytest.mark.kubectl]


def builtin_kubectl(live, line: str) -> builtin.Result:
    return runtime.act(live.name, lambda cluster: builtin.run_line(cluster, line)).result


def test_get_w_prints_the_same_rows_as_the_real_kubectl(live):
    started = builtin_kubectl(live, "get pods -w -l run=solo")
    since = runtime.load(live.name)[0].seq
    real = watch_a_pods_life(live)
    frames = [json.loads(f) for f in SandboxChange.objects.filter(sandbox__name=live.name, seq__gt=since)
              .order_by("seq").values_list("frame", flat=True)]
    ours = "".join(started.watch.change_frame(f) for f in frames)

    # every column but AGE (the real kubectl ages against the wall clock, ours against the sandbox's)
    assert [line.split()[:4] for line in real.splitlines()] == [line.split()[:4] for line in ours.splitlines()]
