"""Strict decoding: wrong JSON types and unknown fields get the apiserver's 400 BadRequest texts."""

import pytest
import yaml

from cluster.sim.apimachinery.errors import ApiError
from cluster.sim.apiserver.decoding import decode, go_type_name, schema
from cluster.sim.teaching.seed import SEED_SERVICE


def decode_error(manifest: str, strict: bool = True) -> str:
    with pytest.raises(ApiError) as caught:
        decode(yaml.safe_load(manifest), strict=strict)
    assert caught.value.code == 400
    assert caught.value.reason == "BadRequest"
    return caught.value.message


SERVICE = SEED_SERVICE

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: httpd
spec:
  replicas: 2
  selector:
    matchLabels:
      run: httpd
  template:
    metadata:
      labels:
        run: httpd
    spec:
      containers:
      - name: httpd
        image: httpd
        ports:
        - containerPort: 80
        env:
        - name: MODE
          value: fast
        resources:
          limits:
            cpu: 500m
            memory: 128Mi
        readinessProbe:
          httpGet:
            port: http
"""


def test_the_seed_manifests_decode_cleanly():
    decode(yaml.safe_load(SERVICE))
    decode(yaml.safe_load(DEPLOYMENT))


def test_a_quoted_service_port_cannot_be_handled():
    message = decode_error(SERVICE.replace("port: 8080", 'port: "8080"'))
    assert message == ('Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string '
                       "into Go struct field ServicePort.spec.ports.port of type int32")


def test_quoted_replicas_name_the_deployment_spec_and_the_bare_version():
    message = decode_error(DEPLOYMENT.replace("replicas: 2", 'replicas: "3"'))
    assert message == ('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal '
                       "string into Go struct field DeploymentSpec.spec.replicas of type int32")


def test_a_deployment_style_selector_on_a_service_is_an_object_where_a_string_belongs():
    manifest = SERVICE.replace("  selector:\n    run: httpd", "  selector:\n    matchLabels:\n      run: httpd")
    assert decode_error(manifest).endswith(
        "json: cannot unmarshal object into Go struct field ServiceSpec.spec.selector of type string")


def test_a_selector_without_a_space_after_the_colon_is_a_string():
    manifest = SERVICE.replace("  selector:\n    run: httpd", "  selector:\n    run:httpd")
    assert decode_error(manifest).endswith(
        "json: cannot unmarshal string into Go struct field ServiceSpec.spec.selector of type map[string]string")


def test_a_numeric_env_value_names_the_env_var_struct_and_the_path_without_indices():
    manifest = DEPLOYMENT.replace("value: fast", "value: 8080")
    assert decode_error(manifest).endswith(
        "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value "
        "of type string")


def test_a_numeric_label_value_is_reported_at_the_labels_map():
    manifest = DEPLOYMENT.replace("  name: httpd\n", "  name: httpd\n  labels:\n    version: 1.0\n", 1)
    assert decode_error(manifest).endswith(
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")


def test_containers_written_as_a_mapping_is_an_object_where_a_list_belongs():
    obj = yaml.safe_load(DEPLOYMENT)
    obj["spec"]["template"]["spec"]["containers"] = {"name": "httpd", "image": "httpd"}
    with pytest.raises(ApiError) as caught:
        decode(obj)
    assert caught.value.message.endswith(
        "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers "
        "of type []v1.Container")


def test_a_misspelled_field_is_a_strict_decoding_error():
    manifest = DEPLOYMENT.replace("      containers:", "      contianers:")
    assert decode_error(manifest) == ('Deployment in version "v1" cannot be handled as a Deployment: strict '
                                      'decoding error: unknown field "spec.template.spec.contianers"')


def test_unknown_fields_inside_lists_carry_their_index_and_are_joined_in_key_order():
    obj = yaml.safe_load(DEPLOYMENT)
    container = obj["spec"]["template"]["spec"]["containers"][0]
    container["imagePullPolcy"] = "Always"
    obj["spec"]["replica"] = 3
    with pytest.raises(ApiError) as caught:
        decode(obj)
    assert caught.value.message.endswith(
        'strict decoding error: unknown field "spec.replica", '
        'unknown field "spec.template.spec.containers[0].imagePullPolcy"')


def test_without_strict_unknown_fields_pass():
    decode(yaml.safe_load(DEPLOYMENT.replace("      containers:", "      contianers:")), strict=False)


def test_type_errors_take_precedence_over_unknown_fields():
    manifest = SERVICE.replace("port: 8080", 'port: "8080"').replace("  selector:", "  selectr:")
    assert "cannot unmarshal string into Go struct field ServicePort.spec.ports.port" in decode_error(manifest)


def test_named_go_types_are_printed_as_the_api_declares_them():
    manifest = SERVICE.replace("protocol: TCP", "protocol: 6")
    assert decode_error(manifest).endswith(
        "json: cannot unmarshal number into Go struct field ServicePort.spec.ports.protocol of type v1.Protocol")


def test_a_fractional_port_names_the_number():
    assert decode_error(SERVICE.replace("port: 8080", "port: 80.5")).endswith(
        "json: cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.port of type int32")


def test_a_whole_float_is_sent_as_an_integer_and_accepted():
    decode(yaml.safe_load(DEPLOYMENT.replace("replicas: 2", "replicas: 2.0")))


def test_a_target_port_may_be_a_number_or_a_name_but_not_a_bool():
    decode(yaml.safe_load(SERVICE.replace("targetPort: 80", "targetPort: http")))
    assert decode_error(SERVICE.replace("targetPort: 80", "targetPort: true")).endswith(
        "json: cannot unmarshal bool into Go value of type int32")


def test_a_malformed_quantity_is_reported_by_the_quantity_parser():
    message = decode_error(DEPLOYMENT.replace("cpu: 500m", "cpu: 1 core"))
    assert message == ('Deployment in version "v1" cannot be handled as a Deployment: quantities must match the '
                       "regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    # `B` is not a suffix letter at all, so the whole string fails the format
    assert decode_error(DEPLOYMENT.replace("memory: 128Mi", "memory: 128MB")).endswith("[0-9]*)$'")
    assert decode_error(DEPLOYMENT.replace("memory: 128Mi", "memory: 128mi")).endswith(
        "unable to parse quantity's suffix")


def test_secret_data_must_be_base64():
    manifest = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: hunter2!\n"
    assert decode_error(manifest) == ('Secret in version "v1" cannot be handled as a Secret: '
                                      "illegal base64 data at input byte 7")


def test_the_schema_knows_every_simulated_kind_and_prints_go_types():
    assert set(schema()["kinds"]) == {"Pod", "Service", "Namespace", "ConfigMap", "Secret", "Endpoints", "Node",
                                      "Event", "Deployment", "ReplicaSet", "EndpointSlice"}
    assert go_type_name("[]#core.v1.Container") == "[]v1.Container"
    assert go_type_name("v1.ResourceList=map[string]quantity") == "v1.ResourceList"
