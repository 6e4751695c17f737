"""The demo page's recording (static/src/demo-frames.json) is what the real server sends today."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers

from cluster import runtime
from tools import record_demo
from tutorial.packs import import_pack as load_pack


def first_difference(recorded: Any, committed: Any, path: str = "") -> str:
    """Where two JSON values first differ, as a path into the recording."""
    if isinstance(recorded, dict) and isinstance(committed, dict):
        for key in sorted(set(recorded) | set(committed), key=str):
            if recorded.get(key) != committed.get(key):
                return first_difference(recorded.get(key), committed.get(key), f"{path}.{key}")
    if isinstance(recorded, list) and isinstance(committed, list):
        for i, (a, b) in enumerate(zip(recorded, committed, strict=False)):
            if a != b:
                return first_difference(a, b, f"{path}[{i}]")
        if len(recorded) != len(committed):
            return f"{path}: {len(recorded)} items recorded now, {len(committed)} committed"
    return f"{path}: now {json.dumps(recorded)[:200]}, committed {json.dumps(committed)[:200]}"


@pytest.fixture(autouse=True)
def fresh_layer_and_cache() -> Any:
    channel_layers.backends.clear()  # the in-memory layer's queues belong to one event loop
    runtime._cache.clear()
    yield
    runtime._cache.clear()


@pytest.mark.django_db(transaction=True)
async def test_the_demo_pages_recording_is_what_the_server_sends_now() -> None:
    await database_sync_to_async(load_pack)()
    recorded = json.loads(record_demo.dumps(await record_demo.record()))
    committed = json.loads(record_demo.OUT.read_text(encoding="utf-8"))
    assert recorded == committed, (
        "static/src/demo-frames.json is stale: run `.venv/bin/python tools/record_demo.py`, then "
        f"`cd static/src && npm ci && node build.mjs`. First difference at {first_difference(recorded, committed)}")


def test_the_recording_is_one_unbroken_change_feed_per_path_through_it() -> None:
    """Every change the page can be given follows the one before it, as the protocol promises."""
    recording = json.loads(record_demo.OUT.read_text(encoding="utf-8"))

    def seqs(frames: list[dict[str, Any]]) -> list[int]:
        return [f["seq"] for f in frames if f["type"] == "change"]

    tape = [seq for step in recording["tape"] for seq in seqs(step["frames"])]
    assert tape == list(range(recording["snapshot"]["seq"] + 1, tape[-1] + 1))
    for answer in recording["answers"]["end"]:
        after = seqs(answer["frames"])
        assert after == list(range(tape[-1] + 1, tape[-1] + 1 + len(after)))
        assert "then" not in answer or answer["then"] in recording["answers"]
