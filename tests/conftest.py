import multiprocessing

# Forked live servers reset websocket handshakes after async tests in the same process.
multiprocessing.set_start_method("spawn", force=True)

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test counts its own requests: the limits cache (memory in tests) starts empty."""
    from django.core.cache import caches

    caches["limits"].clear()
    yield
