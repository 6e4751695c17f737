"""Every error the editor shows lands on the line and column of what caused it, in any document of a file."""

from __future__ import annotations

import pytest

from cluster.sim import kubectl
from tests.sim.factories import cluster

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\n"
SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"

CASES = {
    # strict decoding: the unknown key itself
    "unknown field": (SERVICE + "  selectr:\n    run: httpd\n  ports:\n  - port: 80\n", 6, 3,
                      'strict decoding error: unknown field "spec.selectr"'),
    # a type mismatch: the field in the second port, not the first
    "type mismatch": (SERVICE + "  ports:\n  - port: 80\n  - port: eighty\n", 8, 5,
                      "json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32"),
    # an IntOrString that is neither
    "int or string": (SERVICE + "  ports:\n  - port: 80\n    targetPort: true\n", 8, 5,
                      "json: cannot unmarshal bool into Go value of type int32"),
    # YAML syntax: where the scanner stopped
    "yaml syntax": ("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n spec: x\n", 5, 2,
                    "did not find expected key"),
    "yaml tab": ("apiVersion: v1\nkind: Service\nmetadata:\n\tname: s\n", 4, 1,
                 "found character that cannot start any token"),
    # validation in the second document of a file
    "validation, second document": (CONFIGMAP + SERVICE + "  ports:\n  - port: 70000\n", 12, 5,
                                    "spec.ports[0].port: Invalid value: 70000"),
    # strict decoding in a JSON manifest
    "json unknown field": ('{"apiVersion": "v1", "kind": "ConfigMap",\n "metadata": {"name": "x"},\n'
                           ' "dta": {"a": "b"}}\n', 3, 2, 'unknown field "dta"'),
}


@pytest.mark.parametrize("name", list(CASES))
def test_an_error_is_marked_where_its_cause_is(name: str) -> None:
    text, line, column, message = CASES[name]
    result = kubectl.run(cluster(7), ["apply", "-f", "-"], stdin=text)
    assert result.exit_code != 0
    first = result.errors[0]
    assert message in first["message"]
    assert (first["line"], first.get("column")) == (line, column)
