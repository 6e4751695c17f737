"""Every manifest from the Kubernetes documentation corpus loads as kubectl 1.32 loads it."""

from collections import Counter
from pathlib import Path

import pytest

from cluster.sim.manifests.loader import ManifestError, check_type_meta, load_manifests, resolve_kind

# The corpus lives beside the repository: /work/main/tests/sim -> /work/shared/corpus.
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "k8s-docs-examples"


_LOADED: list = []


def corpus_documents():
    if _LOADED:
        return _LOADED
    if not CORPUS.is_dir():
        pytest.fail(f"the docs corpus is missing: expected it at {CORPUS}")
    documents = []
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        documents.extend(load_manifests(path.read_text(encoding="utf-8"), str(path.relative_to(CORPUS))))
    _LOADED.extend(documents)
    return documents


def test_the_corpus_holds_seventy_documents_of_five_kinds():
    documents = corpus_documents()
    assert len(documents) == 70
    assert Counter(d.obj["kind"] for d in documents) == {
        "Deployment": 31, "Service": 21, "Pod": 14, "PersistentVolumeClaim": 2, "ReplicaSet": 2}


def test_every_corpus_document_has_api_version_kind_and_name():
    for doc in corpus_documents():
        check_type_meta(doc)
        assert isinstance(doc.obj["metadata"]["name"], str) and doc.obj["metadata"]["name"], doc.source


def test_simulated_kinds_resolve_and_claims_are_refused_by_name():
    refused = []
    for doc in corpus_documents():
        try:
            resolve_kind(doc)
        except ManifestError as err:
            refused.append((doc.source, err.message.split(";")[0]))
    assert refused == [("application/wordpress/mysql-deployment.yaml",
                        "Podium does not simulate PersistentVolumeClaim (v1) objects"),
                       ("application/wordpress/wordpress-deployment.yaml",
                        "Podium does not simulate PersistentVolumeClaim (v1) objects")]


def test_flow_style_end_markers_and_missing_newlines_read_like_block_style():
    by_source = {}
    for doc in corpus_documents():
        by_source.setdefault(doc.source, []).append(doc)
    [replicaset] = by_source["controllers/replicaset.yaml"]  # flow style with comments inside
    assert replicaset.obj["spec"]["selector"] == {"matchLabels": {"pod-is-for": "garbage-collection-example"}}
    [service] = by_source["service/access/backend-service.yaml"]  # `...` end marker, no trailing newline
    assert service.obj["spec"]["ports"] == [{"protocol": "TCP", "port": 80, "targetPort": "http"}]
