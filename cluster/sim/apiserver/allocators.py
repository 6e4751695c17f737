"""Address allocation: ClusterIPs and NodePorts as the apiserver does it, pod IPs as host-local IPAM does."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from random import Random


def _offset(size: int, divisor: int, lo: int, hi: int) -> int:
    """calculateRangeOffset (KEP-3070): the low band kept for explicitly requested values."""
    if size <= lo:
        return 0
    return min(max(lo, size // divisor), hi)


def banded_scan(size: int, offset: int, rng: Random, taken: Callable[[int], bool]) -> int | None:
    """randomScanStrategyWithOffset: from a random start, the first free index in [offset, size), then in [0, offset)."""
    for lo, hi in ((offset, size), (0, offset)):
        if hi <= lo:
            continue
        start = rng.randrange(lo, hi)
        for i in range(hi - lo):
            candidate = lo + (start - lo + i) % (hi - lo)
            if not taken(candidate):
                return candidate
    return None


class ServiceIPRange:
    """The service CIDR's bitmap allocator: first usable address for `kubernetes`, random dynamic picks."""

    def __init__(self, cidr: str) -> None:
        self.network = ipaddress.IPv4Network(cidr, strict=False)
        self.cidr = str(self.network)
        self.base = int(self.network.network_address) + 1
        self.size = max(0, self.network.num_addresses - 2)
        self.offset = _offset(self.size, 16, 16, 256)

    def first(self) -> str:
        return str(ipaddress.IPv4Address(self.base))

    def nth(self, n: int) -> str:
        """The n-th usable address, 0-based (kube-dns takes the 10th: 10.96.0.10)."""
        return str(ipaddress.IPv4Address(self.base + n))

    def contains(self, ip: str) -> bool:
        try:
            value = int(ipaddress.IPv4Address(ip))
        except ValueError:
            return False
        return self.base <= value < self.base + self.size

    def allocate(self, used: set[str], rng: Random) -> str | None:
        """A random free address from the upper band, falling back to the lower band."""
        index = banded_scan(self.size, self.offset, rng, lambda i: str(ipaddress.IPv4Address(self.base + i)) in used)
        return None if index is None else str(ipaddress.IPv4Address(self.base + index))


class NodePortRange:
    """30000-32767 with the low band reserved for requested ports."""

    def __init__(self, low: int = 30000, high: int = 32767) -> None:
        self.low, self.high = low, high
        self.size = high - low + 1
        self.offset = _offset(self.size, 32, 16, 128)

    def text(self) -> str:
        return f"{self.low}-{self.high}"

    def contains(self, port: int) -> bool:
        return self.low <= port <= self.high

    def allocate(self, used: set[int], rng: Random) -> int | None:
        index = banded_scan(self.size, self.offset, rng, lambda i: self.low + i in used)
        return None if index is None else self.low + index


def pod_cidr(cluster_cidr: str, index: int) -> str:
    """The node's /24 from the cluster CIDR, in registration order (10.244.0.0/24, 10.244.1.0/24, …)."""
    network = ipaddress.IPv4Network(cluster_cidr, strict=False)
    if network.prefixlen > 24:
        return str(network)
    return f"{ipaddress.IPv4Address(int(network.network_address) + index * 256)}/24"


def host_local_next(cidr: str, last: str | None, used: set[str]) -> str | None:
    """host-local IPAM: the next free address after the last one handed out, skipping the gateway (.1)."""
    network = ipaddress.IPv4Network(cidr)
    first = int(network.network_address) + 2
    end = int(network.broadcast_address) - 1
    count = end - first + 1
    start = first if last is None else int(ipaddress.IPv4Address(last)) + 1
    for i in range(count):
        value = first + (start - first + i) % count
        candidate = str(ipaddress.IPv4Address(value))
        if candidate not in used:
            return candidate
    return None
