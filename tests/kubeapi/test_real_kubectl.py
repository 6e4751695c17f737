"""A learner's own kubectl (the real v1.32 binary) against a sandbox served by Podium, over HTTPS."""

from __future__ import annotations

import json
import time

import pytest
import yaml

from cluster import runtime
from cluster.models import SandboxChange
from cluster.sim import kubectl as builtin
from cluster.sim.apimachinery.kinds import KINDS
from tests.kubeapi.conftest import watch_a_pods_life

pytestmark = [pytest.mark.kubectl]

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
"""


def deploy_web(live) -> None:
    live.kubectl.ok("apply", "-f", "-", stdin=WEB)
    live.kubectl.ok("rollout", "status", "deployment/web", "--timeout=30s")


def builtin_kubectl(live, *args: str) -> builtin.Result:
    return runtime.act(live.name, lambda cluster: builtin.run(cluster, list(args))).result


def pod_names(live, selector: str = "app=web") -> list[str]:
    return live.kubectl.ok("get", "pods", "-l", selector, "-o", "name").split()


def test_kubectl_version_shows_the_simulated_server(live):
    out = live.kubectl.ok("version")

    assert "Server Version: v1.32.4\n" in out


def test_api_resources_lists_every_simulated_kind(live):
    out = live.kubectl.ok("api-resources")

    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert ["pods", "po", "v1", "true", "Pod"] in rows
    assert ["services", "svc", "v1", "true", "Service"] in rows
    assert ["deployments", "deploy", "apps/v1", "true", "Deployment"] in rows
    assert ["replicasets", "rs", "apps/v1", "true", "ReplicaSet"] in rows
    assert ["endpointslices", "discovery.k8s.io/v1", "true", "EndpointSlice"] in rows
    assert ["nodes", "no", "v1", "false", "Node"] in rows
    assert sorted(r[-1] for r in rows[1:]) == sorted(KINDS)


def test_apply_creates_then_leaves_unchanged_then_configures(live):
    first = live.kubectl("apply", "-f", "-", stdin=WEB)
    again = live.kubectl("apply", "-f", "-", stdin=WEB)
    changed = live.kubectl("apply", "-f", "-", stdin=WEB.replace("replicas: 2", "replicas: 3"))

    assert (first.stdout, first.stderr, first.code) == ("deployment.apps/web created\nservice/web created\n", "", 0)
    assert again.stdout == "deployment.apps/web unchanged\nservice/web unchanged\n"
    assert changed.stdout == "deployment.apps/web configured\nservice/web unchanged\n"
    live.kubectl.ok("rollout", "status", "deployment/web", "--timeout=30s")
    assert len(pod_names(live)) == 3


def test_get_prints_every_simulated_kind_in_every_output_form(live):
    deploy_web(live)
    every_kind = ",".join(k.resource for k in KINDS.values())
    _, cluster = runtime.load(live.name)
    expected = {f"{k.type_name}/{o['metadata']['name']}" for k in KINDS.values() if k.kind != "Event"
                for o in cluster.store.list(k.kind)}

    names = live.kubectl.ok("get", every_kind, "-A", "-o", "name").split()
    as_json = json.loads(live.kubectl.ok("get", every_kind, "-A", "-o", "json"))
    as_yaml = yaml.safe_load(live.kubectl.ok("get", every_kind, "-A", "-o", "yaml"))
    wide = live.kubectl.ok("get", every_kind, "-A", "-o", "wide")

    assert {n for n in names if not n.startswith("event/")} == expected  # events come and go on their own
    assert as_json["kind"] == as_yaml["kind"] == "List"
    present = {k.kind for k in KINDS.values() if cluster.store.list(k.kind)}
    assert {i["kind"] for i in as_json["items"]} == {i["kind"] for i in as_yaml["items"]} == present
    headers = [line.split() for line in wide.splitlines() if line.startswith("NAMESPACE ")]
    assert ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE",
            "READINESS", "GATES"] in headers
    assert ["NAMESPACE", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES",
            "SELECTOR"] in headers
    assert "deployment.apps/web" in wide


def test_describe_shows_pods_deployments_and_services_with_their_events(live):
    deploy_web(live)
    pod = pod_names(live)[0].split("/")[1]

    pod_text = live.kubectl.ok("describe", "pod", pod)
    deploy_text = live.kubectl.ok("describe", "deployment", "web")
    svc_text = live.kubectl.ok("describe", "service", "web")

    assert pod_text.startswith(f"Name:             {pod}\nNamespace:        default\n")
    assert f"Successfully assigned default/{pod} to podium-worker" in pod_text
    assert "Normal  Started    " in pod_text and "Started container nginx" in pod_text
    assert "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable" in deploy_text
    assert "ScalingReplicaSet  " in deploy_text and "Scaled up replica set web-" in deploy_text
    assert "Selector:                 app=web\n" in svc_text
    endpoints = next(line for line in svc_text.splitlines() if line.startswith("Endpoints:"))
    assert len(endpoints.split()[1].split(",")) == 2


def test_delete_waits_for_the_pod_to_go(live):
    deploy_web(live)
    doomed = pod_names(live)[0]

    started = time.monotonic()
    out = live.kubectl.ok("delete", doomed, timeout=30)
    took = time.monotonic() - started

    assert out == f'pod "{doomed.split("/")[1]}" deleted\n'
    _, cluster = runtime.load(live.name)
    assert cluster.store.get("Pod", "default", doomed.split("/")[1]) is None
    assert took < 20
    missing = live.kubectl("get", doomed)
    assert missing.stderr == f'Error from server (NotFound): pods "{doomed.split("/")[1]}" not found\n'


def test_scale_goes_through_the_scale_subresource(live):
    deploy_web(live)

    out = live.kubectl.ok("scale", "deployment/web", "--replicas=4")
    live.kubectl.ok("rollout", "status", "deployment/web", "--timeout=30s")

    assert out == "deployment.apps/web scaled\n"
    assert len(pod_names(live)) == 4
    _, cluster = runtime.load(live.name)
    assert cluster.store.get("Deployment", "default", "web")["spec"]["replicas"] == 4


def test_rollout_restart_status_and_undo(live):
    deploy_web(live)

    def new_replica_set() -> str:
        text = live.kubectl.ok("describe", "deployment", "web")
        return next(line for line in text.splitlines() if line.startswith("NewReplicaSet:")).split()[1]

    first = new_replica_set()
    restarted = live.kubectl.ok("rollout", "restart", "deployment/web")
    status = live.kubectl.ok("rollout", "status", "deployment/web", "--timeout=30s")
    second = new_replica_set()
    undone = live.kubectl.ok("rollout", "undo", "deployment/web")
    live.kubectl.ok("rollout", "status", "deployment/web", "--timeout=30s")

    assert restarted == "deployment.apps/web restarted\n"
    assert status.endswith('deployment "web" successfully rolled out\n')
    assert second != first
    assert undone == "deployment.apps/web rolled back\n"
    assert new_replica_set() == first  # back to revision 1's pod template


def test_label_and_expose(live):
    deploy_web(live)

    labeled = live.kubectl.ok("label", "deployment", "web", "tier=frontend")
    exposed = live.kubectl.ok("expose", "deployment", "web", "--name=web-public", "--port=8080",
                              "--target-port=80", "--type=NodePort")
    shown = live.kubectl.ok("get", "service", "web-public", "--show-labels")

    assert labeled == "deployment.apps/web labeled\n"
    assert exposed == "service/web-public exposed\n"
    header, row = shown.splitlines()
    assert header.split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "LABELS"]
    assert row.split()[1] == "NodePort" and row.split()[4].startswith("8080:3")
    assert row.split()[-1] == "app=web,tier=frontend"


def test_get_watch_follows_a_pod_through_its_lifecycle(live):
    out = watch_a_pods_life(live)

    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    statuses = [r[2] for r in rows[1:]]
    assert statuses[0] == "Pending"
    assert "ContainerCreating" in statuses and "Running" in statuses
    assert statuses[-1] == "Terminating"  # the DELETED event prints the pod's last row
    assert statuses.index("ContainerCreating") < statuses.index("Running") < statuses.index("Terminating")


INVALID = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web-frontend
    spec:
      containers:
      - name: nginx
        image: nginx
"""


