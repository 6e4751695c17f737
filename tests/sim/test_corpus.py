"""Every manifest from the Kubernetes docs applies and settles as it would on a real v1.32 cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from cluster.sim.apiserver.tables import pod_status
from cluster.sim.manifests.loader import ManifestError, load_manifests, resolve_kind
from tests.sim.factories import cluster

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "k8s-docs-examples"
FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []


def apply_file(relative: str):
    """Apply a corpus file into a fresh cluster as `kubectl apply -f` does and let it settle for three minutes."""
    c = cluster(seed=3)
    outcomes, refused = [], []
    for doc in load_manifests((CORPUS / relative).read_text(encoding="utf-8"), relative):
        try:
            resolve_kind(doc)
        except ManifestError as err:
            refused.append(err.message)
            continue
        outcomes.append(c.api.apply(doc.obj)[0])
    c.advance_by(180)
    return c, outcomes, refused


def test_the_corpus_is_there():
    assert len(FILES) == 60, f"expected the 60 corpus files at {CORPUS}"


@pytest.mark.parametrize("relative", FILES)
def test_every_simulated_document_is_created_and_only_volume_claims_are_refused(relative):
    c, outcomes, refused = apply_file(relative)
    assert set(outcomes) <= {"created"}
    for message in refused:
        assert message.startswith("Podium does not simulate PersistentVolumeClaim (v1) objects")
    stuck = {
        # pods waiting for things that do not exist, exactly as a real kubelet/scheduler leaves them
        "application/mysql/mysql-deployment.yaml": "Pending",
        "application/wordpress/mysql-deployment.yaml": "Pending",
        "application/wordpress/wordpress-deployment.yaml": "Pending",
        "service/networking/nginx-secure-app.yaml": "ContainerCreating",
        "service/networking/curlpod.yaml": "ContainerCreating",
    }
    for d in c.store.list("Deployment", "default"):
        statuses = {pod_status(p) for p in c.store.list("Pod", "default") if p["metadata"]["labels"].items()
                    >= d["spec"]["selector"]["matchLabels"].items()}
        if relative in stuck:
            assert statuses == {stuck[relative]}, relative
        else:
            want = d["spec"].get("replicas", 1)
            assert d["status"].get("readyReplicas", 0) == want, (relative, statuses)


def test_a_pod_that_wants_an_ssd_node_stays_pending_with_the_schedulers_reason():
    c, _, _ = apply_file("pods/pod-nginx.yaml")
    [p] = c.store.list("Pod", "default")
    assert pod_status(p) == "Pending"
    reasons = [e["reason"] for e in c.store.list("Event", "default")]
    assert "FailedScheduling" in reasons


def test_a_missing_secret_volume_keeps_the_pod_in_containercreating_with_failedmount():
    c, _, _ = apply_file("service/networking/nginx-secure-app.yaml")
    messages = [e["message"] for e in c.store.list("Event", "default") if e["reason"] == "FailedMount"]
    assert messages and messages[0] == 'MountVolume.SetUp failed for volume "secret-volume" : secret "nginxsecret" not found'


def test_a_service_from_another_revision_of_the_docs_has_no_endpoints():
    c, _, _ = apply_file("application/nginx/nginx-svc.yaml")
    relative = "application/nginx/nginx-deployment.yaml"
    for doc in load_manifests((CORPUS / relative).read_text(encoding="utf-8"), relative):
        c.api.apply(doc.obj)
    c.advance_by(120)
    assert c.store.get("Deployment", "default", "my-nginx")["status"]["readyReplicas"] == 3
    assert not c.store.get("Endpoints", "default", "my-nginx-svc").get("subsets")


def test_an_init_container_runs_to_completion_before_the_app_container_starts():
    c = cluster(seed=3)
    relative = "pods/init-containers.yaml"
    for doc in load_manifests((CORPUS / relative).read_text(encoding="utf-8"), relative):
        c.api.apply(doc.obj)
    seen = []
    for _ in range(120):
        c.advance_by(0.25)
        status = pod_status(c.store.get("Pod", "default", "init-demo"))
        if not seen or seen[-1] != status:
            seen.append(status)
    assert "Init:0/1" in seen
    assert seen[-1] == "Running"
    assert seen.index("Init:0/1") < seen.index("Running")
    [init] = c.store.get("Pod", "default", "init-demo")["status"]["initContainerStatuses"]
    assert init["state"]["terminated"]["reason"] == "Completed"


def test_load_balancer_services_wait_for_an_external_ip():
    c, _, _ = apply_file("application/wordpress/wordpress-deployment.yaml")
    svc = c.store.get("Service", "default", "wordpress")
    assert svc["spec"]["type"] == "LoadBalancer"
    assert svc["status"] == {"loadBalancer": {}}
    assert svc["spec"]["ports"][0]["nodePort"]
