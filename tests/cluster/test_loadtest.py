"""`manage.py loadtest` against a real server process: a tiny class for a few seconds (figures come from real runs)."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"^learners=(\d+) p50=(\d+)ms p95=(\d+)ms p99=(\d+)ms errors=(\d+) lost=(\d+) "
                       r"echo_ratio=([\d.]+)$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`manage.py serve` on its own SQLite file, as a learner's teacher would start it."""
    port = free_port()
    database = tmp_path_factory.mktemp("loadtest") / "podium.sqlite3"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", ALLOWED_HOSTS="127.0.0.1,localhost")
    process = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"serve exited: {process.stderr.read().decode() if process.stderr else ''}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not start within 90 s")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait(timeout=10)


def test_a_small_class_gets_answers_and_every_frame(server: str) -> None:
    out = io.StringIO()

    call_command("loadtest", "--url", server, "--learners", "2", "--duration", "5", "--echo-seconds", "2",
                 stdout=out)

    lines = out.getvalue().splitlines()
    found = LAST_LINE.match(lines[-1])
    assert found, lines[-1]
    learners, p50, p95, p99, errors, lost, _ratio = (float(g) for g in found.groups())
    assert (learners, errors, lost) == (2, 0, 0), out.getvalue()
    assert 0 < p50 <= p95 <= p99
    assert any(line.strip().startswith("delivered:") for line in lines)
    assert any(line.strip().startswith("echo") for line in lines)


def test_idle_learners_keep_their_sockets(server: str) -> None:
    out = io.StringIO()

    call_command("loadtest", "--url", server, "--learners", "2", "--duration", "2", "--idle",
                 "--echo-seconds", "0", stdout=out)

    found = LAST_LINE.match(out.getvalue().splitlines()[-1].replace("echo_ratio=nan", "echo_ratio=0"))
    assert found and found.group(5) == "0" and found.group(6) == "0", out.getvalue()


def test_it_drives_only_servers_on_this_machine() -> None:
    with pytest.raises(CommandError, match="servers on this machine only"):
        call_command("loadtest", "--url", "http://192.0.2.10:8000", "--learners", "1", "--duration", "1")
