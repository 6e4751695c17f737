"""The image catalog: pulls, what commands do, and what servers answer."""

import math
import re
from pathlib import Path

import pytest

from cluster.sim.images.catalog import FOREVER, GENERIC, Catalog, ImageBehavior, PullFailure
from cluster.sim.images.reference import parse_normalized_named
from tests.sim.factories import cluster, pod

CATALOG = Catalog()
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "k8s-docs-examples"
POD = {"metadata": {"name": "web-7c79c4bf97-x2k9p"}}


def behavior(image: str) -> ImageBehavior:
    found = CATALOG.resolve(image)
    assert isinstance(found, ImageBehavior), found
    return found


def run(image: str, **container):
    return CATALOG.run(behavior(image), {"name": "c", "image": image, **container})


def answer(image: str, port: int, path: str = "/", **container):
    return CATALOG.respond(behavior(image), {"name": "c", "image": image, **container}, port, path, POD,
                           "10.244.1.3:40000")


@pytest.mark.parametrize("image", ["nginx", "nginx:1.27", "docker.io/library/nginx:latest", "library/nginx",
                                   "index.docker.io/library/nginx", "nginx@sha256:" + "a" * 64])
def test_every_spelling_of_nginx_is_the_same_image(image):
    assert behavior(image).repository == "docker.io/library/nginx"


def test_a_typo_in_a_docker_hub_name_fails_to_pull_like_docker_hub_refuses_it():
    failure = CATALOG.resolve("ngnix")
    assert failure == PullFailure(
        "ErrImagePull",
        'failed to pull and unpack image "docker.io/library/ngnix:latest": failed to resolve reference '
        '"docker.io/library/ngnix:latest": pull access denied, repository does not exist or may require '
        "authorization: server message: insufficient_scope: authorization failed")
    assert isinstance(CATALOG.resolve("htttpd:2.4"), PullFailure)


def test_a_misspelt_latest_tag_is_not_found():
    failure = CATALOG.resolve("nginx:lastest")
    assert isinstance(failure, PullFailure)
    assert failure.message.endswith(": docker.io/library/nginx:lastest: not found")


def test_invalid_references_are_invalid_image_names():
    assert CATALOG.resolve("NGINX") == PullFailure(
        "InvalidImageName", 'Failed to apply default image tag "NGINX": couldn\'t parse image name "NGINX": '
                            "invalid reference format: repository name (library/NGINX) must be lowercase")
    assert CATALOG.resolve("nginx:") == PullFailure(
        "InvalidImageName", 'Failed to apply default image tag "nginx:": couldn\'t parse image name "nginx:": '
                            "invalid reference format")
    assert parse_normalized_named("registry.example.com:5000/team/app:v2").repository == \
        "registry.example.com:5000/team/app"


@pytest.mark.parametrize(("image", "shown"), [
    ("nginx", "docker.io/library/nginx:latest"), ("docker.io/redis:7.4", "docker.io/library/redis:7.4"),
    ("index.docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27"),
    ("localhost:5000/app", "localhost:5000/app:latest"), ("nginx@sha256:" + "a" * 64, "docker.io/library/nginx:latest"),
])
def test_the_pod_status_shows_the_image_by_its_full_name(image, shown):
    c = cluster()
    c.api.create(pod("web", image))
    c.advance_by(30)
    assert c.store.get("Pod", "default", "web")["status"]["containerStatuses"][0]["image"] == shown


def test_unknown_images_pull_and_serve_on_their_declared_ports():
    found = behavior("ghcr.io/acme/shop:1.2")
    assert found.program == GENERIC.program and found.repository == "ghcr.io/acme/shop"
    assert run("ghcr.io/acme/shop:1.2", ports=[{"containerPort": 3000}]).listens == (3000,)
    assert run("ghcr.io/acme/shop:1.2").listens == (80,)
    assert answer("ghcr.io/acme/shop:1.2", 80) == (200, "ok\n")


def test_declared_container_ports_do_not_make_httpd_listen_there():
    assert run("httpd", ports=[{"containerPort": 8080}]).listens == (80,)
    assert answer("httpd", 8080, ports=[{"containerPort": 8080}]) is None
    assert answer("httpd", 80) == (200, "<html><body><h1>It works!</h1></body></html>\n")


def test_nginx_serves_its_welcome_page_and_the_old_page_on_old_versions():
    status, page = answer("nginx", 80)
    assert status == 200 and len(page) == 615 and "<title>Welcome to nginx!</title>" in page
    assert len(answer("nginx:1.14.2", 80)[1]) == 612
    status, missing = answer("nginx:1.14.2", 80, "/nope")
    assert status == 404 and "<hr><center>nginx/1.14.2</center>" in missing


def test_shells_and_sleeps():
    assert (run("busybox").exits_after, run("busybox").exit_code) == (0.0, 0)  # no command: sh reads EOF
    sleeping = run("busybox", command=["sleep", "3600"])
    assert (sleeping.exits_after, sleeping.listens, sleeping.stop_seconds) == (3600.0, (), FOREVER)
    failing = run("busybox", command=["sh", "-c", "exit 1"])
    assert (failing.exits_after, failing.exit_code) == (0.0, 1)
    assert run("alpine", command=["false"]).exit_code == 1
    looping = run("busybox:1.28", args=["/bin/sh", "-c", "while true; do echo hi; sleep 1; done"])
    assert looping.exits_after is None and math.isinf(looping.stop_seconds)
    assert run("debian", command=["/bin/sh"], args=["-c", "sleep 10 && echo done"]).exits_after == 10.0
    assert run("busybox", command=["no-such-program"]).exit_code == 128


