"""A bounded pool of threads for database and engine work, so one busy sandbox does not hold up the others.

Channels' `database_sync_to_async` runs all of a process's synchronous work on one thread. Sandbox work runs
here instead, on up to settings.SANDBOX_WORKERS threads; `runtime.locked` keeps each sandbox to one thread at a
time, and each thread keeps its own persistent database connection.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import close_old_connections

WORKERS = 4

_pool: ThreadPoolExecutor | None = None
_serving = threading.local()  # the event loop a pool thread is working for, while it works
_pool_guard = threading.Lock()


def pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_guard:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=int(getattr(settings, "SANDBOX_WORKERS", WORKERS)),
                                       thread_name_prefix="sandbox-work")
        return _pool


class InPool(SyncToAsync):  # type: ignore[misc]
    """SyncToAsync on the pool, tidying the thread's database connection around each call as Django does."""

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        close_old_connections()
        _serving.loop = loop
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _serving.loop = None
            close_old_connections()


def serving_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop this pool thread is doing work for, or None outside the pool."""
    return getattr(_serving, "loop", None)


async def run[T](fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """fn(*args, **kwargs) on a pool thread."""
    result: T = await InPool(fn, thread_sensitive=False, executor=pool())(*args, **kwargs)
    return result
