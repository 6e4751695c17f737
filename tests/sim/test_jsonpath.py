"""kubectl -o jsonpath templates, as a learner types them."""

from __future__ import annotations

import pytest

from cluster.sim.kubectl.jsonpath import JSONPathError, execute
from cluster.sim.kubectl.printers import as_list
from tests.sim.test_printers import of_kind, one


@pytest.fixture
def pods():
    return as_list(of_kind("Pod")[:3])


def test_it_prints_one_field_raw():
    assert execute("{.metadata.name}", one("Pod", "nginx")) == "nginx"


def test_it_joins_several_results_with_spaces(pods):
    assert execute("{.items[*].metadata.name}", pods) == "broken crashy httpd-5b6d8f9c47-7xkqz"


def test_it_indexes_lists(pods):
    assert execute("{.items[0].status.podIP}", pods) == "10.244.1.4"
    assert execute("{.items[-1].metadata.name}", pods) == "httpd-5b6d8f9c47-7xkqz"


def test_range_prints_a_line_per_item(pods):
    template = '{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}'
    assert execute(template, pods) == "broken\t10.244.1.4\ncrashy\t10.244.2.3\nhttpd-5b6d8f9c47-7xkqz\t10.244.1.3\n"


def test_filters_pick_the_ready_condition():
    template = '{.status.conditions[?(@.type=="Ready")].status}'
    assert execute(template, one("Pod", "crashy")) == "False"


def test_maps_and_lists_print_as_compact_json():
    assert execute("{.metadata.labels}", one("Pod", "nginx")) == '{"run":"nginx"}'
    assert execute("{.spec.containers[0].ports}", one("Pod", "nginx")) == '[{"containerPort":80,"protocol":"TCP"}]'


def test_text_around_actions_is_kept_and_numbers_print_plainly():
    assert execute("port={.spec.containers[0].ports[0].containerPort}!", one("Pod", "nginx")) == "port=80!"


def test_missing_keys_print_nothing():
    assert execute("{.status.nominatedNodeName}", one("Pod", "nginx")) == ""


def test_recursive_descent_finds_every_match():
    assert execute("{..image}", one("Pod", "nginx")) == "nginx:1.27 nginx:1.27"


def test_an_unclosed_action_is_a_parse_error():
    with pytest.raises(JSONPathError) as err:
        execute("{.metadata.name", one("Pod", "nginx"))
    assert str(err.value) == "error parsing jsonpath {.metadata.name, unclosed action"


def test_an_index_out_of_range_is_an_execution_error(pods):
    with pytest.raises(JSONPathError) as err:
        execute("{.items[5]}", pods)
    assert str(err.value).startswith(
        'error executing jsonpath "{.items[5]}": Error executing template: array index out of bounds: '
        "index 5, length 3. Printing more information for debugging the template:\n\ttemplate was:\n"
        "\t\t{.items[5]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"apiVersion\":\"v1\",")


def test_end_without_range_is_refused():
    with pytest.raises(JSONPathError, match="not in range, nothing to end"):
        execute("{end}", {})