def test_servers_listen_where_their_flags_say():
    assert run("registry.k8s.io/e2e-test-images/agnhost:2.39").listens == ()  # agnhost's default is pause
    assert run("registry.k8s.io/e2e-test-images/agnhost:2.39", args=["netexec", "--http-port=8080"]).listens == (8080,)
    assert run("k8s.gcr.io/e2e-test-images/agnhost:2.21", args=["serve-hostname"]).listens == (9376,)
    assert run("hashicorp/http-echo", args=["-text=hello", "-listen=:8080"]).listens == (8080,)
    assert run("hashicorp/http-echo").exit_code == 127  # Missing -text option!
    assert run("python:3.12", command=["python", "-m", "http.server", "8000"]).listens == (8000,)
    assert run("busybox", command=["httpd", "-f", "-p", "8080"]).listens == (8080,)
    assert run("mongo:4.2", args=["--bind_ip", "0.0.0.0"]).listens == (27017,)
    assert run("nginx", command=["nginx", "-g", "daemon off;"]).stop_seconds < 1


def test_databases_need_their_password_settings():
    assert run("mysql:8.0").exit_code == 1
    assert run("mysql:8.0", env=[{"name": "MYSQL_ROOT_PASSWORD", "value": "x"}]).listens == (3306,)
    assert run("postgres").exit_code == 1
    assert run("postgres", env=[{"name": "POSTGRES_PASSWORD", "value": "x"}]).listens == (5432,)


def test_what_the_sample_servers_answer():
    assert answer("registry.k8s.io/e2e-test-images/agnhost:2.53", 8080, "/hostname",
                  args=["netexec"]) == (200, "web-7c79c4bf97-x2k9p")
    assert answer("registry.k8s.io/e2e-test-images/agnhost:2.53", 8080, "/clientip",
                  args=["netexec"]) == (200, "10.244.1.3:40000")
    assert answer("hashicorp/http-echo:1.0", 5678, args=["-text=hello from v1"]) == (200, "hello from v1\n")
    assert answer("gcr.io/google-samples/hello-app:2.0", 8080) == (
        200, "Hello, world!\nVersion: 2.0.0\nHostname: web-7c79c4bf97-x2k9p\n")
    assert answer("registry.k8s.io/serve_hostname", 9376) == (200, "web-7c79c4bf97-x2k9p")
    assert answer("redis", 6379) == (0, "")  # no HTTP reply: the connection is closed
    assert answer("mongo:4.2", 27017)[1].startswith("It looks like you are trying to access MongoDB over HTTP")
    assert answer("registry.k8s.io/hpa-example", 80) == (200, "OK!")


def test_agnhost_liveness_fails_its_health_check_after_ten_seconds():
    pod = {"metadata": {"name": "liveness-http"}, "status": {"containerStatuses": [
        {"name": "c", "state": {"running": {"startedAt": "2027-01-15T08:00:00Z"}}}]}}
    container = {"name": "c", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"]}
    b = behavior(container["image"])
    started = 1_800_000_000.0
    assert CATALOG.respond(b, container, 8080, "/healthz", pod, "", now=started + 5) == (200, "ok")
    assert CATALOG.respond(b, container, 8080, "/healthz", pod, "", now=started + 11)[0] == 500


def test_a_lesson_can_change_an_image_and_add_its_own():
    catalog = Catalog({"httpd": {"listens": [8080], "cmd": ["my-httpd"]},
                       "example.com/quotes": {"program": "static", "listens": [5000],
                                              "responses": [["*", 200, "Stay curious\n"]]}})
    httpd = catalog.resolve("httpd:2.4")
    assert isinstance(httpd, ImageBehavior) and httpd.listens == (8080,)
    quotes = catalog.resolve("example.com/quotes:1")
    assert isinstance(quotes, ImageBehavior)
    assert catalog.respond(quotes, {"name": "q", "image": "example.com/quotes:1"}, 5000, "/", POD, "") == \
        (200, "Stay curious\n")


def test_nginx_sends_its_usual_headers():
    b = behavior("nginx:1.27")
    body = answer("nginx:1.27", 80)[1]
    headers = dict(CATALOG.headers(b, {"image": "nginx:1.27"}, 200, body, 1_800_000_000.0))
    assert headers["Server"] == "nginx/1.27.3"
    assert headers["Content-Length"] == "615" and headers["ETag"].endswith('-267"')
    assert headers["Date"] == "Fri, 15 Jan 2027 08:00:00 GMT"


def test_every_image_in_the_docs_corpus_is_a_known_image():
    assert CORPUS.is_dir(), f"the docs corpus is missing: expected it at {CORPUS}"
    images = {m.group(1) for p in CORPUS.rglob("*.yaml")
              for m in re.finditer(r'image:\s*"?([^",\s#]+)', p.read_text(encoding="utf-8"))}
    assert len(images) > 20
    unknown = sorted(i for i in images if behavior(i).program == GENERIC.program)
    assert unknown == []
