"""The Django side imports in one direction: no module reaches itself again, not even through a function-level import.

The engine (cluster/sim) has its own test; here every module of the `cluster` and `tutorial` apps is read (its
imports at the top and inside functions alike) and the graph among them must have no cycle.
"""

from __future__ import annotations

from pathlib import Path

from tests.imports import ROOT, cycles, import_graph

APPS = ("cluster", "tutorial")


def outside_the_apps(path: Path) -> bool:
    """Migrations and the engine (which has its own test, tests/sim/test_purity.py) are left out."""
    rel = path.relative_to(ROOT).parts
    return "migrations" in rel or rel[:2] == ("cluster", "sim")


def test_the_django_apps_have_no_import_cycle() -> None:
    graph = import_graph([ROOT / app for app in APPS], skip=outside_the_apps)

    assert "tutorial.checks" in graph and "cluster.kubeapi.watch" in graph
    assert cycles(graph) == []


def test_the_cycle_finder_sees_a_function_level_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert cycles(graph) == [["a", "b", "c"]]
