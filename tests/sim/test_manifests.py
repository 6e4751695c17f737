"""Manifests read the way kubectl 1.32 reads them: documents, values, and its exact error texts.

Expected texts were produced by the real kubectl 1.32 client (`kubectl create --dry-run=client -f`).
"""

import json
import time

import pytest
import yaml

from cluster.sim.manifests.loader import Limits, ManifestError, check_type_meta, load_manifests, resolve_kind

POD_HEAD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
PARSE = "error parsing web.yaml: error converting YAML to JSON: yaml: "


def load_error(text: str, source: str = "web.yaml") -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        load_manifests(text, source)
    return caught.value


# --- syntax errors (§4.5) ---------------------------------------------------------------------------------

def test_a_tab_indenting_a_key_cannot_start_any_token():
    err = load_error("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: web\n")
    assert err.message == PARSE + "line 4: found character that cannot start any token"
    assert err.line == 4


def test_a_tab_after_a_name_line_violates_indentation():
    err = load_error(POD_HEAD + "  - name: web\n\timage: nginx\n")
    assert err.message == PARSE + "line 8: found a tab character that violates indentation"
    assert err.line == 8


def test_a_tab_before_the_dash_cannot_start_any_token():
    err = load_error(POD_HEAD.replace("  containers:\n", "  containers:\n\t- name: web\n"))
    assert err.message == PARSE + "line 7: found character that cannot start any token"


def test_tabs_goyaml_tolerates_are_accepted():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name:\tweb\t# note\ndata:\n  l: [\ta, b]\n"
    [doc] = load_manifests(text)
    assert doc.obj["metadata"]["name"] == "web"
    assert doc.obj["data"]["l"] == ["a", "b"]


def test_an_over_indented_key_is_a_mapping_value_out_of_context():
    err = load_error(POD_HEAD + "  - name: web\n     image: nginx\n")
    assert err.message == PARSE + "line 8: mapping values are not allowed in this context"
    assert err.line == 8


def test_an_under_indented_key_reports_one_line_less_like_goyaml():
    err = load_error(POD_HEAD + "  - name: web\n image: nginx\n")
    assert err.message == PARSE + "line 7: did not find expected key"
    assert err.line == 8  # the editor underlines the real line


def test_an_error_on_the_first_line_has_no_line_number():
    err = load_error("a: b: c\n")
    assert err.message == PARSE + "mapping values are not allowed in this context"
    assert err.line == 1


def test_lines_count_from_the_document_and_a_leading_separator_counts_only_in_the_first():
    first = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n"
    assert load_error(first).message == PARSE + "line 5: found character that cannot start any token"
    second = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\n" \
             "metadata:\n\tname: b\n"
    err = load_error(second)
    assert err.message == PARSE + "line 4: found character that cannot start any token"
    assert err.line == 10
    assert [d.obj["metadata"]["name"] for d in err.parsed] == ["a"]  # kubectl still applies these


def test_a_bad_separator_is_refused():
    err = load_error("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---foo\napiVersion: v1\n")
    assert err.message == "error parsing web.yaml: invalid Yaml document separator: foo"
    assert err.line == 5
    assert err.parsed == []


