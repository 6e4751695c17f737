"""Keeps watched sandboxes moving: in each process, one timer per watched sandbox, set to its next timed happening.

Only watched sandboxes tick; an unwatched one is never read or written, however much time passes. Nothing
polls: the timer learns each new timing from the act that made it (in this process, or another one through
the group message). Several processes watching one sandbox are safe: act() saves under optimistic
concurrency, and once one of them has advanced the sandbox the others find nothing due and write nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from cluster import runtime, workers

log = logging.getLogger(__name__)

CLOCK_EVERY = 5.0  # seconds of wall time between `clock` frames while the clock runs
MIN_WAIT = 0.01  # an overdue happening is acted on at once, but a timer never spins
RETRY_AFTER = 1.0  # after a failed tick

ClockListener = Callable[[float, float | int], Awaitable[None]]


def speed_number(speed: float) -> float | int:
    """0, 1 and 4 as the protocol spells them (integers), anything else as it is."""
    return int(speed) if float(speed).is_integer() else speed


def _nothing(cluster: Any) -> None:
    """Acting with nothing to do still advances the cluster to now and saves what happened on the way."""


class SandboxClock:
    """One watched sandbox in this process: a timer for its next happening, and `clock` frames for its pages."""

    def __init__(self, name: str, timing: runtime.Timing) -> None:
        self.name = name
        self.timing = timing
        self.listeners: list[ClockListener] = []
        self._due: asyncio.TimerHandle | None = None
        self._clock: asyncio.TimerHandle | None = None
        self._tick: asyncio.Future[None] | None = None
        self._sending: asyncio.Future[None] | None = None
        self._stopped = False

    def update(self, timing: runtime.Timing) -> None:
        """A newer timing (from a save, or an act that found nothing to save): set the timer again."""
        if timing.version < self.timing.version or self._stopped:
            return
        running_before = self.timing.speed > 0
        self.timing = timing
        self._schedule()
        if (timing.speed > 0) != running_before or self._clock is None:
            self._schedule_clock()

    def stop(self) -> None:
        self._stopped = True
        for handle in (self._due, self._clock):
            if handle is not None:
                handle.cancel()
        self._due = self._clock = None
        if self._tick is not None:
            self._tick.cancel()

    def _schedule(self) -> None:
        if self._due is not None:
            self._due.cancel()
            self._due = None
        if self._tick is not None or self._stopped:
            return  # the running tick sets the timer when it ends
        wait = self.timing.wall_seconds_until_due(runtime.wall_clock())
        if wait is not None:
            self._due = asyncio.get_running_loop().call_later(max(MIN_WAIT, wait), self._fire)

    def _fire(self) -> None:
        self._due = None
        self._tick = asyncio.ensure_future(self._advance())

    async def _advance(self) -> None:
        try:
            outcome = await workers.run(runtime.act, self.name, _nothing)
            if outcome.timing is not None and outcome.timing.version >= self.timing.version:
                self.timing = outcome.timing
        except asyncio.CancelledError:
            raise
        except runtime.SandboxNotFound:
            self.stop()
            return
        except runtime.SandboxBroken:
            self._tick = None
            return  # the page was told; nothing moves until a reset saves it again (update sets the timer)
        except Exception:  # a failed tick must not stop the clock for good
            log.exception("ticking sandbox %s failed", self.name)
            await asyncio.sleep(RETRY_AFTER)
        finally:
            self._tick = None
        self._schedule()

    def _schedule_clock(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            self._clock = None
        if self.timing.speed > 0 and not self._stopped:
            self._clock = asyncio.get_running_loop().call_later(CLOCK_EVERY, self._send_clock)

    def _send_clock(self) -> None:
        self._clock = None
        now, speed = self.timing.now(runtime.wall_clock()), speed_number(self.timing.speed)
        self._sending = asyncio.ensure_future(self._tell(now, speed))
        self._schedule_clock()

    async def _tell(self, now: float, speed: float | int) -> None:
        for listener in list(self.listeners):
            with contextlib.suppress(Exception):  # a page that just closed
                await listener(now, speed)


# The clocks of this process, per event loop (tests run one loop each).
_clocks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, SandboxClock]] = \
    weakref.WeakKeyDictionary()


def _here() -> dict[str, SandboxClock]:
    return _clocks.setdefault(asyncio.get_running_loop(), {})


def watch(name: str, timing: runtime.Timing, listener: ClockListener) -> None:
    """A page opened the sandbox: keep it moving while any page of this process watches it."""
    clocks = _here()
    clock = clocks.get(name)
    if clock is None:
        clock = clocks[name] = SandboxClock(name, timing)
        clock._schedule_clock()
    clock.listeners.append(listener)
    clock.update(timing)


def unwatch(name: str, listener: ClockListener) -> None:
    clocks = _here()
    clock = clocks.get(name)
    if clock is None:
        return
    with contextlib.suppress(ValueError):
        clock.listeners.remove(listener)
    if not clock.listeners:
        clock.stop()
        del clocks[name]


def update(name: str, timing: runtime.Timing) -> None:
    """The sandbox was saved (here or elsewhere): its timer follows the new timing."""
    clock = _here().get(name)
    if clock is not None:
        clock.update(timing)
