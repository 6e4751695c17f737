"""Tab completion offers only what the built-in kubectl accepts, from its own command table."""

from __future__ import annotations

import pytest

from cluster.sim import kubectl
from cluster.sim.kubectl.completion import complete
from tests.sim.factories import cluster as make_cluster
from tests.sim.test_kubectl import SEED


@pytest.fixture
def seeded():
    c = make_cluster(7)
    assert kubectl.run(c, ["apply", "-f", "-"], stdin=SEED).exit_code == 0
    c.run_until_idle()
    return c


def test_every_verb_offered_is_one_kubectl_runs(seeded) -> None:
    verbs = complete(seeded, "kubectl ")
    assert {"get", "describe", "apply", "scale", "rollout", "logs", "exec"} <= set(verbs)
    for verb in verbs:
        result = kubectl.run_line(seeded, f"{verb} --help")
        assert "unknown command" not in result.stderr, verb
        assert "is not available in Podium" not in result.stderr, verb


def test_after_scale_only_kinds_with_a_scale_subresource_are_offered(seeded) -> None:
    offered = complete(seeded, "kubectl scale ")
    assert "deployments" in offered and "replicasets" in offered and "rs" in offered
    assert not {"pods", "secrets", "nodes", "services"} & set(offered)


def test_rollout_offers_its_subcommands_then_deployments(seeded) -> None:
    assert complete(seeded, "kubectl rollout ") == ["history", "pause", "restart", "resume", "status", "undo"]
    assert complete(seeded, "kubectl rollout status deploy/h") == ["deploy/httpd"]
    assert "pods" not in complete(seeded, "kubectl rollout status ")


def test_names_flags_and_outputs_come_from_the_command(seeded) -> None:
    assert complete(seeded, "kubectl describe svc h") == ["httpd-svc"]
    assert complete(seeded, "kubectl get pods -o ") == ["custom-columns=", "json", "jsonpath=", "name", "wide",
                                                        "yaml"]
    flags = complete(seeded, "kubectl get pods --s")
    assert "--show-labels" in flags and "--sort-by=" in flags and "--selector=" in flags
    assert "--replicas=" not in complete(seeded, "kubectl get pods --")
    assert "--replicas=" in complete(seeded, "kubectl scale deploy httpd --")
    assert complete(seeded, "kubectl logs ") == sorted(p["metadata"]["name"] for p in seeded.store.list("Pod", "default"))
    assert complete(seeded, "kubectl create ") == ["configmap", "deployment", "namespace", "secret", "service"]
    assert complete(seeded, "kubectl get pods -n kube-s") == ["kube-system"]
