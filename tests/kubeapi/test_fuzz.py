"""Whatever a client sends to a sandbox's Kubernetes API, the answer is JSON (a Status when refused), never a
server error, and a refused request leaves the sandbox unchanged."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cluster import runtime
from cluster.models import Sandbox
from cluster.sim.settings import Settings
from tests.sim.fuzzing import MANIFESTS, fuzz_settings, hostile_text, json_patches, mutated_objects, values

pytestmark = pytest.mark.filterwarnings("ignore")

BASE = "/k8s/fuzz"
PATHS = ["/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/configmaps/settings",
         "/api/v1/namespaces/default/pods", "/api/v1/namespaces/default/pods/app",
         "/api/v1/namespaces/default/pods/app/status", "/api/v1/namespaces/default/services",
         "/api/v1/namespaces/default/services/httpd-svc", "/apis/apps/v1/namespaces/default/deployments",
         "/apis/apps/v1/namespaces/default/deployments/httpd", "/apis/apps/v1/namespaces/default/deployments/httpd/scale",
         "/api/v1/namespaces", "/api/v1/namespaces/default", "/api/v1/nodes", "/api/v1/nodes/podium-worker",
         "/api/v1/namespaces/default/secrets/creds", "/api/v1/pods", "/apis/apps/v1", "/api", "/version",
         "/openapi/v3/apis/apps/v1", "/api/v1/namespaces/default/events", "/apis/batch/v1/jobs", "/x/../api"]
MEDIA = ["application/json", "application/yaml", "application/merge-patch+json",
         "application/strategic-merge-patch+json", "application/json-patch+json", "application/apply-patch+yaml",
         "application/vnd.kubernetes.protobuf", "text/plain", ""]
QUERY = st.dictionaries(
    st.sampled_from(["dryRun", "fieldValidation", "labelSelector", "fieldSelector", "gracePeriodSeconds",
                     "propagationPolicy", "resourceVersion", "includeObject", "limit", "watch"]),
    st.one_of(hostile_text, st.sampled_from(["All", "Strict", "Ignore", "run=httpd", "status.phase=Running",
                                             "metadata.name!=x", "0", "-1", "Orphan", "Foreground", "Object",
                                             "false", "²", "1e9"])), max_size=3)


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["object", "yaml", "patch", "value", "bytes", "empty"]))
    if kind == "object":
        return json.dumps(draw(mutated_objects())).encode()
    if kind == "yaml":
        return yaml.safe_dump(draw(mutated_objects()), allow_unicode=True).encode("utf-8", "surrogatepass")
    if kind == "patch":
        return json.dumps(draw(json_patches())).encode()
    if kind == "value":
        return json.dumps(draw(values)).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=64))
    return b""


@pytest.fixture
def sandbox(db) -> Sandbox:
    row = runtime.create_sandbox("fuzz", settings=Settings(time_scale=0.05))

    def setup(cluster):
        for obj in MANIFESTS:  # the seed's Deployment and Service, a pod `app`, a ConfigMap and a Secret
            cluster.api.create(json.loads(json.dumps(obj)))

    runtime.act("fuzz", setup)
    return row


@fuzz_settings(150)
@given(method=st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "GET"]), path=st.sampled_from(PATHS),
       media=st.sampled_from(MEDIA), body=bodies(), query=QUERY)
def test_any_request_gets_json_and_a_refused_one_changes_nothing(client, sandbox, method, path, media, body, query):
    before = Sandbox.objects.values_list("version", flat=True).get(pk=sandbox.pk)
    raw = {k: v.encode("utf-8", "surrogatepass") for k, v in query.items()}  # any bytes a client may send
    url = BASE + path + ("?" + urlencode(raw) if query else "")

    response = client.generic(method, url, body, content_type=media, HTTP_AUTHORIZATION=f"Bearer {sandbox.token}")

    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code != 500 and response.status_code < 600, content[:300]
    assert response["Content-Type"].startswith("application/json"), (response.status_code, content[:300])
    answer = json.loads(content.splitlines()[0] if response.streaming and content else content or b"{}")
    if response.status_code >= 400:
        assert answer["kind"] == "Status" and answer["code"] == response.status_code
        after = Sandbox.objects.values_list("version", flat=True).get(pk=sandbox.pk)
        assert after == before, f"{method} {path} was refused ({answer['message']}), yet the sandbox changed"
