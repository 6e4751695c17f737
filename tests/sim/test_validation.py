"""Validation: each learner mistake gets the apiserver's exact cause lines, in its order, as kubectl prints them."""

import copy

import yaml

from cluster.sim.apiserver.decoding import decode
from cluster.sim.apiserver.defaults import apply_defaults
from cluster.sim.apiserver.validation import (
    kubectl_invalid_text,
    validate_create,
    validate_update,
    validation_error,
)
from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_SERVICE

DNS1123_LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                 "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")


def causes(obj: dict) -> list[str]:
    """What the API path reports for a create: decode, default, validate."""
    decode(obj)
    apply_defaults(obj)
    return [str(e) for e in validate_create(obj)]


def kubectl_says(obj: dict) -> str:
    decode(obj)
    apply_defaults(obj)
    return kubectl_invalid_text(validation_error(obj, validate_create(obj)))


def service(**spec: object) -> dict:
    obj = yaml.safe_load(SEED_SERVICE)
    obj["metadata"]["namespace"] = "default"  # as the apiserver sets it before validating
    obj["spec"].update(spec)
    return obj


def deployment() -> dict:
    obj = yaml.safe_load(SEED_DEPLOYMENT)
    obj["metadata"]["namespace"] = "default"
    return obj


# ---- the seed manifests ---------------------------------------------------------------------------------


def test_the_seed_service_and_the_apps_v1_deployment_are_valid():
    assert causes(service()) == []
    assert causes(deployment()) == []


def test_the_old_tutorial_deployment_without_a_selector_gets_two_causes():
    obj = deployment()
    del obj["spec"]["selector"]
    assert kubectl_says(obj) == (
        'The Deployment "httpd" is invalid: \n'
        "* spec.selector: Required value\n"
        '* spec.template.metadata.labels: Invalid value: map[string]string{"run":"httpd"}: '
        "`selector` does not match template `labels`")


# ---- Service (§4.2) -------------------------------------------------------------------------------------


def test_a_service_without_ports_needs_them():
    assert causes(service(ports=[])) == ["spec.ports: Required value"]


def test_a_port_out_of_range_is_reported_with_the_explicit_target_port_alone():
    assert kubectl_says(service(ports=[{"port": 70000, "targetPort": 80}])) == (
        'The Service "httpd-svc" is invalid: spec.ports[0].port: Invalid value: 70000: '
        "must be between 1 and 65535, inclusive")


def test_port_zero_without_target_port_gives_two_causes_because_target_port_defaults_to_it():
    assert kubectl_says(service(ports=[{"port": 0}])) == (
        'The Service "httpd-svc" is invalid: \n'
        "* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"
        "* spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive")


def test_with_two_ports_every_unnamed_one_needs_a_name():
    assert causes(service(ports=[{"port": 80}, {"port": 81}])) == [
        "spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]


def test_port_names_must_be_unique():
    assert causes(service(ports=[{"name": "http", "port": 80}, {"name": "http", "port": 81}])) == [
        'spec.ports[1].name: Duplicate value: "http"']


def test_port_names_are_dns_labels():
    assert causes(service(ports=[{"name": "HTTP", "port": 80}])) == [
        f'spec.ports[0].name: Invalid value: "HTTP": {DNS1123_LABEL}']


def test_a_lower_case_protocol_is_not_supported():
    assert causes(service(ports=[{"port": 80, "protocol": "http"}])) == [
        'spec.ports[0].protocol: Unsupported value: "http": supported values: "SCTP", "TCP", "UDP"']


def test_a_numeric_target_port_out_of_range():
    assert causes(service(ports=[{"port": 80, "targetPort": 70000}])) == [
        "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive"]


def test_a_quoted_number_target_port_is_a_port_name_without_letters():
    assert causes(service(ports=[{"port": 80, "targetPort": "8080"}])) == [
        'spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)']


def test_every_port_name_rule_is_its_own_cause():
    assert causes(service(ports=[{"port": 80, "targetPort": "-Web--frontend-http"}])) == [
        'spec.ports[0].targetPort: Invalid value: "-Web--frontend-http": must be no more than 15 characters',
        'spec.ports[0].targetPort: Invalid value: "-Web--frontend-http": must contain only alpha-numeric '
        "characters (a-z, 0-9), and hyphens (-)",
        'spec.ports[0].targetPort: Invalid value: "-Web--frontend-http": must not contain consecutive hyphens',
        'spec.ports[0].targetPort: Invalid value: "-Web--frontend-http": must not begin or end with a hyphen',
    ]


def test_a_zero_or_empty_target_port_defaults_to_the_port():
    for target in (0, ""):
        obj = service(ports=[{"port": 80, "targetPort": target}])
        assert causes(obj) == []
        assert obj["spec"]["ports"][0]["targetPort"] == 80


def test_the_same_port_and_protocol_twice_is_a_duplicate_service_port():
    assert causes(service(ports=[{"name": "a", "port": 80}, {"name": "b", "port": 80, "targetPort": 81}])) == [
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), '
        'Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}']