def test_other_goyaml_problems_keep_their_wording():
    unclosed_flow = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: [a, b\n"
    assert load_error(unclosed_flow).message == PARSE + "line 6: did not find expected ',' or ']'"
    sequence = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    - a\n    b: c\n"
    assert load_error(sequence).message == PARSE + "line 6: did not find expected '-' indicator"
    quote = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"a\ndata:\n  b: c\n"
    assert load_error(quote).message == PARSE + "line 7: found unexpected end of stream"
    escape = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: \"a\\qb\"\n"
    assert load_error(escape).message == PARSE + "line 6: found unknown escape character"
    anchor = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: *x\n"
    assert load_error(anchor).message == PARSE + "unknown anchor 'x' referenced"


def test_values_json_cannot_hold_are_refused_like_sigs_yaml():
    head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n"
    converting = "error parsing web.yaml: error converting YAML to JSON: "
    assert load_error(head + "  x: .inf\n").message == converting + "json: unsupported value: +Inf"
    assert load_error(head + "  ~: 5\n").message == \
        converting + "unsupported map key of type: %!s(<nil>), key: <nil>, value: 5"
    assert load_error(head + "  [a, b]: x\n").message == \
        converting + 'yaml: invalid map key: []interface {}{"a", "b"}'


# --- documents --------------------------------------------------------------------------------------------

def test_it_reads_every_document_and_skips_empty_ones():
    text = "# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\n" \
           "# nothing\n---\n{apiVersion: v1, kind: ConfigMap, metadata: {name: b,},}\n...\n---\n" \
           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c"
    docs = load_manifests(text, "cms.yaml")
    assert [(d.index, d.obj["metadata"]["name"], d.start_line, d.source) for d in docs] == [
        (0, "a", 3, "cms.yaml"), (1, "b", 11, "cms.yaml"), (2, "c", 14, "cms.yaml")]


def test_it_reads_a_json_stream():
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}\n' \
           '{"apiVersion": "v1", "kind": "ConfigMap",\n "metadata": {"name": "b"}}\n'
    docs = load_manifests(text)
    assert [d.obj["metadata"]["name"] for d in docs] == ["a", "b"]
    assert docs[1].start_line == 2
    assert docs[1].line_of("metadata.name") == 3


def test_json_syntax_errors_read_like_encoding_json():
    err = load_error('{"apiVersion":"v1","kind":"ConfigMap",\n "metadata":{"name":"a",}}\n')
    assert err.message == "error parsing web.yaml: json: offset 64: invalid character '}' looking for " \
                          "beginning of object key string"
    assert err.line == 2
    assert load_error('{"apiVersion":"v1",\n').message == "error parsing web.yaml: unexpected EOF"
    assert load_error('{"a":[1 2]}').message == \
        "error parsing web.yaml: json: offset 9: invalid character '2' after array element"


def test_lists_are_flattened_into_their_items():
    text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n" \
           "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n"
    docs = load_manifests(text)
    assert [(d.index, d.obj["kind"], d.start_line) for d in docs] == [(0, "ConfigMap", 4), (1, "Service", 8)]
    assert docs[1].line_of("metadata.name") == 11


def test_typed_list_items_take_their_kind_from_the_list():
    text = '{"apiVersion": "v1", "kind": "ConfigMapList", "items": [{"metadata": {"name": "a"}}]}'
    [doc] = load_manifests(text)
    assert doc.obj == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}


def test_a_top_level_list_is_refused_like_kubectl():
    err = load_error("- apiVersion: v1\n  kind: Pod\n")
    assert err.message == 'error validating "web.yaml": error validating data: invalid object to validate; ' \
                          "if you choose to ignore these errors, turn validation off with --validate=false"


def test_duplicate_keys_keep_the_last_value_silently():
    [doc] = load_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  name: second\n")
    assert doc.obj["metadata"]["name"] == "second"


def test_values_resolve_like_goyaml_v2():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  on: yes\n  n: off\n" \
           "  date: 2024-01-01\n  clock: 1:30\n  hex: 0x1F\n  octal: 012\n  exp: 1e3\n  one: 1.0\n" \
           "  8080: port\n  3.5: f\n  bin: !!binary aGVsbG8=\n  custom: !thing 5\n  <<: {merged: m}\n"
    [doc] = load_manifests(text)
    assert doc.obj["data"] == {"true": True, "false": False, "date": "2024-01-01", "clock": "1:30", "hex": 31,
                               "octal": 10, "exp": 1000, "one": 1, "8080": "port", "3.5": "f", "bin": "hello",
                               "custom": "5", "merged": "m"}


def test_line_of_falls_back_to_the_nearest_parent():
    [doc] = load_manifests(POD_HEAD + "  - name: web\n    image: nginx\n    ports:\n    - containerPort: 80\n",
                           "pod.yaml")
    assert doc.line_of("spec.containers[0].ports[0].containerPort") == 10
    assert doc.line_of("spec.containers[0].image") == 8
    assert doc.line_of("spec.containers[0].resources.limits") == 7
    assert doc.line_of("metadata.labels[app]") == 3


# --- type meta and kinds ----------------------------------------------------------------------------------

