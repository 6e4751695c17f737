"""The cluster's clock: the current time and a heap of timed happenings (SimPy-style)."""

from __future__ import annotations

import heapq
from typing import Any

Timer = tuple[float, int, str, list[Any]]


class Clock:
    """`now` moves only when the cluster advances; timers fire in (time, order of scheduling) order."""

    def __init__(self, now: float) -> None:
        self.now = now
        self._heap: list[Timer] = []
        self._seq = 0

    def at(self, when: float, action: str, *args: Any) -> None:
        """Schedule `action(*args)` for time `when` (never earlier than now)."""
        self._seq += 1
        heapq.heappush(self._heap, (max(when, self.now), self._seq, action, list(args)))

    def after(self, delay: float, action: str, *args: Any) -> None:
        self.at(self.now + delay, action, *args)

    def next_time(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop_due(self, until: float) -> list[Timer]:
        """Remove and return every timer due at the earliest due time ≤ until, moving now to it."""
        if not self._heap or self._heap[0][0] > until:
            return []
        when = self._heap[0][0]
        due = []
        while self._heap and self._heap[0][0] == when:
            due.append(heapq.heappop(self._heap))
        self.now = max(self.now, when)
        return due

    def pending(self) -> int:
        return len(self._heap)

    def to_dict(self) -> dict[str, Any]:
        return {"now": self.now, "seq": self._seq, "timers": sorted(self._heap)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Clock:
        clock = cls(data["now"])
        clock.restore(data)
        return clock

    def restore(self, data: dict[str, Any]) -> None:
        """Take the time and timers of a snapshot, in place (the store and the recorder keep this clock)."""
        self.now = data["now"]
        self._seq = data["seq"]
        self._heap = [(t[0], t[1], t[2], t[3]) for t in data["timers"]]
        heapq.heapify(self._heap)
