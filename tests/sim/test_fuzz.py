"""Whatever a learner pastes or types, the engine answers in kubectl's words and never fails inside itself; what
kubectl refuses changes nothing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cluster.sim.cluster import Cluster
from cluster.sim.kubectl import cmd
from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_SERVICE
from tests.sim.factories import cluster
from tests.sim.fuzzing import fuzz_settings, kubectl_lines, manifest_texts

pytestmark = pytest.mark.filterwarnings("ignore")


def lesson_cluster() -> Cluster:
    c = cluster()
    cmd.run(c, ["apply", "-f", "-"], stdin=SEED_DEPLOYMENT + "---\n" + SEED_SERVICE)
    c.advance_by(30)
    return c


BASE = lesson_cluster().to_snapshot()


def fresh() -> Cluster:
    return Cluster.from_snapshot(json.loads(json.dumps(BASE)))


def still_works(c: Cluster, seconds: float) -> None:
    """Time passes, the sandbox is saved and loaded again, and the learner can still look at it."""
    c.settle()
    c.advance_by(seconds)
    again = Cluster.from_snapshot(json.loads(json.dumps(c.to_snapshot())))
    for line in ("kubectl get all -A -o wide", "kubectl describe pods", "kubectl get events"):
        result = cmd.run_line(again, line)
        assert result.exit_code == 0, (line, result.stderr)


@fuzz_settings(200)
@given(text=manifest_texts(), seconds=st.sampled_from([0.5, 3, 40, 400]))
def test_any_manifest_is_applied_or_refused_and_a_refusal_changes_nothing(text: str, seconds: float) -> None:
    c = fresh()
    rv = c.store.rv

    result = cmd.run(c, ["apply", "-f", "-"], stdin=text)

    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr.lower()
    if result.exit_code == 1 and not result.stdout:
        assert c.store.rv == rv, "kubectl refused it, yet the cluster changed"
    still_works(c, seconds)


@fuzz_settings(200)
@given(line=kubectl_lines, seconds=st.sampled_from([0.5, 40]))
def test_any_kubectl_line_is_answered_in_kubectls_words(line: str, seconds: float) -> None:
    c = fresh()

    result = cmd.run_line(c, line)

    assert result.exit_code in (0, 1, 2, 127)  # cobra's usage errors exit 1; 127: a pipe into an unknown command
    assert "Traceback" not in result.stderr
    still_works(c, seconds)
