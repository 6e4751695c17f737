"""`manage.py bench_page`: the lesson page's weight (JS + CSS, gzipped) and Apply → first diagram update in Chromium."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cluster.sim.teaching.seed import httpd_deployment

BUDGET_KB = 350
SEED_LESSON = "/lessons/how-services-reach-pods/"
# Headless Chromium from the Debian package, quiet: no sandbox (root in containers), no GPU, no phoning home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# Clicks Apply and resolves with the milliseconds until a pod of the new Deployment is drawn in the diagram.
APPLY_TO_POD_JS = """
async ([name, manifest]) => {
  window.podium.loadManifest(manifest);
  const layer = document.querySelector('#diagram svg .layer-pods');
  const drawn = () => [...layer.querySelectorAll('g.pod')].some((g) => (g.dataset.name || '').startsWith(name + '-'));
  return await new Promise((resolve, reject) => {
    const started = performance.now();
    const observer = new MutationObserver(() => {
      if (drawn()) { observer.disconnect(); resolve(performance.now() - started); }
    });
    observer.observe(layer, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-name'] });
    setTimeout(() => { observer.disconnect(); reject(new Error('no pod of ' + name + ' was drawn within 10 s')); }, 10000);
    document.querySelector('#apply-button').click();
  });
}
"""


class Command(BaseCommand):  # type: ignore[misc]
    help = ("The lesson page's JS + CSS gzipped, and Apply → first diagram update measured in headless Chromium "
            "(when it is installed). Serves Podium itself on a throwaway database unless --url names a server.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", help="a running Podium to measure (default: start one on a free port)")
        parser.add_argument("--runs", type=int, default=10, help="applies to time in the browser (default 10)")

    def handle(self, *args: Any, url: str | None, runs: int, **options: Any) -> None:
        if url:
            self.report(url.rstrip("/"), runs)
            return
        with tempfile.TemporaryDirectory(prefix="podium-bench-") as directory, serve(Path(directory)) as base:
            self.report(base, runs)

    def report(self, base: str, runs: int) -> None:
        weight = page_weight(base + SEED_LESSON)
        for asset in weight.assets:
            self.stdout.write(f"{asset.name:<28} {asset.raw / 1024:8.1f} KB {asset.gzipped / 1024:8.1f} KB gzipped")
        verdict = "within" if weight.gzipped <= BUDGET_KB * 1024 else "OVER"
        self.stdout.write(f"Lesson page JS + CSS: {weight.gzipped / 1024:.1f} KB gzipped "
                          f"({verdict} the {BUDGET_KB} KB budget)")
        chromium = chromium_path()
        if chromium is None:
            self.stdout.write("Apply → first diagram update: skipped (no chromium on PATH)")
            return
        try:
            times = apply_to_first_pod(base + SEED_LESSON, chromium, runs)
        except ImportError as err:
            raise CommandError("the browser figure needs playwright: pip install -e '.[test]'") from err
        self.stdout.write(f"Apply → first diagram update in Chromium: {statistics.median(times):.1f} ms "
                          f"(median of {runs}; min {min(times):.1f}, max {max(times):.1f})")


# ---- the page's weight ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asset:
    name: str
    raw: int
    gzipped: int


@dataclass(frozen=True)
class Weight:
    assets: list[Asset]

    @property
    def gzipped(self) -> int:
        return sum(a.gzipped for a in self.assets)


ASSET = re.compile(r"""<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="([^"]+)\"""")
INLINE = re.compile(r"<(script|style)(?:\s[^>]*)?>(.*?)</\1>", re.S)


def page_weight(url: str) -> Weight:
    """Every script and stylesheet the page loads, plus its inline ones, raw and gzipped (level 9)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    html = opener.open(url, timeout=30).read().decode()
    assets = []
    for src in dict.fromkeys(ASSET.findall(html)):
        body = opener.open(urljoin(url, src), timeout=30).read()
        assets.append(Asset(src, len(body), len(gzip.compress(body, 9))))
    inline = "".join(body for _, body in INLINE.findall(html)).encode()
    assets.append(Asset("(inline <script>/<style>)", len(inline), len(gzip.compress(inline, 9))))
    return Weight(assets)


# ---- the browser figure ---------------------------------------------------------------------------------


def chromium_path() -> str | None:
    return os.environ.get("PODIUM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def apply_to_first_pod(lesson_url: str, chromium: str, runs: int) -> list[float]:
    """Milliseconds from clicking Apply to the first pod of the new Deployment in the diagram, per run."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(lesson_url)
            page.wait_for_selector("#connection-state[data-state=live]")
            page.wait_for_selector("#diagram g.pod")
            for i in range(runs + 1):
                name = f"bench-{i}"
                elapsed = page.evaluate(APPLY_TO_POD_JS, [name, httpd_deployment(name=name)])
                if i:  # the first apply warms the caches on both sides
                    times.append(float(elapsed))
                page.wait_for_selector("#apply-button:not([disabled])")
        finally:
            browser.close()
    return times


# ---- serving Podium on the side ---------------------------------------------------------------------------


@contextmanager
def serve(directory: Path, *, without_node: bool = False, startup_seconds: float = 30) -> Iterator[str]:
    """Podium under daphne on a free loopback port, with its own SQLite file in `directory`; yields the base URL.

    With `without_node`, no directory holding a `node` program is on the server's PATH: proof that Podium runs
    without Node.js.
    """
    root = Path(settings.BASE_DIR)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{directory / 'podium.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "tutorial.settings"}
    if without_node:
        env["PATH"] = path_without("node")
    env.pop("REDIS_URL", None)  # one process: the in-memory channel layer
    for command in (["migrate", "--noinput"], ["load_lessons"]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=root, env=env, capture_output=True,
                              text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    log_path = directory / "daphne.log"
    for _attempt in range(3):
        port = free_port()
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "tutorial.asgi:application"],
                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            if wait_until_serving(base, process, startup_seconds):
                yield base
                return
            if "Address already in use" not in log_path.read_text(errors="replace"):
                raise RuntimeError(f"daphne did not start:\n{log_path.read_text(errors='replace')}")
        finally:
            stop(process)
    raise RuntimeError("daphne found no free port in three tries")


def wait_until_serving(base: str, process: subprocess.Popen[bytes], seconds: float) -> bool:
    """True once the server answers `/`; False if it exited first; raises if it never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{base} did not answer within {seconds:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def path_without(program: str) -> str:
    """PATH without the directories that hold `program`."""
    keep = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not (Path(d) / program).exists()]
    return os.pathsep.join(keep)