def test_missing_kind_and_api_version_read_like_kubectl_validation():
    tail = "; if you choose to ignore these errors, turn validation off with --validate=false"
    expected = {
        "apiVersion: v1\nmetadata:\n  name: x\n": "kind not set",
        "kind: Pod\nmetadata:\n  name: x\n": "apiVersion not set",
        "metadata:\n  name: x\n": "[apiVersion not set, kind not set]",
        "apiVersion: v1\nkind: 5\n": "kind isn't string type",
    }
    for text, problem in expected.items():
        [doc] = load_manifests(text, "x.yaml")
        with pytest.raises(ManifestError) as caught:
            check_type_meta(doc)
        assert caught.value.message == f'error validating "x.yaml": error validating data: {problem}{tail}'


def test_a_simulated_kind_resolves():
    [doc] = load_manifests("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
    assert resolve_kind(doc).qualified_resource == "deployments.apps"


def test_a_removed_api_version_gets_kubectls_message_and_a_modern_rewrite():
    text = "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n" \
           "  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n" \
           "      - name: web\n        image: nginx:1.27\n"
    [doc] = load_manifests(text, "old.yaml")
    with pytest.raises(ManifestError) as caught:
        resolve_kind(doc)
    err = caught.value
    assert err.message == 'resource mapping not found for name: "web" namespace: "" from "old.yaml": ' \
                          'no matches for kind "Deployment" in version "apps/v1beta1"\n' \
                          "ensure CRDs are installed first"
    assert err.line == 2
    explanation, rewritten = err.hint.split("\n\n", 1)
    assert explanation == "apps/v1beta1 was removed in Kubernetes 1.16. Use apiVersion: apps/v1, which also " \
                          "requires spec.selector to match the template's labels:"
    modern = yaml.safe_load(rewritten)
    assert list(modern) == ["apiVersion", "kind", "metadata", "spec"]
    assert list(modern["spec"]) == ["replicas", "selector", "template"]
    assert modern["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    [again] = load_manifests(rewritten)
    assert resolve_kind(again).kind == "Deployment"


def test_a_kind_podium_does_not_simulate_is_named():
    [doc] = load_manifests("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n")
    with pytest.raises(ManifestError) as caught:
        resolve_kind(doc)
    assert caught.value.message == "Podium does not simulate PersistentVolumeClaim (v1) objects; this cluster " \
                                   "simulates ConfigMap, Deployment, EndpointSlice, Endpoints, Event, " \
                                   "Namespace, Node, Pod, ReplicaSet, Secret, Service"


def test_a_lower_case_kind_is_an_unknown_mapping_with_a_hint():
    [doc] = load_manifests("apiVersion: apps/v1\nkind: deployment\nmetadata:\n  name: web\n  namespace: prod\n",
                           "STDIN")
    with pytest.raises(ManifestError) as caught:
        resolve_kind(doc)
    assert caught.value.message.startswith('resource mapping not found for name: "web" namespace: "prod" '
                                           'from "STDIN": no matches for kind "deployment" in version "apps/v1"')
    assert caught.value.hint == "Kinds are case-sensitive: use kind: Deployment (apiVersion: apps/v1)."


# --- limits -----------------------------------------------------------------------------------------------

def test_a_billion_laughs_document_is_refused_fast():
    text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\na: &a ["lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        err = load_error(text)
        timings.append(time.perf_counter() - started)
    assert err.message == 'too many YAML aliases (more than 100): refusing to expand (a "billion laughs" document?)'
    assert min(timings) < 0.05


def test_size_document_and_depth_limits_name_the_number():
    big = "a: " + "x" * 1_400_000
    assert load_error(big).message == "the manifest is 1.3 MiB; Podium accepts at most 1 MiB per apply"
    many = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n" for i in range(612))
    assert load_error(many).message == "the manifest has 612 documents; Podium accepts at most 500 per apply"
    deep = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: " + "[" * 150 + "]" * 150 + "\n"
    assert load_error(deep).message == "the manifest nests deeper than 100 levels; Podium accepts at most 100"
    items = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c{i}"}} for i in range(3)]
    listed = json.dumps({"apiVersion": "v1", "kind": "List", "items": items})
    with pytest.raises(ManifestError, match="the manifest has 3 documents; Podium accepts at most 2 per apply"):
        load_manifests(listed, limits=Limits(max_documents=2))
