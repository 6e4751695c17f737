"""The sandbox websocket, driven through the whole ASGI stack (origin check, session, routing) with a real layer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db.backends.utils import CursorWrapper
from django.test import override_settings

from cluster import consumers, runtime, workers
from cluster.hooks import SandboxHooks
from cluster.models import Sandbox
from cluster.sim.cluster import Cluster
from cluster.sim.settings import Settings
from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_SERVICE
from tutorial.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://testserver")

HTTPD = SEED_DEPLOYMENT + "---\n" + SEED_SERVICE


def configmap(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}}


def new_session() -> str:
    session = SessionStore()
    session.create()
    return str(session.session_key)


@pytest.fixture(autouse=True)
def fresh_layer_and_cache() -> Any:
    channel_layers.backends.clear()  # the in-memory layer's queues belong to one event loop
    runtime._cache.clear()
    yield
    runtime._cache.clear()


@pytest.fixture
def learner() -> dict[str, str]:
    """A browser session that owns the sandbox `lab` (created with a ready httpd Deployment and Service)."""
    key = new_session()
    runtime.create_sandbox("lab", settings=Settings(seed=11), owner_session=key)
    return {"session": key}


def with_httpd() -> None:
    """Put the seed's apps/v1 Deployment and Service into `lab`, settled and running."""
    import yaml

    def create(cluster: Cluster) -> None:
        for doc in yaml.safe_load_all(HTTPD):
            cluster.api.create(doc)
        cluster.advance_by(60)

    runtime.act("lab", create)


def socket(session: str | None, *, since: int | None = None, origin: tuple[bytes, bytes] = ORIGIN,
           name: str = "lab") -> WebsocketCommunicator:
    headers = [origin, (b"host", b"testserver")]
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    path = f"/ws/sandbox/{name}/" + (f"?since={since}" if since is not None else "")
    return WebsocketCommunicator(application, path, headers=headers)