def test_a_misspelled_type_is_not_supported():
    assert causes(service(type="Nodeport")) == [
        'spec.type: Unsupported value: "Nodeport": supported values: "ClusterIP", "ExternalName", '
        '"LoadBalancer", "NodePort"']


def test_a_node_port_on_a_cluster_ip_service_is_forbidden():
    assert causes(service(ports=[{"port": 80, "nodePort": 30080}])) == [
        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]


def test_the_same_node_port_twice_is_a_duplicate():
    ports = [{"name": "a", "port": 80, "nodePort": 30080}, {"name": "b", "port": 81, "nodePort": 30080}]
    assert causes(service(type="NodePort", ports=ports)) == ["spec.ports[1].nodePort: Duplicate value: 30080"]


def test_a_load_balancer_may_not_expose_the_kubelet_port():
    assert causes(service(type="LoadBalancer", ports=[{"port": 10250}])) == [
        "spec.ports[0]: Invalid value: 10250: may not expose port 10250 externally since it is used by kubelet"]


def test_a_headless_node_port_service_is_invalid():
    assert kubectl_says(service(type="NodePort", clusterIP="None")) == (
        "The Service \"httpd-svc\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": "
        "may not be set to 'None' for NodePort services")


def test_a_headless_cluster_ip_service_needs_no_ports():
    assert causes(service(clusterIP="None", ports=[])) == []


def test_session_affinity_is_case_sensitive():
    assert causes(service(sessionAffinity="clientip")) == [
        'spec.sessionAffinity: Unsupported value: "clientip": supported values: "ClientIP", "None"']


