"""The front end's own unit tests (static/src/tests/*.test.mjs, Node's test runner), run with the suite.

They import only Podium's own modules, so they need Node but no `npm ci`. Node is never needed to install or
run Podium; it is on every CI machine. Without it these tests skip, except on CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOURCES = Path(__file__).resolve().parents[1] / "static" / "src"
NODE_TESTS = sorted((SOURCES / "tests").glob("*.test.mjs"))


def test_every_front_end_module_with_logic_has_node_tests() -> None:
    assert {p.name for p in NODE_TESTS} >= {"labels.test.mjs", "protocol.test.mjs", "replay.test.mjs",
                                            "status.test.mjs"}


@pytest.mark.parametrize("path", NODE_TESTS, ids=[p.name for p in NODE_TESTS])
def test_node_tests_pass(path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no node on PATH (CI=true: the front end's tests must run)", pytrace=False)
        pytest.skip("no node on PATH")
    result = subprocess.run([node, "--test", str(path)], cwd=SOURCES, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, f"node --test {path.name} failed:\n{result.stdout[-6000:]}{result.stderr[-2000:]}"
