"""A live Podium (daphne, over TLS and plain HTTP) sharing the test database, and the real kubectl pointed at it."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from cluster import runtime
from cluster.kubeconfig import kubeconfig_for
from cluster.sim.settings import Settings

KUBECTL = shutil.which("kubectl")
FAST_TIME_SCALE = 0.05  # kubelet delays 20× shorter: a real kubectl waits in real time


def require_kubectl() -> str:
    if KUBECTL is None:
        if os.environ.get("CI") == "true":
            pytest.fail("kubectl v1.32 must be on PATH on CI machines: these tests drive the real binary")
        pytest.skip("kubectl is not on PATH; these tests drive the real kubectl binary")
    return KUBECTL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url(db: dict[str, Any]) -> str:
    """The test database as DATABASE_URL, for the server process."""
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.fail("the kubeapi tests need a file-based SQLite test database shared with the server")
        return f"sqlite:///{Path(name).resolve()}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def self_signed(directory: Path) -> tuple[Path, Path, str]:
    """A certificate for 127.0.0.1 (the CA is itself): cert path, key path, base64 PEM for a kubeconfig."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "podium-test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_path, key_path = directory / "server.crt", directory / "server.key"
    cert_path.write_bytes(cert_pem)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path, base64.b64encode(cert_pem).decode()


@dataclass
class Server:
    https_url: str
    http_url: str
    ca_data: str
    log: Path


def _wait_for(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited early:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"the server did not listen on {port} within {timeout}s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def api_server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """daphne serving Podium on two loopback ports (HTTPS and HTTP), on the test database."""
    require_kubectl()
    directory = tmp_path_factory.mktemp("server")
    cert, key, ca_data = self_signed(directory)
    tls_port, tcp_port = free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict),
           "DJANGO_SETTINGS_MODULE": "tutorial.settings", "PYTHONUNBUFFERED": "1"}
    log = directory / "daphne.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "daphne",
             "-e", f"ssl:port={tls_port}:interface=127.0.0.1:privateKey={key}:certKey={cert}",
             "-e", f"tcp:port={tcp_port}:interface=127.0.0.1",
             "tutorial.asgi:application"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(tls_port, proc, log)
        _wait_for(tcp_port, proc, log)
        yield Server(f"https://127.0.0.1:{tls_port}", f"http://127.0.0.1:{tcp_port}", ca_data, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass
class Run:
    stdout: str
    stderr: str
    code: int


class Kubectl:
    """The real kubectl with a kubeconfig for one sandbox, its own HOME and discovery cache."""

    def __init__(self, binary: str, kubeconfig: Path, home: Path) -> None:
        self.binary = binary
        self.kubeconfig = kubeconfig
        self.home = home
        self.env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "KUBECONFIG": str(kubeconfig)}

    def argv(self, *args: str) -> list[str]:
        return [self.binary, "--cache-dir", str(self.home / "cache"), *args]

    def __call__(self, *args: str, stdin: str | None = None, timeout: float = 60) -> Run:
        done = subprocess.run(self.argv(*args), input=stdin, capture_output=True, text=True, env=self.env,
                              timeout=timeout)
        return Run(done.stdout, done.stderr, done.returncode)

    def ok(self, *args: str, stdin: str | None = None, timeout: float = 60) -> str:
        """stdout of a command that must succeed."""
        run = self(*args, stdin=stdin, timeout=timeout)
        assert run.code == 0, f"kubectl {' '.join(args)} failed ({run.code}):\n{run.stderr}"
        return run.stdout

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(self.argv(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=self.env)


@dataclass
class Live:
    """One sandbox served live, with the real kubectl pointed at it."""

    name: str
    kubectl: Kubectl
    server: Server


@pytest.fixture(scope="session")
def kubectl_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kubectl-home")


@pytest.fixture
def live(api_server: Server, kubectl_home: Path, transactional_db: None) -> Live:
    """A fresh sandbox with fast lifecycle settings and a kubeconfig for it (bearer token over HTTPS)."""
    name = f"kube-{uuid.uuid4().hex[:10]}"
    row = runtime.create_sandbox(name, settings=Settings(time_scale=FAST_TIME_SCALE))
    kubeconfig = kubectl_home / f"{name}.kubeconfig"
    kubeconfig.write_text(kubeconfig_for(row, api_server.https_url, certificate_authority_data=api_server.ca_data))
    return Live(name, Kubectl(require_kubectl(), kubeconfig, kubectl_home), api_server)


def watch_a_pods_life(live: Live) -> str:
    """What the real `kubectl get pods -w -l run=solo` prints while a pod `solo` is run, gets ready and is deleted."""
    watcher = live.kubectl.popen("get", "pods", "-w", "-l", "run=solo")
    try:
        time.sleep(0.5)
        live.kubectl.ok("run", "solo", "--image=nginx")
        live.kubectl.ok("wait", "--for=condition=Ready", "pod/solo", "--timeout=30s")
        live.kubectl.ok("delete", "pod", "solo", timeout=30)
        time.sleep(1.0)
    finally:
        watcher.terminate()
    out, _ = watcher.communicate(timeout=10)
    return out
