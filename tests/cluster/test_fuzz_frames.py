"""Whatever a page sends over its websocket, every command gets an answer in kubectl's words (never an internal
error), the socket stays open, and a refused command leaves the sandbox unchanged."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from hypothesis import given
from hypothesis import strategies as st

from cluster import runtime
from cluster.models import Sandbox
from cluster.sim.settings import Settings
from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_SERVICE
from tests.sim.fuzzing import fuzz_settings, hostile_text, kubectl_lines, manifest_texts, values
from tutorial.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.filterwarnings("ignore")]

REPLIES = {"apply_result", "kubectl_result", "why", "completions", "done", "error", "pong"}
names = st.one_of(st.sampled_from(["httpd", "httpd-svc", "nope", "", "kube-dns"]), hostile_text, values)
# `speed` is left out: a running clock would change the sandbox between two looks at it.
frames = st.one_of(
    st.fixed_dictionaries({"type": st.just("apply"), "yaml": st.one_of(manifest_texts(), values)}),
    st.fixed_dictionaries({"type": st.just("kubectl"), "line": st.one_of(kubectl_lines, values)}),
    st.fixed_dictionaries({"type": st.just("complete"), "line": st.one_of(kubectl_lines, values)}),
    st.fixed_dictionaries({"type": st.sampled_from(["delete_pod", "why"])}, optional={"name": names,
                                                                                      "namespace": names}),
    st.fixed_dictionaries({"type": st.just("scale"), "name": names},
                          optional={"replicas": st.one_of(st.integers(-2, 2000), values), "namespace": names}),
    st.fixed_dictionaries({"type": st.just("traffic")},
                          optional={"from": st.one_of(st.sampled_from(["outside", "node/podium-worker"]), names),
                                    "url": st.one_of(st.sampled_from(["http://httpd-svc:8080/", "http://10.96.0.1/"]),
                                                     hostile_text, values),
                                    "count": st.one_of(st.integers(-1, 200), values)}),
    st.fixed_dictionaries({"type": st.sampled_from(["reset", "ping"])}),
    st.fixed_dictionaries({"type": st.one_of(hostile_text, values)}),
    st.dictionaries(hostile_text, values, max_size=3),
)


def owned_sandbox() -> str:
    session = SessionStore()
    session.create()
    key = str(session.session_key)
    if not Sandbox.objects.filter(name="fuzz").exists():
        runtime.create_sandbox("fuzz", settings=Settings(seed=3, time_scale=0.05))
        runtime.act("fuzz", lambda c: c.api.create({"apiVersion": "v1", "kind": "Namespace",
                                                     "metadata": {"name": "lab"}}), speed=0.0)
    Sandbox.objects.filter(name="fuzz").update(owner_session=key, speed=0.0)
    return key


def version() -> int:
    return int(Sandbox.objects.values_list("version", flat=True).get(name="fuzz"))


async def exchange(session: str, sent: list[Any]) -> None:
    channel_layers.backends.clear()  # the in-memory layer's queues belong to one event loop
    comm = WebsocketCommunicator(application, "/ws/sandbox/fuzz/",
                                 headers=[(b"origin", b"http://testserver"), (b"host", b"testserver"),
                                          (b"cookie", f"sessionid={session}".encode())])
    connected, _ = await comm.connect()
    assert connected
    assert (await comm.receive_json_from(timeout=10))["type"] == "snapshot"
    for number, frame in enumerate(sent):
        before = await database_sync_to_async(version)()
        if isinstance(frame, dict) and "type" in frame:
            frame = {**frame, "id": number}
        await comm.send_to(text_data=json.dumps(frame))
        answer = await answer_to(comm, number)
        assert "internal error" not in json.dumps(answer).lower(), (frame, answer)
        assert "Traceback" not in json.dumps(answer)
        if answer["type"] == "error" and (frame.get("type") != "reset" if isinstance(frame, dict) else True):
            assert await database_sync_to_async(version)() == before, (frame, answer)
    await comm.send_to(text_data=json.dumps({"type": "ping"}))
    assert (await answer_to(comm, None))["type"] == "pong", "the socket stays open"
    await comm.disconnect()


async def answer_to(comm: WebsocketCommunicator, number: int | None) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        frame = await comm.receive_json_from(timeout=max(0.01, deadline - time.monotonic()))
        if frame["type"] in REPLIES and frame.get("id", number) == number:
            return dict(frame)


@fuzz_settings(25)
@given(sent=st.lists(frames, min_size=1, max_size=6))
def test_any_frame_gets_an_answer_and_a_refused_one_changes_nothing(transactional_db, sent):
    session = owned_sandbox()
    if not runtime.read("fuzz", lambda c: c.store.get("Deployment", "default", "httpd")):
        runtime.act("fuzz", lambda c: [c.api.apply(doc) for doc in _seed_docs()], speed=0.0)
    async_to_sync(exchange)(session, sent)


def _seed_docs() -> list[dict[str, Any]]:
    import yaml

    return list(yaml.safe_load_all(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE))
