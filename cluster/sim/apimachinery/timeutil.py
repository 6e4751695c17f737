"""Timestamps as Kubernetes writes them (RFC 3339, seconds) and ages as kubectl prints them."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache


def rfc3339(t: float) -> str:
    return _rfc3339(int(t))


@lru_cache(maxsize=4096)
def _rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=4096)
def parse_rfc3339(text: str) -> float:
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC).timestamp()


def rfc1123z(t: float) -> str:
    """describe's CreationTimestamp: `Mon, 02 Jan 2006 15:04:05 -0700`."""
    return datetime.fromtimestamp(int(t), UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def human_duration(seconds: float) -> str:
    """apimachinery duration.HumanDuration."""
    s = int(seconds)  # truncates toward zero, as Go's int(d.Seconds()) does
    if s < -1:
        return "<invalid>"
    if s < 0 or seconds < 0:
        return "0s"
    if s < 60 * 2:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        sec = s % 60
        return f"{minutes}m" if sec == 0 else f"{minutes}m{sec}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        m = (s // 60) % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def age(now: float, timestamp: str | None) -> str:
    """translateTimestampSince: `<unknown>` for a missing timestamp."""
    if not timestamp:
        return "<unknown>"
    return human_duration(now - parse_rfc3339(timestamp))