async def frames_until(comm: WebsocketCommunicator, done: Callable[[dict[str, Any]], bool],
                       timeout: float = 5.0) -> list[dict[str, Any]]:
    """Every frame received up to and including the first for which `done` is true."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        frame = await comm.receive_json_from(timeout=max(0.01, deadline - time.monotonic()))
        seen.append(frame)
        if done(frame):
            return seen


async def reply(comm: WebsocketCommunicator, frame: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
    """Send a command and return the frame that answers it (by id), skipping broadcasts."""
    await comm.send_json_to(frame)
    return (await frames_until(comm, lambda f: f.get("id") == frame.get("id") and f["type"] != "change",
                               timeout))[-1]


async def connected(session: str, **kwargs: Any) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    comm = socket(session, **kwargs)
    ok, _ = await comm.connect()
    assert ok
    return comm, await comm.receive_json_from(timeout=5)


def changes(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == "change"]


async def db(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return await database_sync_to_async(fn)(*args, **kwargs)


# ---- connecting --------------------------------------------------------------------------------------


async def test_opening_the_page_gives_a_snapshot_of_the_whole_cluster(learner: dict[str, str]) -> None:
    await db(with_httpd)
    row = await db(Sandbox.objects.get, name="lab")

    comm, snapshot = await connected(learner["session"])

    assert snapshot["type"] == "snapshot"
    assert (snapshot["seq"], snapshot["sandbox"], snapshot["speed"]) == (row.seq, "lab", 1)
    kinds = {o["kind"] for o in snapshot["objects"]}
    assert kinds >= {"Node", "Pod", "Service", "Endpoints", "EndpointSlice", "Deployment", "ReplicaSet"}
    assert "Event" not in kinds
    httpd = [o for o in snapshot["objects"] if o["kind"] == "Pod" and o["metadata"]["labels"].get("run") == "httpd"]
    assert [p["status"]["phase"] for p in httpd] == ["Running", "Running"]
    assert 0 < len(snapshot["events"]) <= 50
    assert all(e["kind"] == "Event" for e in snapshot["events"])
    assert abs(snapshot["time"] - row.cluster_now(time.time())) < 5
    assert isinstance(snapshot["checks"], list)
    await comm.disconnect()


async def test_another_learners_sandbox_is_refused(learner: dict[str, str]) -> None:
    stranger = await db(new_session)

    comm = socket(stranger)
    ok, code = await comm.connect()

    assert (ok, code) == (False, consumers.REFUSED)


async def test_a_browser_without_a_session_is_refused(learner: dict[str, str]) -> None:
    ok, code = await socket(None).connect()

    assert (ok, code) == (False, consumers.REFUSED)


async def test_a_sandbox_that_does_not_exist_is_refused(learner: dict[str, str]) -> None:
    ok, code = await socket(learner["session"], name="nope").connect()

    assert (ok, code) == (False, consumers.REFUSED)


async def test_a_foreign_origin_is_refused(learner: dict[str, str]) -> None:
    comm = socket(learner["session"], origin=(b"origin", b"https://evil.example"))

    ok, _ = await comm.connect()

    assert ok is False


@pytest.mark.parametrize("origin", ["http://testserver:8080", "https://testserver", "http://evil.testserver",
                                    "null", ""])
async def test_the_same_host_on_another_port_or_scheme_is_refused(learner: dict[str, str], origin: str) -> None:
    ok, _ = await socket(learner["session"], origin=(b"origin", origin.encode())).connect()

    assert ok is False


async def test_the_pages_own_origin_with_its_port_is_let_in(learner: dict[str, str]) -> None:
    headers = [(b"origin", b"http://localhost:8000"), (b"host", b"localhost:8000"),
               (b"cookie", f"sessionid={learner['session']}".encode())]
    comm = WebsocketCommunicator(application, "/ws/sandbox/lab/", headers=headers)

    ok, _ = await comm.connect()

    assert ok is True
    await comm.disconnect()


async def test_the_logged_in_owner_may_connect_from_a_new_browser(learner: dict[str, str]) -> None:
    def log_in_owner() -> str:
        user = get_user_model().objects.create_user("ada")  # no password: hashing one is slow
        Sandbox.objects.filter(name="lab").update(owner_user=user)
        session = SessionStore()
        session.update({"_auth_user_id": str(user.pk), "_auth_user_backend":
                        "django.contrib.auth.backends.ModelBackend", "_auth_user_hash": user.get_session_auth_hash()})
        session.create()
        return str(session.session_key)

    other_browser = await db(log_in_owner)

    comm, snapshot = await connected(other_browser)

    assert snapshot["type"] == "snapshot"
    await comm.disconnect()


# ---- the change feed ---------------------------------------------------------------------------------


async def test_changes_made_elsewhere_arrive_in_order_once(learner: dict[str, str]) -> None:
    comm, snapshot = await connected(learner["session"])
    await db(runtime.act, "lab", lambda c: c.api.create(configmap("one")))
    await db(runtime.act, "lab", lambda c: c.api.create(configmap("two")))

    frames = await frames_until(comm, lambda f: f["type"] == "change"
                                and f["change"]["object"]["metadata"]["name"] == "two")

    seqs = [f["seq"] for f in changes(frames)]
    assert seqs == list(range(snapshot["seq"] + 1, seqs[-1] + 1))
    names = [f["change"]["object"]["metadata"]["name"] for f in changes(frames)
             if f["change"]["object"]["kind"] == "ConfigMap"]
    assert names == ["one", "two"]
    await comm.disconnect()


async def test_a_dropped_connection_resumes_without_gap_or_duplicate(learner: dict[str, str]) -> None:
    comm, snapshot = await connected(learner["session"])
    await comm.disconnect()
    for name in ("while-away-1", "while-away-2"):
        await db(runtime.act, "lab", lambda c, name=name: c.api.create(configmap(name)))
    seq_now = (await db(Sandbox.objects.get, name="lab")).seq

    comm = socket(learner["session"], since=snapshot["seq"])
    assert (await comm.connect())[0]
    frames = await frames_until(comm, lambda f: f.get("seq") == seq_now)

    assert "snapshot" not in [f["type"] for f in frames]
    assert [f["seq"] for f in changes(frames)] == list(range(snapshot["seq"] + 1, seq_now + 1))
    assert [f["change"]["object"]["metadata"]["name"] for f in changes(frames)
            if f["change"]["object"]["kind"] == "ConfigMap"] == ["while-away-1", "while-away-2"]
    await comm.disconnect()


async def test_a_client_too_far_behind_gets_a_fresh_snapshot(learner: dict[str, str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "CHANGE_LOG_KEEP", 2)
    old_seq = (await db(Sandbox.objects.get, name="lab")).seq
    for i in range(4):
        await db(runtime.act, "lab", lambda c, i=i: c.api.create(configmap(f"cm-{i}")))

    comm, first = await connected(learner["session"], since=old_seq)

    assert first["type"] == "snapshot"
    assert first["seq"] == (await db(Sandbox.objects.get, name="lab")).seq
    await comm.disconnect()


async def test_a_client_from_before_a_reset_gets_a_fresh_snapshot(learner: dict[str, str]) -> None:
    for i in range(3):
        await db(runtime.act, "lab", lambda c, i=i: c.api.create(configmap(f"cm-{i}")))
    before_reset = (await db(Sandbox.objects.get, name="lab")).seq
    await db(runtime.reset_sandbox, "lab")

    comm, first = await connected(learner["session"], since=before_reset)

    assert first["type"] == "snapshot"
    assert not [o for o in first["objects"] if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("cm-")]
    await comm.disconnect()


async def test_a_watched_sandbox_moves_on_by_itself(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, snapshot = await connected(learner["session"])
    pod = next(o["metadata"]["name"] for o in snapshot["objects"]
               if o["kind"] == "Pod" and o["metadata"]["labels"].get("run") == "httpd")
    await comm.send_json_to({"type": "speed", "speed": 4})

    await comm.send_json_to({"type": "delete_pod", "id": 1, "namespace": "default", "name": pod})

    # Nobody sends anything more: the ticker lets the kubelet stop the pod and the ReplicaSet replace it.
    frames = await frames_until(comm, lambda f: f["type"] == "change" and f["change"]["type"] == "DELETED"
                                and f["change"]["object"]["metadata"]["name"] == pod, timeout=10)
    pods = [f["change"]["object"] for f in changes(frames) if f["change"]["object"]["kind"] == "Pod"]
    assert any(p["metadata"]["name"] != pod and p["metadata"]["labels"].get("run") == "httpd" for p in pods)
    clock = [f for f in frames if f["type"] == "clock"]
    assert clock and clock[0]["speed"] == 4
    await comm.disconnect()


async def test_an_unwatched_sandbox_is_not_touched(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, snapshot = await connected(learner["session"])
    pod = next(o["metadata"]["name"] for o in snapshot["objects"]
               if o["kind"] == "Pod" and o["metadata"]["labels"].get("run") == "httpd")
    await reply(comm, {"type": "delete_pod", "id": 1, "namespace": "default", "name": pod})
    await comm.disconnect()
    left = await db(Sandbox.objects.get, name="lab")
    assert left.next_due is not None

    await asyncio.sleep(0.6)  # more than two ticks

    later = await db(Sandbox.objects.get, name="lab")
    assert later.next_due <= later.cluster_now(time.time()), "something was due…"
    assert (later.version, later.seq) == (left.version, left.seq), "…and still nobody touched it"


class AnswerHooks(SandboxHooks):
    """A sandbox whose one check asks for the ConfigMap `answer`."""

    def checks(self, name: str, cluster: Cluster) -> list[dict[str, Any]]:
        made = cluster.store.get("ConfigMap", "default", "answer") is not None
        return [{"id": "make-answer", "title": "Create the ConfigMap answer", "passed": made,
                 "hint": "kubectl create configmap answer"}]


async def test_checks_are_sent_after_the_change_that_alters_them(learner: dict[str, str], settings: Any) -> None:
    settings.SANDBOX_HOOKS = "tests.cluster.test_consumers.AnswerHooks"
    comm, snapshot = await connected(learner["session"])
    await db(runtime.act, "lab", lambda c: c.api.create(configmap("unrelated")))
    await db(runtime.act, "lab", lambda c: c.api.create(configmap("answer")))

    frames = await frames_until(comm, lambda f: f["type"] == "checks")

    assert [c["passed"] for c in snapshot["checks"]] == [False]
    assert frames[-1] == {"type": "checks", "checks": [{"id": "make-answer", "title": "Create the ConfigMap answer",
                                                        "passed": True, "hint": "kubectl create configmap answer"}]}
    assert [f["type"] for f in frames].count("checks") == 1, "the unrelated change alters no check"
    assert "answer" in [f["change"]["object"]["metadata"]["name"] for f in changes(frames)]
    await comm.disconnect()


# ---- commands ----------------------------------------------------------------------------------------


async def test_apply_replies_with_kubectls_output_after_the_changes(learner: dict[str, str]) -> None:
    comm, _ = await connected(learner["session"])

    await comm.send_json_to({"type": "apply", "id": 7, "yaml": HTTPD})
    frames = await frames_until(comm, lambda f: f["type"] == "apply_result")

    result = frames[-1]
    assert result == {"type": "apply_result", "id": 7, "ok": True,
                      "output": "deployment.apps/httpd created\nservice/httpd-svc created\n",
                      "error": "", "errors": [], "hint": ""}
    added = [(f["change"]["object"]["kind"], f["change"]["object"]["metadata"]["name"])
             for f in changes(frames) if f["change"]["type"] == "ADDED"]
    assert ("Deployment", "httpd") in added and ("Service", "httpd-svc") in added
    await comm.disconnect()


async def test_apply_of_an_old_manifest_explains_itself(learner: dict[str, str]) -> None:
    comm, _ = await connected(learner["session"])
    old = HTTPD.replace("apiVersion: apps/v1", "apiVersion: apps/v1beta1", 1)

    result = await reply(comm, {"type": "apply", "id": 8, "yaml": old})

    assert result["ok"] is False
    assert result["error"].startswith('error: resource mapping not found for name: "httpd" namespace: "" from '
                                      '"STDIN": no matches for kind "Deployment" in version "apps/v1beta1"')
    assert [e["line"] for e in result["errors"]] in ([1], [2]), "at the top of the Deployment"
    assert "apps/v1" in result["hint"]
    await comm.disconnect()


async def test_a_kubectl_line_runs_in_the_sandbox(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, _ = await connected(learner["session"])

    result = await reply(comm, {"type": "kubectl", "id": "k1", "line": "get deployments"})
    missing = await reply(comm, {"type": "kubectl", "id": "k2", "line": "get pod nope"})

    assert result["type"] == "kubectl_result"
    assert result["stdout"].splitlines()[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert result["stdout"].splitlines()[1].split()[:4] == ["httpd", "2/2", "2", "2"]
    assert (result["stderr"], result["exit_code"]) == ("", 0)
    assert (missing["stderr"], missing["exit_code"]) == ('Error from server (NotFound): pods "nope" not found\n', 1)
    await comm.disconnect()


async def test_get_w_streams_a_row_per_change_until_ctrl_c(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, _ = await connected(learner["session"])

    await comm.send_json_to({"type": "kubectl", "id": "w1", "line": "get deployments -w"})
    listing = await frames_until(comm, lambda f: f.get("id") == "w1")
    await comm.send_json_to({"type": "scale", "id": 2, "namespace": "default", "name": "httpd", "replicas": 3})
    streamed = await frames_until(comm, lambda f: f.get("id") == 2)
    rows = [f["stdout"] for f in streamed if f["type"] == "kubectl_output" and f["id"] == "w1"]
    stopped = await reply(comm, {"type": "cancel", "id": "w1"})
    await comm.send_json_to({"type": "scale", "id": 3, "namespace": "default", "name": "httpd", "replicas": 2})
    after = await frames_until(comm, lambda f: f.get("id") == 3)

    assert listing[-1]["type"] == "kubectl_output"
    assert listing[-1]["stdout"].splitlines()[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert listing[-1]["stdout"].splitlines()[1].split()[:2] == ["httpd", "2/2"]
    assert rows, "a change of the watched deployment prints a row"
    assert all(len(r.splitlines()) == 1 and r.split()[0] == "httpd" for r in rows)  # no second header
    assert rows[0].split()[1] == "2/3"
    assert stopped == {"type": "kubectl_result", "id": "w1", "stdout": "", "stderr": "", "exit_code": 130}
    assert not [f for f in after if f.get("id") == "w1"], "after Ctrl+C nothing more is printed"
    await comm.disconnect()


async def test_watching_two_kinds_is_refused_as_kubectl_refuses_it(learner: dict[str, str]) -> None:
    comm, _ = await connected(learner["session"])

    refused = await reply(comm, {"type": "kubectl", "id": "w", "line": "get pods,services -w"})

    assert refused == {"type": "kubectl_result", "id": "w", "stdout": "",
                       "stderr": "error: you may only specify a single resource type\n", "exit_code": 1}
    await comm.disconnect()


async def test_scaling_from_the_diagram(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, _ = await connected(learner["session"])

    done = await reply(comm, {"type": "scale", "id": 3, "namespace": "default", "name": "httpd", "replicas": 3})
    too_many = await reply(comm, {"type": "scale", "id": 4, "namespace": "default", "name": "httpd",
                                  "replicas": 5000})
    missing = await reply(comm, {"type": "scale", "id": 5, "namespace": "default", "name": "nope", "replicas": 1})

    assert done == {"type": "done", "id": 3, "output": "deployment.apps/httpd scaled\n"}
    assert too_many == {"type": "error", "id": 4, "message": '"replicas" must be from 0 to 1000, not 5000'}
    assert missing == {"type": "error", "id": 5, "message": 'deployments.apps "nope" not found'}
    _, cluster = await db(runtime.load, "lab")
    assert cluster.store.get("Deployment", "default", "httpd")["spec"]["replicas"] == 3
    await comm.disconnect()


async def test_killing_a_pod_shows_it_terminating(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, snapshot = await connected(learner["session"])
    pod = next(o["metadata"]["name"] for o in snapshot["objects"]
               if o["kind"] == "Pod" and o["metadata"]["labels"].get("run") == "httpd")

    await comm.send_json_to({"type": "delete_pod", "id": 2, "namespace": "default", "name": pod})
    frames = await frames_until(comm, lambda f: f.get("id") == 2)

    assert frames[-1] == {"type": "done", "id": 2, "output": f'pod "{pod}" deleted\n'}
    mine = [f["change"]["object"] for f in changes(frames) if f["change"]["object"]["metadata"]["name"] == pod]
    assert mine and mine[0]["metadata"]["deletionTimestamp"]
    await comm.disconnect()


async def test_traffic_reaches_the_pods_behind_the_service(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, snapshot = await connected(learner["session"])
    node = next(o["metadata"]["name"] for o in snapshot["objects"] if o["kind"] == "Node")
    svc = next(o for o in snapshot["objects"] if o["kind"] == "Service" and o["metadata"]["name"] == "httpd-svc")

    await comm.send_json_to({"type": "traffic", "id": 9, "from": f"node/{node}",
                             "url": f"http://{svc['spec']['clusterIP']}:8080/", "count": 10})
    frames = await frames_until(comm, lambda f: f["type"] == "traffic")

    requests = frames[-1]["requests"]
    assert len(requests) == 10
    assert {r["result"] for r in requests} == {"answered"}
    assert {r["endpoint"]["pod"] for r in requests} <= {
        o["metadata"]["name"] for o in snapshot["objects"] if o["kind"] == "Pod"}
    assert requests[0]["body"] == "<html><body><h1>It works!</h1></body></html>\n"
    await comm.disconnect()


async def test_traffic_is_rate_limited_with_a_clear_message(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, snapshot = await connected(learner["session"])
    node = next(o["metadata"]["name"] for o in snapshot["objects"] if o["kind"] == "Node")
    frame = {"type": "traffic", "from": f"node/{node}", "url": "http://127.0.0.1:1/", "count": 1}

    answers = [await reply(comm, dict(frame, id=i)) for i in range(consumers.TRAFFIC_LIMIT[0] + 1)]

    assert {a["type"] for a in answers[:-1]} == {"done"}
    assert answers[-1] == {"type": "error", "id": consumers.TRAFFIC_LIMIT[0],
                           "message": "too much traffic: at most 20 batches every 10 seconds; wait a moment"}
    await comm.disconnect()


async def test_the_speed_is_told_to_every_open_page(learner: dict[str, str]) -> None:
    first, _ = await connected(learner["session"])
    second, _ = await connected(learner["session"])

    await first.send_json_to({"type": "speed", "speed": 0})

    for comm in (first, second):
        clock = (await frames_until(comm, lambda f: f["type"] == "clock"))[-1]
        assert clock["speed"] == 0
        await comm.disconnect()
    assert (await db(Sandbox.objects.get, name="lab")).speed == 0


async def test_reset_gives_every_page_a_fresh_snapshot(learner: dict[str, str]) -> None:
    first, _ = await connected(learner["session"])
    second, _ = await connected(learner["session"])
    await db(runtime.act, "lab", lambda c: c.api.create(configmap("mine")))

    await first.send_json_to({"type": "reset", "id": 1})

    for comm in (first, second):
        snapshot = (await frames_until(comm, lambda f: f["type"] == "snapshot"))[-1]
        assert not [o for o in snapshot["objects"] if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "mine"]
        await comm.disconnect()


async def test_why_explains_which_pods_a_service_reaches(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, _ = await connected(learner["session"])

    answer = await reply(comm, {"type": "why", "id": 4, "namespace": "default", "name": "httpd-svc"})
    missing = await reply(comm, {"type": "why", "id": 5, "namespace": "default", "name": "nope"})

    assert answer["type"] == "why"
    assert answer["service"] == {"namespace": "default", "name": "httpd-svc"}
    assert answer["selector"] == {"run": "httpd"}
    assert [p["match"] for p in answer["pods"]] == [True, True]
    assert [e["ready"] for e in answer["endpoints"]] == [True, True]
    assert missing == {"type": "error", "id": 5, "message": 'services "nope" not found'}
    await comm.disconnect()


async def test_tab_completes_verbs_types_and_names(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, _ = await connected(learner["session"])

    verbs = await reply(comm, {"type": "complete", "id": 1, "line": "kubectl de"})
    types = await reply(comm, {"type": "complete", "id": 2, "line": "kubectl get deploy"})
    names = await reply(comm, {"type": "complete", "id": 3, "line": "kubectl describe svc h"})
    slashed = await reply(comm, {"type": "complete", "id": 4, "line": "kubectl scale deploy/"})

    assert verbs["items"] == ["delete", "describe"]
    assert types["items"] == ["deploy", "deployment", "deployments"]
    assert names["items"] == ["httpd-svc"]
    assert slashed["items"] == ["deploy/httpd"]
    await comm.disconnect()


# ---- bad frames --------------------------------------------------------------------------------------


async def test_bad_frames_get_an_error_and_the_socket_stays_open(learner: dict[str, str]) -> None:
    comm, _ = await connected(learner["session"])

    await comm.send_to(text_data="{not json")
    not_json = await comm.receive_json_from()
    await comm.send_to(text_data="[1, 2]")
    not_object = await comm.receive_json_from()
    await comm.send_to(text_data=json.dumps({"type": "apply", "id": 1, "yaml": "x" * (consumers.MAX_FRAME_BYTES)}))
    too_big = await comm.receive_json_from()
    unknown = await reply(comm, {"type": "explode", "id": 2})
    wrong_field = await reply(comm, {"type": "scale", "id": 3, "name": "httpd", "replicas": "two"})
    bad_speed = await reply(comm, {"type": "speed", "id": 4, "speed": 2})
    await comm.send_to(bytes_data=b"\x00")
    binary = await comm.receive_json_from()
    await comm.send_json_to({"type": "ping"})
    pong = await comm.receive_json_from()

    assert not_json["type"] == "error" and not_json["message"].startswith("frame is not valid JSON")
    assert not_object == {"type": "error", "message": 'a frame must be a JSON object with a "type"'}
    assert too_big == {"type": "error", "message": "frame too large: at most 256 KB"}
    assert unknown == {"type": "error", "id": 2, "message": "unknown frame type 'explode': supported types are "
                       "apply, kubectl, cancel, delete_pod, scale, traffic, speed, reset, why, complete, ping"}
    assert wrong_field == {"type": "error", "id": 3, "message": '"replicas" must be a whole number from 0 to 1000'}
    assert bad_speed == {"type": "error", "id": 4, "message": '"speed" must be 0 (paused), 1 or 4'}
    assert binary == {"type": "error", "message": "frames must be JSON text, not binary"}
    assert pong == {"type": "pong"}
    await comm.disconnect()


# ---- what one command costs --------------------------------------------------------------------------


@contextlib.contextmanager
def every_query() -> Iterator[list[str]]:
    """The SQL every thread runs meanwhile (CaptureQueriesContext sees only its own thread's connection)."""
    seen: list[str] = []
    original = CursorWrapper._execute_with_wrappers

    def spy(self: CursorWrapper, sql: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(sql)
        return original(self, sql, *args, **kwargs)

    CursorWrapper._execute_with_wrappers = spy
    try:
        yield seen
    finally:
        CursorWrapper._execute_with_wrappers = original


async def pool_idle() -> None:
    """Wait until every worker thread is free: work left over from an earlier test would be counted too."""
    count = settings.SANDBOX_WORKERS
    barrier = threading.Barrier(count)
    await asyncio.gather(*(asyncio.wrap_future(workers.pool().submit(barrier.wait, 10)) for _ in range(count)))


def reads_of(seen: list[str], table: str) -> list[str]:
    return [sql for sql in seen if sql.lstrip().upper().startswith("SELECT") and f'FROM "{table}"' in sql]


@pytest.mark.parametrize("cache", ["warm", "after a restart"])
async def test_one_apply_reads_the_sandbox_row_once_and_not_its_own_frames(learner: dict[str, str],
                                                                           cache: str) -> None:
    comm, _ = await connected(learner["session"])
    await reply(comm, {"type": "speed", "id": 0, "speed": 0})  # no timed happening acts meanwhile
    if cache != "warm":
        runtime._cache.clear()
    await pool_idle()

    with every_query() as seen:
        result = await reply(comm, {"type": "apply", "id": 1, "yaml": HTTPD})

    assert result["ok"] is True
    assert len(reads_of(seen, "cluster_sandbox")) == 1, seen
    assert reads_of(seen, "cluster_sandboxchange") == [], "the frames just written are not read back"
    await comm.disconnect()


async def test_a_read_only_kubectl_line_writes_nothing(learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, _ = await connected(learner["session"])
    await reply(comm, {"type": "speed", "id": 0, "speed": 0})  # no timed happening acts meanwhile
    before = await db(Sandbox.objects.get, name="lab")
    await pool_idle()

    with every_query() as seen:
        got = await reply(comm, {"type": "kubectl", "id": 1, "line": "get pods -o wide"})
        described = await reply(comm, {"type": "kubectl", "id": 2, "line": "describe deployment httpd"})

    after = await db(Sandbox.objects.get, name="lab")
    assert got["exit_code"] == 0 and described["exit_code"] == 0
    assert (after.version, after.seq, after.updated_at) == (before.version, before.seq, before.updated_at)
    assert [sql for sql in seen if not sql.lstrip().upper().startswith("SELECT")] == []
    await comm.disconnect()


@override_settings(RATE_LIMITS={"session-commands": (3, 60.0)})
async def test_one_browser_cannot_dodge_the_limit_by_opening_more_sockets(learner: dict[str, str]) -> None:
    first, second = socket(learner["session"]), socket(learner["session"])
    for comm in (first, second):
        ok, _ = await comm.connect()
        assert ok
        await comm.receive_json_from(timeout=5)  # the snapshot
    answers = []
    for index, comm in enumerate((first, second, first, second)):
        answers.append(await reply(comm, {"type": "kubectl", "id": index, "line": "get pods"}))
    assert [a["type"] for a in answers[:3]] == ["kubectl_result"] * 3
    assert answers[3]["type"] == "error"
    assert answers[3]["message"].startswith("too many commands from this browser: at most 3 every 60 seconds")
    for comm in (first, second):
        await comm.disconnect()


async def test_a_handshake_without_an_origin_is_refused(learner: dict[str, str]) -> None:
    comm = WebsocketCommunicator(application, "/ws/sandbox/lab/",
                                 headers=[(b"host", b"testserver"), (b"cookie", f"sessionid={learner['session']}".encode())])
    ok, _ = await comm.connect()
    assert ok is False


# ---- limits and broken sandboxes ---------------------------------------------------------------------------


async def test_scaling_past_what_the_page_can_show_is_refused_and_the_sandbox_stays_openable(
        learner: dict[str, str]) -> None:
    await db(with_httpd)
    comm, _ = await connected(learner["session"])

    refused = await reply(comm, {"type": "scale", "id": 1, "name": "httpd", "replicas": 1000}, timeout=30)

    assert refused["type"] == "error"
    assert refused["message"].startswith("exceeded quota: sandbox-size, requested: size=")
    assert "unchanged" not in refused["message"] and "internal error" not in refused["message"]
    await comm.disconnect()
    again, snapshot = await connected(learner["session"])
    [deployment] = [o for o in snapshot["objects"] if o["kind"] == "Deployment" and o["metadata"]["name"] == "httpd"]
    assert deployment["spec"]["replicas"] == 2
    await again.disconnect()


async def test_a_sandbox_that_cannot_load_says_why_on_the_page_and_reset_brings_it_back(
        learner: dict[str, str]) -> None:
    await db(lambda: Sandbox.objects.filter(name="lab").update(snapshot=b"not a snapshot"))
    runtime._cache.clear()  # as in another process, or after a restart

    comm = socket(learner["session"])
    ok, _ = await comm.connect()
    assert ok
    said = await comm.receive_json_from(timeout=5)
    kubectl = await reply(comm, {"type": "kubectl", "id": 1, "line": "kubectl get pods"})
    await comm.send_json_to({"type": "reset", "id": 2})
    fresh = (await frames_until(comm, lambda f: f["type"] == "snapshot"))[-1]

    assert said["type"] == "error"
    assert said["message"].startswith("this sandbox cannot be loaded (its saved snapshot does not decode: ")
    assert said["message"].endswith("; reset it to start over")
    assert kubectl["type"] == "error" and kubectl["message"] == said["message"]
    assert [o["metadata"]["name"] for o in fresh["objects"] if o["kind"] == "Node"] == [
        "podium-control-plane", "podium-worker", "podium-worker2"]
    await comm.disconnect()