def test_a_selector_value_with_a_space_is_reported_at_the_selector_map():
    assert causes(service(selector={"app": "my app"})) == [
        'spec.selector: Invalid value: "my app": a valid label must be an empty string or consist of alphanumeric '
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
        "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]


def test_a_service_name_must_be_a_dns_1035_label():
    obj = service()
    obj["metadata"]["name"] = "MyService"
    assert causes(obj) == [
        'metadata.name: Invalid value: "MyService": a DNS-1035 label must consist of lower case alphanumeric '
        "characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. "
        "'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]
    obj = service()
    obj["metadata"]["name"] = "1web"
    assert causes(obj)[0].startswith('metadata.name: Invalid value: "1web": a DNS-1035 label')


def test_a_long_service_name_gets_both_messages():
    obj = service()
    obj["metadata"]["name"] = "a" * 64
    assert causes(obj) == [f'metadata.name: Invalid value: "{"a" * 64}": must be no more than 63 characters']


def test_a_cluster_ip_that_is_not_an_ip():
    assert causes(service(clusterIP="abc")) == [
        'spec.clusterIPs[0]: Invalid value: "abc": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']


def test_checks_run_in_the_apiservers_order():
    obj = service(type="Nodeport", sessionAffinity="sticky", selector={"app": "a b"},
                  ports=[{"port": 0, "targetPort": 80, "protocol": "tcp"}])
    obj["metadata"]["name"] = "Web"
    fields = [c.split(":")[0] for c in causes(obj)]
    assert fields == ["metadata.name", "spec.ports[0].port", "spec.ports[0].protocol", "spec.selector",
                      "spec.sessionAffinity", "spec.type"]


def test_an_unchanged_cluster_ip_update_is_fine_but_a_new_one_may_not_change_once_set():
    old = service(clusterIP="10.96.0.5", clusterIPs=["10.96.0.5"])
    apply_defaults(old)
    new = copy.deepcopy(old)
    assert validate_update(new, old) == []
    new["spec"]["clusterIP"] = "10.96.0.6"
    new["spec"]["clusterIPs"] = ["10.96.0.6"]
    assert [str(e) for e in validate_update(new, old)] == [
        'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set']


# ---- Deployment and ReplicaSet (§4.3) -------------------------------------------------------------------


def test_a_selector_that_misses_the_template_labels():
    obj = deployment()
    obj["spec"]["template"]["metadata"]["labels"] = {"app": "web-frontend"}
    assert kubectl_says(obj) == (
        'The Deployment "httpd" is invalid: spec.template.metadata.labels: Invalid value: '
        'map[string]string{"app":"web-frontend"}: `selector` does not match template `labels`')


def test_an_empty_selector_is_invalid_for_deployment():
    obj = deployment()
    obj["spec"]["selector"] = {}
    assert causes(obj) == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"]


def test_negative_replicas():
    obj = deployment()
    obj["spec"]["replicas"] = -1
    assert causes(obj) == ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]


def test_a_template_restart_policy_other_than_always():
    obj = deployment()
    obj["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert causes(obj) == [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']


def test_active_deadline_seconds_in_a_template():
    obj = deployment()
    obj["spec"]["template"]["spec"]["activeDeadlineSeconds"] = 30
    assert causes(obj) == [
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"]


def test_max_surge_and_max_unavailable_both_zero():
    obj = deployment()
    obj["spec"]["strategy"] = {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}
    assert causes(obj) == [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: '
        "may not be 0 when `maxSurge` is 0"]


def test_max_unavailable_over_100_percent():
    obj = deployment()
    obj["spec"]["strategy"] = {"rollingUpdate": {"maxUnavailable": "150%"}}
    assert causes(obj) == [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, '
        'StrVal:"150%"}: must not be greater than 100%']


def test_a_percent_without_the_sign():
    obj = deployment()
    obj["spec"]["strategy"] = {"rollingUpdate": {"maxSurge": "25"}}
    assert causes(obj) == [
        'spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"25"}: '
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex "
        "used for validation is '[0-9]+%')"]


def test_recreate_with_rolling_update_parameters():
    obj = deployment()
    obj["spec"]["strategy"] = {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}
    assert causes(obj) == [
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]


def test_an_unknown_strategy_type():
    obj = deployment()
    obj["spec"]["strategy"] = {"type": "BlueGreen"}
    assert causes(obj) == [
        'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", '
        'RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"']


def test_progress_deadline_not_above_min_ready_seconds():
    obj = deployment()
    obj["spec"]["minReadySeconds"] = 600
    assert causes(obj) == [
        "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"]


def test_no_containers():
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"] = []
    assert causes(obj) == ["spec.template.spec.containers: Required value"]


def test_a_container_without_name_or_image():
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"] = [{"ports": [{"containerPort": 80}]}]
    assert causes(obj) == ["spec.template.spec.containers[0].name: Required value",
                           "spec.template.spec.containers[0].image: Required value"]


def test_a_container_name_with_capitals_and_underscore():
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["name"] = "Web_Server"
    assert causes(obj) == [f'spec.template.spec.containers[0].name: Invalid value: "Web_Server": {DNS1123_LABEL}']


def test_an_image_pull_policy_typo():
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "always"
    assert causes(obj) == [
        'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "always": supported values: '
        '"Always", "IfNotPresent", "Never"']


def test_container_port_zero_and_out_of_range():
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["ports"] = [{"containerPort": 0}, {"containerPort": 70000}]
    assert causes(obj) == [
        "spec.template.spec.containers[0].ports[0].containerPort: Required value",
        "spec.template.spec.containers[0].ports[1].containerPort: Invalid value: 70000: "
        "must be between 1 and 65535, inclusive"]


def test_a_deployment_name_must_be_a_dns_subdomain():
    obj = deployment()
    obj["metadata"]["name"] = "MyWebApp"
    assert causes(obj) == [
        'metadata.name: Invalid value: "MyWebApp": a lowercase RFC 1123 subdomain must consist of lower case '
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
        "'example.com', regex used for validation is "
        r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]


def test_a_missing_name():
    obj = deployment()
    del obj["metadata"]["name"]
    assert causes(obj) == ["metadata.name: Required value: name or generateName is required"]


def test_template_label_errors_are_reported_at_the_template_labels_map():
    obj = deployment()
    obj["spec"]["selector"]["matchExpressions"] = [{"key": "tier", "operator": "Exists"}]
    obj["spec"]["template"]["metadata"]["labels"]["tier"] = "front end"
    assert causes(obj)[0].startswith('spec.template.labels: Invalid value: "front end": a valid label must')


def test_changing_a_deployment_selector_is_immutable():
    old = deployment()
    apply_defaults(old)
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"app": "web-v2"}}
    new["spec"]["template"]["metadata"]["labels"] = {"app": "web-v2"}
    assert [str(e) for e in validate_update(new, old)] == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web-v2"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]


def test_scaling_a_deployment_is_a_valid_update():
    old = deployment()
    apply_defaults(old)
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 5
    assert validate_update(new, old) == []


def test_a_replica_set_is_held_to_the_same_selector_rules():
    obj = deployment()
    obj["kind"] = "ReplicaSet"
    del obj["spec"]["selector"]
    assert causes(obj) == [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: map[string]string{"run":"httpd"}: '
        "`selector` does not match template `labels`"]


# ---- Pods and the rest ----------------------------------------------------------------------------------

POD = """
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
spec:
  containers:
  - name: web
    image: nginx:1.27
"""


def test_a_pod_label_with_a_slash_too_many():
    obj = yaml.safe_load(POD)
    obj["metadata"]["labels"] = {"a/b/c": "x"}
    assert causes(obj) == [
        "metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', "
        "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
        "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
        "subdomain prefix and '/' (e.g. 'example.com/MyName')"]


def test_requests_above_limits():
    obj = yaml.safe_load(POD)
    obj["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "500m"}, "requests": {"cpu": "1"}}
    assert causes(obj) == [
        'spec.containers[0].resources.requests[cpu]: Invalid value: "1": must be less than or equal to cpu '
        "limit of 500m"]


def test_a_mount_of_a_volume_that_does_not_exist():
    obj = yaml.safe_load(POD)
    obj["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
    assert causes(obj) == ['spec.containers[0].volumeMounts[0].name: Not found: "data"']


def test_a_pod_may_only_change_its_image():
    old = yaml.safe_load(POD)
    apply_defaults(old)
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["image"] = "nginx:1.28"
    assert validate_update(new, old) == []
    new["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "protocol": "TCP"}]
    [error] = validate_update(new, old)
    assert str(error).startswith(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
        "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
        "previously negative)\n")


def test_config_map_keys():
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"},
           "data": {"my key": "v", "ok.key": "v"}}
    assert causes(obj) == [
        "data[my key]: Invalid value: \"my key\": a valid config key must consist of alphanumeric characters, "
        "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
        "'[-._a-zA-Z0-9]+')"]


def test_a_namespace_name_is_a_dns_label():
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team.a"}}
    assert causes(obj) == [
        "metadata.name: Invalid value: \"team.a\": a lowercase RFC 1123 label must consist of lower case "
        "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
        "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]


def test_the_full_422_message_uses_the_group_qualified_kind():
    obj = deployment()
    obj["spec"]["replicas"] = -1
    decode(obj)
    apply_defaults(obj)
    error = validation_error(obj, validate_create(obj))
    assert error.code == 422
    assert error.message == ('Deployment.apps "httpd" is invalid: spec.replicas: Invalid value: -1: '
                             "must be greater than or equal to 0")
    assert error.details["group"] == "apps"
    assert error.causes == [{"reason": "FieldValueInvalid", "message": "Invalid value: -1: must be greater than "
                             "or equal to 0", "field": "spec.replicas"}]
