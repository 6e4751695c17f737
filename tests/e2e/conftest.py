"""End-to-end fixtures: Podium served by daphne on a free loopback port, and a headless Chromium.

Playwright starts once per test module (pytest-playwright's session fixtures clash with pytest-asyncio).
Without Chromium or Playwright these tests skip, except on CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cluster.management.commands.bench_page import CHROMIUM_ARGS, chromium_path, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


def missing(reason: str) -> None:
    """Skip for want of a tool; on CI, fail instead: a missing browser must not pass unnoticed."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: e2e tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        missing("no Chromium on PATH (apt-get install chromium, or set PODIUM_CHROMIUM)")
    assert path is not None
    return path


LESSONS = Path(__file__).resolve().parent / "lessons"


@pytest.fixture(scope="session")
def podium_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A Podium with the built-in lessons and the e2e ones (tests/e2e/lessons), its own SQLite file, and no
    Node.js on its PATH: (base URL, its folder)."""
    directory = tmp_path_factory.mktemp("podium-e2e")
    with serve(directory, without_node=True) as base:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{directory / 'podium.sqlite3'}",
               "DJANGO_SETTINGS_MODULE": "tutorial.settings"}
        subprocess.run([sys.executable, "manage.py", "import_lessons", str(LESSONS)],
                       cwd=Path(__file__).resolve().parents[2], env=env, check=True, capture_output=True)
        yield base, directory


@pytest.fixture(scope="session")
def podium_url(podium_server: tuple[str, Path]) -> str:
    return podium_server[0]


@pytest.fixture(scope="session")
def instructor(podium_server: tuple[str, Path]) -> tuple[str, str]:
    """(username, password) of a superuser of the served Podium."""
    _, directory = podium_server
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{directory / 'podium.sqlite3'}",
           "DJANGO_SUPERUSER_PASSWORD": "k8s-instructor-1"}
    subprocess.run([sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "ada",
                    "--email", "ada@example.com"], cwd=Path(__file__).resolve().parents[2], env=env, check=True,
                   capture_output=True)
    return "ada", "k8s-instructor-1"


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[test]')")
        raise
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new learner: a fresh browser context (no cookies, so a sandbox of their own), a window the lesson fills."""
    context = browser.new_context(viewport={"width": 1920, "height": 1800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # whatever the Content-Security-Policy blocks (a script, a style, a websocket) is a failure too
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert errors == [], f"the page threw: {errors}"


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """`screenshot(name)` writes the page to test-artifacts/e2e/<name>.png."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return take
