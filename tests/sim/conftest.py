"""Golden files for printer output: compare, or rewrite them with `--update-golden` / UPDATE_GOLDEN=1."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False, help="rewrite tests/sim/golden files")


@pytest.fixture
def golden(request) -> Callable[[str, str], None]:
    """golden(name, text): text must equal tests/sim/golden/<name> (or rewrites it when updating)."""
    update = request.config.getoption("--update-golden") or os.environ.get("UPDATE_GOLDEN") == "1"

    def check(name: str, text: str) -> None:
        path = GOLDEN_DIR / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            return
        assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
        assert text == path.read_text()

    return check
