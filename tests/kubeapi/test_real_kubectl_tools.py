"""The learner's own kubectl (the real v1.32 binary) all the way: health, api-resources, auth can-i, explain, logs,
exec and port-forward against a sandbox served by Podium."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.kubectl]


def test_get_raw_readyz_says_ok(live):
    assert live.kubectl.ok("get", "--raw", "/readyz") == "ok"
    verbose = live.kubectl.ok("get", "--raw", "/livez?verbose")
    assert verbose.startswith("[+]ping ok\n[+]log ok\n[+]etcd ok\n")
    assert verbose.endswith("livez check passed\n")
