"""The engine imports only the standard library and pyyaml, and never reads the wall clock."""

import ast
import sys
from pathlib import Path

from tests.imports import cycles, import_graph

SIM = Path(__file__).resolve().parents[2] / "cluster" / "sim"
ALLOWED_THIRD_PARTY = {"yaml"}
FORBIDDEN_STDLIB = {"asyncio", "threading", "multiprocessing", "socket", "secrets"}
FORBIDDEN_CALLS = {
    ("time", "time"), ("time", "monotonic"), ("time", "perf_counter"), ("time", "sleep"),
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("uuid", "uuid1"), ("uuid", "uuid4"), ("uuid", "getnode"),  # the clock, the OS's randomness, the MAC address
}
ALLOWED_FROM_IMPORTS = {"random": {"Random"}, "time": set(), "uuid": {"UUID"}}  # uuid.UUID(int=...) is pure
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
            if isinstance(node, ast.ImportFrom) and node.module in ALLOWED_FROM_IMPORTS:
                for alias in node.names:
                    if alias.name not in ALLOWED_FROM_IMPORTS[node.module]:
                        offenders.append(f"{path.name}: from {node.module} import {alias.name}")
    assert offenders == []


def test_the_guard_itself_catches_a_wall_clock_read(tmp_path):
    tree = ast.parse("import time\nx = time.time()\n")
    hits = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and (n.value.id, n.attr) in FORBIDDEN_CALLS]
    assert hits


def test_the_guard_catches_a_uuid_from_the_os_but_not_one_built_from_seeded_bits():
    tree = ast.parse("import uuid\na = uuid.uuid4()\nb = uuid.UUID(int=rng.getrandbits(128), version=4)\n")
    hits = [(n.value.id, n.attr) for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and (n.value.id, n.attr) in FORBIDDEN_CALLS]
    assert hits == [("uuid", "uuid4")]


def _import_graph() -> dict[str, set[str]]:
    """Every import between engine modules, at any depth (function bodies and TYPE_CHECKING blocks included)."""
    return import_graph([SIM])


def test_no_engine_module_imports_itself_back_in_a_cycle():
    assert cycles(_import_graph()) == []


def test_the_cycle_finder_sees_a_cycle_hidden_in_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


# The engine's layers, lowest first: a module may import its own package and the layers below it, never above.
LAYERS = [
    ("apimachinery",), ("clock", "settings"), ("images",), ("apiserver",), ("controllers",), ("network",),
    ("bootstrap",), ("cluster",), ("manifests",), ("kubectl",), ("teaching",),
]


def _layer(module: str) -> int:
    part = module.split(".")[2] if module.count(".") >= 2 else ""
    return next(i for i, names in enumerate(LAYERS) if part in names)


def test_each_package_imports_only_the_layers_below_it():
    upward = [f"{a} imports {b}" for a, targets in _import_graph().items() for b in targets
              if a != "cluster.sim" and _layer(b) > _layer(a)]
    assert upward == []


def test_every_engine_module_belongs_to_a_layer():
    for name in _import_graph():
        if name != "cluster.sim":
            _layer(name)
