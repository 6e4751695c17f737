"""The engine imports only the standard library and pyyaml, and never reads the wall clock."""

import ast
import sys
from pathlib import Path

SIM = Path(__file__).resolve().parents[2] / "cluster" / "sim"
ALLOWED_THIRD_PARTY = {"yaml"}
FORBIDDEN_STDLIB = {"asyncio", "threading", "multiprocessing", "socket", "secrets", "uuid"}
FORBIDDEN_CALLS = {
    ("time", "time"), ("time", "monotonic"), ("time", "perf_counter"), ("time", "sleep"),
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
}
GLOBAL_RANDOM = {"random", "randint", "choice", "choices", "shuffle", "sample", "uniform", "seed", "randrange"}


def _modules():
    for path in sorted(SIM.rglob("*.py")):
        yield path, ast.parse(path.read_text(), filename=str(path))


def test_it_imports_only_the_standard_library_and_pyyaml():
    offenders = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top == "cluster" and name.startswith("cluster.sim"):
                    continue
                if top in FORBIDDEN_STDLIB or (top not in sys.stdlib_module_names and top not in ALLOWED_THIRD_PARTY):
                    offenders.append(f"{path.name}: import {name}")
    assert offenders == []


def test_it_never_reads_the_wall_clock_or_global_randomness():
    offenders = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                pair = (node.value.id, node.attr)
                if pair in FORBIDDEN_CALLS:
                    offenders.append(f"{path.name}:{node.lineno} {pair[0]}.{pair[1]}")
                if node.value.id == "random" and node.attr in GLOBAL_RANDOM:
                    offenders.append(f"{path.name}:{node.lineno} random.{node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module in {"time", "random"}:
                for alias in node.names:
                    if alias.name != "Random":
                        offenders.append(f"{path.name}: from {node.module} import {alias.name}")
    assert offenders == []


def test_the_guard_itself_catches_a_wall_clock_read(tmp_path):
    tree = ast.parse("import time\nx = time.time()\n")
    hits = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and (n.value.id, n.attr) in FORBIDDEN_CALLS]
    assert hits
