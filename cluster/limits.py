"""Rate limits per learner and per address, shared by every socket, the Kubernetes API and every process.

Counts live in Django's `limits` cache (Redis when REDIS_URL is set, so several processes share them; memory
otherwise) in fixed windows. Each limit is `(count, seconds)` in settings.RATE_LIMITS; a refusal says which
limit and when to try again, in the words the caller shows (a websocket error, a 429 Status, a page).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

DEFAULTS: dict[str, tuple[int, float]] = {
    # websocket commands of one browser session, whatever number of sockets it opens
    "session-commands": (240, 60.0),
    # everything from one address, sockets and the API: a class of 200 behind one NAT sends about 3,000 a minute
    "address-commands": (12000, 60.0),
    # Kubernetes API requests to one sandbox (kubectl sends a burst of discovery requests at first)
    "sandbox-api": (600, 60.0),
    # new sandboxes from one address (each lesson a learner opens makes one; 500 in 26 s was an attack)
    "address-sandboxes": (600, 3600.0),
}

WHAT = {
    "session-commands": "commands from this browser",
    "address-commands": "requests from your network address",
    "sandbox-api": "Kubernetes API requests to this sandbox",
    "address-sandboxes": "new sandboxes from your network address",
}


@dataclass(frozen=True)
class Refusal:
    limit: str
    count: int
    seconds: float
    retry_after: int

    @property
    def message(self) -> str:
        return (f"too many {WHAT[self.limit]}: at most {self.count} every {self.seconds:g} seconds; "
                f"try again in {self.retry_after} s")


def limit(name: str) -> tuple[int, float]:
    configured: dict[str, tuple[int, float]] = getattr(settings, "RATE_LIMITS", {})
    return configured.get(name, DEFAULTS[name])


def hit(name: str, key: str, now: float | None = None) -> Refusal | None:
    """Count one use of `name` by `key`; a Refusal when that is more than the limit allows in this window."""
    count, seconds = limit(name)
    now = time.time() if now is None else now
    window = int(now // seconds)
    cache_key = f"limit:{name}:{key}:{window}"
    cache = caches["limits"]
    cache.add(cache_key, 0, timeout=int(seconds) + 1)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this use opens a new window
        cache.set(cache_key, 1, timeout=int(seconds) + 1)
        used = 1
    if used <= count:
        return None
    return Refusal(name, count, seconds, max(1, int((window + 1) * seconds - now) + 1))


def first_refusal(*uses: tuple[str, str]) -> Refusal | None:
    """Count each (limit, key) use; the first refused one, if any."""
    refusals = [hit(name, key) for name, key in uses if key]
    return next((r for r in refusals if r is not None), None)