def test_an_invalid_manifest_is_answered_with_a_real_clusters_text(live):
    mismatch = live.kubectl("apply", "-f", "-", stdin=INVALID)
    port_zero = live.kubectl("apply", "-f", "-", stdin=(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 0\n"))
    typo = live.kubectl("apply", "-f", "-", stdin=(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 80\n"
        "    tragetPort: 8080\n"))
    exists = live.kubectl("create", "-f", "-", stdin=WEB.split("---\n")[1])
    again = live.kubectl("create", "-f", "-", stdin=WEB.split("---\n")[1])

    assert (mismatch.stdout, mismatch.code) == ("", 1)
    assert mismatch.stderr == ('The Deployment "broken" is invalid: spec.template.metadata.labels: Invalid value: '
                               'map[string]string{"app":"web-frontend"}: `selector` does not match template '
                               "`labels`\n")
    assert port_zero.stderr == ('The Service "svc" is invalid: \n'
                                "* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"
                                "* spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, "
                                "inclusive\n")
    assert typo.stderr == ('Error from server (BadRequest): error when creating "STDIN": Service in version "v1" '
                           'cannot be handled as a Service: strict decoding error: unknown field '
                           '"spec.ports[0].tragetPort"\n')
    assert exists.stdout == "service/web created\n"
    assert again.stderr == ('Error from server (AlreadyExists): error when creating "STDIN": services "web" '
                            "already exists\n")


def test_the_real_kubectl_prints_what_the_built_in_one_prints(live):
    deploy_web(live)
    runtime.act(live.name, lambda cluster: None, speed=0)  # frozen: both see the same clock

    for args in (["get", "pods", "-o", "wide"], ["get", "svc,deploy,rs"], ["describe", "svc", "web"],
                 ["get", "pods", "--show-labels"], ["get", "endpointslices"], ["get", "nodes", "-o", "wide"]):
        real = live.kubectl(*args)
        ours = builtin_kubectl(live, *args)
        assert (real.stdout, real.stderr, real.code) == (ours.stdout, ours.stderr, ours.exit_code), args


def test_changes_made_through_the_api_reach_the_change_feed(live):
    row_before = runtime.load(live.name)[0]

    live.kubectl.ok("apply", "-f", "-", stdin=WEB)

    frames = [json.loads(f) for f in SandboxChange.objects.filter(
        sandbox__name=live.name, seq__gt=row_before.seq).values_list("frame", flat=True)]
    added = {(f["change"]["object"]["kind"], f["change"]["object"]["metadata"]["name"])
             for f in frames if f["change"]["type"] == "ADDED"}
    assert ("Deployment", "web") in added and ("Service", "web") in added


def test_a_plain_http_server_takes_the_token_in_its_url(live):
    from cluster.kubeconfig import kubeconfig_for
    from cluster.models import Sandbox

    row = Sandbox.objects.get(name=live.name)
    live.kubectl.kubeconfig.write_text(kubeconfig_for(row, live.server.http_url))

    out = live.kubectl.ok("get", "nodes")

    assert out.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert len(out.splitlines()) == 4


def test_a_wrong_token_is_refused(live):
    text = live.kubectl.kubeconfig.read_text()
    live.kubectl.kubeconfig.write_text(text.replace("token: ", "token: x"))

    refused = live.kubectl("get", "pods")

    assert refused.code == 1
    assert refused.stderr.splitlines()[-1] == ("error: You must be logged in to the server (the server has asked "
                                               "for the client to provide credentials)")


def test_kubectl_create_sends_protobuf_bodies_and_the_objects_appear(live):
    deployment = live.kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80")
    service = live.kubectl("create", "service", "clusterip", "web", "--tcp=8080:80")
    namespace = live.kubectl("create", "namespace", "lab")
    configmap = live.kubectl("create", "configmap", "cfg", "--from-literal=a=b")
    secret = live.kubectl("create", "secret", "generic", "s", "--from-literal=p=q")
    live.kubectl.ok("rollout", "status", "deployment/web", "--timeout=30s")

    assert (deployment.stdout, deployment.stderr, deployment.code) == ("deployment.apps/web created\n", "", 0)
    assert (service.stdout, service.stderr, service.code) == ("service/web created\n", "", 0)
    assert (namespace.stdout, namespace.stderr, namespace.code) == ("namespace/lab created\n", "", 0)
    assert (configmap.stdout, configmap.stderr, configmap.code) == ("configmap/cfg created\n", "", 0)
    assert (secret.stdout, secret.stderr, secret.code) == ("secret/s created\n", "", 0)
    assert len(pod_names(live)) == 2
    _, cluster = runtime.load(live.name)
    assert cluster.store.get("Service", "default", "web")["spec"]["ports"] == [
        {"name": "8080-80", "protocol": "TCP", "port": 8080, "targetPort": 80}]
    assert cluster.store.get("ConfigMap", "default", "cfg")["data"] == {"a": "b"}
    assert cluster.store.get("Secret", "default", "s")["data"] == {"p": "cQ=="}
    assert cluster.store.get("Namespace", "", "lab")["status"] == {"phase": "Active"}


def test_kubectl_create_prints_the_created_object_and_the_servers_errors(live):
    as_yaml = live.kubectl("create", "deployment", "web", "--image=nginx:1.27", "-o", "yaml")
    again = live.kubectl("create", "deployment", "web", "--image=nginx:1.27")
    dry = live.kubectl("create", "service", "nodeport", "web", "--tcp=80:80", "--dry-run=server")
    bad_port = live.kubectl("create", "service", "nodeport", "web", "--tcp=80:80", "--node-port=80")

    assert as_yaml.code == 0, as_yaml.stderr
    created = yaml.safe_load(as_yaml.stdout)
    assert created["metadata"]["uid"] and created["spec"]["strategy"]["type"] == "RollingUpdate"
    assert again.stderr == 'error: failed to create deployment: deployments.apps "web" already exists\n'
    assert (dry.stdout, dry.code) == ("service/web created (server dry run)\n", 0)
    _, cluster = runtime.load(live.name)
    assert cluster.store.get("Service", "default", "web") is None
    assert bad_port.code == 1
    assert "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range" in bad_port.stderr
