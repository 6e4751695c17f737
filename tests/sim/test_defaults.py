"""Defaulting and pod admission: what `kubectl get -o yaml` shows after a create."""

import random

import yaml

from cluster.sim.apiserver.defaults import admit_pod, apply_defaults, image_tag
from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_SERVICE

DEPLOYMENT = SEED_DEPLOYMENT

SERVICE = SEED_SERVICE


def defaulted(manifest: str) -> dict:
    obj = yaml.safe_load(manifest)
    apply_defaults(obj)
    return obj


def test_the_seed_deployment_gets_the_apps_v1_defaults():
    spec = defaulted(DEPLOYMENT)["spec"]
    assert spec["replicas"] == 2
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600


def test_the_seed_pod_template_gets_the_pod_spec_defaults_but_no_service_links():
    template = defaulted(DEPLOYMENT)["spec"]["template"]["spec"]
    assert template == {
        "containers": [{
            "name": "httpd",
            "image": "httpd",
            "imagePullPolicy": "Always",
            "ports": [{"containerPort": 80, "protocol": "TCP"}],
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        }],
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "terminationGracePeriodSeconds": 30,
    }


def test_replicas_default_to_one_and_recreate_gets_no_rolling_update():
    obj = yaml.safe_load(DEPLOYMENT)
    del obj["spec"]["replicas"]
    obj["spec"]["strategy"] = {"type": "Recreate"}
    apply_defaults(obj)
    assert obj["spec"]["replicas"] == 1
    assert obj["spec"]["strategy"] == {"type": "Recreate"}


def test_a_replica_set_defaults_to_one_replica():
    obj = yaml.safe_load(DEPLOYMENT)
    obj["kind"] = "ReplicaSet"
    del obj["spec"]["replicas"]
    apply_defaults(obj)
    assert obj["spec"]["replicas"] == 1
    assert "strategy" not in obj["spec"]


def test_the_seed_service_gets_its_defaults():
    spec = defaulted(SERVICE)["spec"]
    assert spec == {
        "selector": {"run": "httpd"},
        "ports": [{"protocol": "TCP", "port": 8080, "targetPort": 80}],
        "sessionAffinity": "None",
        "type": "ClusterIP",
        "internalTrafficPolicy": "Cluster",
    }


def test_a_missing_target_port_becomes_the_port_and_the_protocol_tcp():
    obj = yaml.safe_load(SERVICE)
    obj["spec"]["ports"] = [{"port": 8080}]
    apply_defaults(obj)
    assert obj["spec"]["ports"] == [{"port": 8080, "protocol": "TCP", "targetPort": 8080}]


def test_node_port_and_load_balancer_services_get_external_traffic_policy():
    obj = yaml.safe_load(SERVICE)
    obj["spec"]["type"] = "NodePort"
    apply_defaults(obj)
    assert obj["spec"]["externalTrafficPolicy"] == "Cluster"
    assert "allocateLoadBalancerNodePorts" not in obj["spec"]
    obj = yaml.safe_load(SERVICE)
    obj["spec"]["type"] = "LoadBalancer"
    apply_defaults(obj)
    assert obj["spec"]["externalTrafficPolicy"] == "Cluster"
    assert obj["spec"]["allocateLoadBalancerNodePorts"] is True


def test_client_ip_affinity_gets_a_three_hour_timeout():
    obj = yaml.safe_load(SERVICE)
    obj["spec"]["sessionAffinity"] = "ClientIP"
    apply_defaults(obj)
    assert obj["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_image_pull_policy_follows_the_tag():
    assert image_tag("nginx") == "latest"
    assert image_tag("nginx:latest") == "latest"
    assert image_tag("registry.local:5000/team/nginx:1.27") == "1.27"
    assert image_tag("nginx@sha256:" + "a" * 64) == ""
    assert image_tag("Nginx") == ""
    pod = {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "nginx:1.27"},
                                                  {"name": "b", "image": "busybox"}]}}
    apply_defaults(pod)
    assert [c["imagePullPolicy"] for c in pod["spec"]["containers"]] == ["IfNotPresent", "Always"]


def test_a_pod_gets_service_links_and_requests_copied_from_limits():
    pod = {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "nginx:1.27",
                                                   "resources": {"limits": {"cpu": "500m", "memory": "64Mi"},
                                                                 "requests": {"cpu": "100m"}}}]}}
    apply_defaults(pod)
    assert pod["spec"]["enableServiceLinks"] is True
    assert pod["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "100m", "memory": "64Mi"}


def test_probes_get_their_timings_and_http_get_its_path_and_scheme():
    pod = {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "nginx:1.27",
                                                   "readinessProbe": {"httpGet": {"port": 80}}}]}}
    apply_defaults(pod)
    assert pod["spec"]["containers"][0]["readinessProbe"] == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3,
    }


def test_admission_adds_the_service_account_token_tolerations_and_priority():
    pod = {"kind": "Pod", "metadata": {"name": "web"},
           "spec": {"containers": [{"name": "a", "image": "nginx:1.27"}, {"name": "b", "image": "busybox"}]}}
    apply_defaults(pod)
    admit_pod(pod, random.Random(7))
    spec = pod["spec"]
    assert spec["serviceAccountName"] == "default"
    assert spec["serviceAccount"] == "default"
    [volume] = spec["volumes"]
    name = volume["name"]
    assert name.startswith("kube-api-access-") and len(name) == len("kube-api-access-") + 5
    assert set(name.removeprefix("kube-api-access-")) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert volume["projected"]["sources"][0] == {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}
    for container in spec["containers"]:
        assert container["volumeMounts"] == [
            {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": name, "readOnly": True}]
    assert spec["tolerations"] == [
        {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
        {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists",
         "tolerationSeconds": 300},
    ]
    assert spec["priority"] == 0
    assert spec["preemptionPolicy"] == "PreemptLowerPriority"


def test_admission_is_deterministic_for_a_seed_and_respects_automount_false():
    def admitted(seed: int, automount: bool = True) -> dict:
        pod = {"kind": "Pod", "spec": {"automountServiceAccountToken": automount,
                                       "containers": [{"name": "a", "image": "nginx"}]}}
        admit_pod(pod, random.Random(seed))
        return pod

    assert admitted(1)["spec"]["volumes"] == admitted(1)["spec"]["volumes"]
    assert "volumes" not in admitted(1, automount=False)["spec"]


def test_a_namespace_gets_its_name_label():
    namespace = {"kind": "Namespace", "metadata": {"name": "team-a"}}
    apply_defaults(namespace)
    assert namespace["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team-a"}
    assert namespace["status"] == {"phase": "Active"}


def test_secret_string_data_is_folded_into_base64_data():
    secret = {"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"password": "hunter2"}}
    apply_defaults(secret)
    assert secret["type"] == "Opaque"
    assert secret["data"] == {"password": "aHVudGVyMg=="}
    assert "stringData" not in secret
