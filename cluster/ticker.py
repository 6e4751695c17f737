"""Keeps a watched sandbox moving: acts when its next timed happening is due, and tells the clock."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async

from cluster import runtime
from cluster.models import Sandbox

log = logging.getLogger(__name__)

GRANULARITY = 0.25  # seconds of wall time between looks at the sandbox, at most
CLOCK_EVERY = 5.0  # seconds of wall time between `clock` frames while the clock runs


def clock_state(name: str) -> tuple[float, float | None, float] | None:
    """(cluster time now, cluster time of the next timed happening, speed), or None if the sandbox is gone."""
    row = Sandbox.objects.filter(name=name).only("cluster_time", "wall_time", "speed", "next_due").first()
    if row is None:
        return None
    return row.cluster_now(runtime.wall_clock()), row.next_due, row.speed


def speed_number(speed: float) -> float | int:
    """0, 1 and 4 as the protocol spells them (integers), anything else as it is."""
    return int(speed) if float(speed).is_integer() else speed


def _nothing(cluster: Any) -> None:
    """Acting with nothing to do still advances the cluster to now and saves what happened on the way."""


def advance_to_now(name: str) -> runtime.Outcome:
    return runtime.act(name, _nothing)


class Ticker:
    """One watcher's clock: an asyncio task that advances the sandbox whenever something is due.

    Only watched sandboxes tick; an unwatched one is never read or written, however much time passes.
    Several tickers on one sandbox (several tabs or processes) are safe: act() saves under optimistic
    concurrency, and once one of them has advanced the sandbox the others find nothing due.
    """

    def __init__(self, name: str, send_clock: Callable[[float, float | int], Awaitable[None]]) -> None:
        self.name = name
        self.send_clock = send_clock
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.ensure_future(self.run())

    async def stop(self) -> None:
        if self.task is None:
            return
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        self.task = None

    async def run(self) -> None:
        last_clock = time.monotonic()
        while True:
            try:
                state = await database_sync_to_async(clock_state)(self.name)
                if state is None:
                    return
                now, due, speed = state
                if speed > 0 and due is not None and due <= now:
                    await database_sync_to_async(advance_to_now)(self.name)
                    continue
                if speed > 0 and time.monotonic() - last_clock >= CLOCK_EVERY:
                    last_clock = time.monotonic()
                    await self.send_clock(now, speed_number(speed))
            except asyncio.CancelledError:
                raise
            except runtime.SandboxNotFound:
                return
            except Exception:  # a failed tick must not stop the clock for good
                log.exception("ticking sandbox %s failed", self.name)
                await asyncio.sleep(1.0)
                continue
            await asyncio.sleep(self.wait(now, due, speed))

    @staticmethod
    def wait(now: float, due: float | None, speed: float) -> float:
        """Wall seconds until the next look: when the next happening is due, but never more than GRANULARITY."""
        if speed <= 0 or due is None:
            return GRANULARITY
        return min(GRANULARITY, max(0.01, (due - now) / speed))
