"""The seed tutorial end to end through `manage.py sandbox` and `manage.py kubectl`, as a learner's shell."""

from __future__ import annotations

import ipaddress
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_DEPLOYMENT_V1BETA1, SEED_SERVICE

ROOT = Path(__file__).resolve().parents[2]

DEPLOYMENT_V1BETA1, DEPLOYMENT, SERVICE = SEED_DEPLOYMENT_V1BETA1, SEED_DEPLOYMENT, SEED_SERVICE


class Shell:
    """Runs manage.py commands in a subprocess against the shell's own database."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp / 'podium.sqlite3'}")
        self.env.pop("REDIS_URL", None)

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=120)

    def kubectl(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return self.run("kubectl", "--sandbox", "seed", *args, stdin=stdin)

    def ok(self, *args: str, stdin: str = "") -> str:
        done = self.kubectl(*args, stdin=stdin)
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> Shell:
    sh = Shell(tmp_path_factory.mktemp("seed"))
    created = sh.run("sandbox", "create", "seed", "--seed", "7", "--service-cidr", "10.68.0.0/16")
    assert created.returncode == 0, created.stderr
    assert created.stdout == "sandbox/seed created\n"
    (sh.tmp / "nginx.yaml").write_text(DEPLOYMENT.replace("httpd", "nginx").replace("replicas: 2", "replicas: 3")
                                       .replace("run: nginx", "app: nginx"))
    assert sh.ok("apply", "-f", str(sh.tmp / "nginx.yaml")) == "deployment.apps/nginx created\n"
    return sh


def test_an_old_apps_v1beta1_manifest_is_answered_as_a_v1_32_cluster_answers_it(shell: Shell) -> None:
    done = shell.kubectl("apply", "-f", "-", stdin=DEPLOYMENT_V1BETA1)
    assert done.returncode == 1
    assert done.stderr == (
        'error: resource mapping not found for name: "httpd" namespace: "" from "STDIN": no matches for kind '
        '"Deployment" in version "apps/v1beta1"\nensure CRDs are installed first\n')
    assert shell.kubectl("get", "deployment", "httpd").returncode == 1


def test_the_seed_end_to_end(shell: Shell) -> None:
    assert shell.ok("apply", "-f", "-", stdin=DEPLOYMENT) == "deployment.apps/httpd created\n"
    assert shell.ok("apply", "-f", "-", stdin=SERVICE) == "service/httpd-svc created\n"
    assert shell.run("sandbox", "advance", "seed", "60").stdout == "sandbox/seed advanced by 60s\n"

    # nginx pods run beside the two `run: httpd` pods
    pods = shell.ok("get", "pods", "-o", "wide").splitlines()
    assert pods[0].split()[:5] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = [line.split() for line in pods[1:]]
    httpd = {r[0]: r[5] for r in rows if r[0].startswith("httpd-")}
    nginx = [r for r in rows if r[0].startswith("nginx-")]
    assert len(httpd) == 2 and len(nginx) == 3
    assert all(r[1:3] == ["1/1", "Running"] for r in rows)
    assert all(ipaddress.ip_address(ip) in ipaddress.ip_network("10.244.0.0/16") for ip in httpd.values())

    # get svc: CLUSTER-IP in the sandbox's range, 8080/TCP, and the `kubernetes` Service
    services = {line.split()[0]: line.split() for line in shell.ok("get", "svc").splitlines()[1:]}
    assert services["kubernetes"][1:5] == ["ClusterIP", "10.68.0.1", "<none>", "443/TCP"]
    cluster_ip = services["httpd-svc"][2]
    assert ipaddress.ip_address(cluster_ip) in ipaddress.ip_network("10.68.0.0/16")
    assert services["httpd-svc"][3:5] == ["<none>", "8080/TCP"]

    # describe lists exactly the httpd pods' IP:80
    describe = shell.ok("describe", "service", "httpd-svc")
    assert re.search(r"^TargetPort:\s+80/TCP$", describe, re.M)
    endpoints = re.search(r"^Endpoints:\s+(.*)$", describe, re.M).group(1).split(",")
    assert sorted(endpoints) == sorted(f"{ip}:80" for ip in httpd.values())

    # requests from a pod to CLUSTER-IP:8080 spread over both httpd pods
    client = nginx[0][0]
    traffic = shell.run("sandbox", "traffic", "seed", "--from", f"pod/{client}", "--url",
                        f"http://{cluster_ip}:8080/", "--count", "40")
    assert traffic.returncode == 0, traffic.stderr
    lines = traffic.stdout.splitlines()
    assert len(lines) == 41
    answered_by = {m.group(1) for line in lines[:-1] if (m := re.search(r"answered by pod/(\S+)", line))}
    assert answered_by == set(httpd)
    assert lines[-1].startswith(f"40 requests from pod/{client} to http://{cluster_ip}:8080/: ")

    # from a node too (the seed's `curl CLUSTER-IP:8080` on a node)
    from_node = shell.run("sandbox", "traffic", "seed", "--from", "node/podium-worker", "--url",
                          f"{cluster_ip}:8080", "--count", "4")
    assert "HTTP 200" in from_node.stdout

    # a pod IP is unreachable from outside the cluster
    outside = shell.run("sandbox", "traffic", "seed", "--from", "outside", "--url",
                        f"http://{next(iter(httpd.values()))}:80/")
    assert "timeout" in outside.stdout.splitlines()[0]

    # deleting a pod: a replacement with a new name and IP, Endpoints follow, the ClusterIP stays
    victim, victim_ip = sorted(httpd.items())[0]
    assert shell.ok("delete", "pod", victim) == f'pod "{victim}" deleted\n'
    shell.run("sandbox", "advance", "seed", "60")
    after = {line.split()[0]: line.split()[5] for line in shell.ok("get", "pods", "-o", "wide", "-l", "run=httpd")
             .splitlines()[1:]}
    assert len(after) == 2 and victim not in after and victim_ip not in after.values()
    describe = shell.ok("describe", "svc", "httpd-svc")
    endpoints = re.search(r"^Endpoints:\s+(.*)$", describe, re.M).group(1).split(",")
    assert sorted(endpoints) == sorted(f"{ip}:80" for ip in after.values())
    assert shell.ok("get", "svc", "httpd-svc", "-o", "jsonpath={.spec.clusterIP}") == cluster_ip


def test_sandboxes_are_listed_and_deleted(shell: Shell) -> None:
    listing = shell.run("sandbox", "list").stdout
    assert listing.splitlines()[0].split()[:2] == ["NAME", "VERSION"]
    assert any(line.split()[0] == "seed" for line in listing.splitlines()[1:])
    assert shell.run("sandbox", "create", "seed").returncode != 0
    missing = shell.run("kubectl", "--sandbox", "nope", "get", "pods")
    assert missing.returncode == 1 and 'sandbox "nope" does not exist' in missing.stderr


POD_IMAGE = """apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: {image}
"""


def test_the_bricking_sequence_leaves_a_working_sandbox_and_a_broken_one_can_be_reset(
        tmp_path: Path) -> None:
    sh = Shell(tmp_path)
    assert sh.run("sandbox", "create", "seed").returncode == 0
    assert sh.ok("apply", "-f", "-", stdin=POD_IMAGE.format(image="example.com/app:1")) == "pod/app created\n"

    second = sh.kubectl("apply", "-f", "-", stdin=POD_IMAGE.format(image="'example.com/app:1 x'"))  # still pulling
    assert (second.returncode, second.stdout) == (0, "pod/app configured\n")
    assert re.search(r"app +0/1 +(ContainerCreating|InvalidImageName) ", sh.ok("get", "pods"))

    import sqlite3

    with sqlite3.connect(tmp_path / "podium.sqlite3") as db:
        db.execute("UPDATE cluster_sandbox SET snapshot = ? WHERE name = 'seed'", (b"not a snapshot",))
    broken = sh.kubectl("get", "pods")
    assert broken.returncode == 1
    assert broken.stderr.startswith("error: this sandbox cannot be loaded (its saved snapshot does not decode: ")
    assert broken.stderr.endswith("reset it to start over (python manage.py sandbox reset seed)\n")
    assert "Traceback" not in broken.stderr

    assert sh.run("sandbox", "reset", "seed").stdout == "sandbox/seed reset\n"
    assert sh.kubectl("get", "pods").stderr == "No resources found in default namespace.\n"
