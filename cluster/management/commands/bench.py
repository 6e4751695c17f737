"""`manage.py bench`: the engine's speed and size figures, one line each (CPU seconds on this machine)."""

from __future__ import annotations

import json
import statistics
import time
import zlib
from collections.abc import Callable
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandParser

from cluster.sim.cluster import Cluster
from cluster.sim.settings import Settings
from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_SERVICE

NOW = 1_800_000_000.0
SEED_MANIFESTS = [yaml.safe_load(SEED_DEPLOYMENT), yaml.safe_load(SEED_SERVICE)]


def cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def big_cluster(replicas: int) -> Cluster:
    workers = max(2, -(-replicas // 240))
    settings = Settings(seed=1, workers=workers, node_max_pods=250, max_replicas=replicas,
                        max_objects=replicas * 20, service_cidr="10.96.0.0/12")
    return Cluster.create(settings, now=NOW)


def settle_replicas(cluster: Cluster, replicas: int) -> None:
    manifest = json.loads(json.dumps(SEED_MANIFESTS[0]))
    manifest["spec"]["replicas"] = replicas
    cluster.api.apply(manifest)
    cluster.run_until_idle(limit=120)
    ready = cluster.store.get("Deployment", "default", "httpd")["status"].get("readyReplicas", 0)
    if ready != replicas:
        raise RuntimeError(f"only {ready} of {replicas} replicas became ready")


class Command(BaseCommand):
    help = "Print Podium's engine figures: sandbox creation, settling, routing, snapshot size, persistence."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quick", action="store_true", help="skip the 10,000-replica figure")

    def handle(self, *args: Any, quick: bool, **options: Any) -> None:
        out = self.stdout.write
        runs = [cpu(lambda i=i: Cluster.create(Settings(seed=i), now=NOW))[0] for i in range(20)]
        out(f"fresh sandbox: {statistics.median(runs) * 1000:.1f} ms (median of 20; target <= 5 ms)")

        def seed() -> Cluster:
            c = Cluster.create(Settings(seed=1, service_cidr="10.68.0.0/16"), now=NOW)
            for manifest in SEED_MANIFESTS:
                c.api.apply(manifest)
            c.run_until_idle(limit=60)
            return c

        seed_runs = [cpu(seed)[0] for _ in range(10)]
        out(f"seed scenario applied and settled: {statistics.median(seed_runs) * 1000:.1f} ms "
            "(median of 10; target <= 20 ms)")

        sizes = [1000] if quick else [1000, 10000]
        clusters: dict[int, Cluster] = {}
        for replicas in sizes:
            c = big_cluster(replicas)
            seconds, _ = cpu(lambda c=c, r=replicas: settle_replicas(c, r))
            clusters[replicas] = c
            target = "1 s" if replicas == 1000 else "15 s"
            out(f"{replicas:,} replicas settled: {seconds:.2f} CPU s (target <= {target})")

        c = seed()
        from cluster.sim.network.kubeproxy import Client

        pod = c.store.list("Pod", "default", {"run": "httpd"})[0]
        client = Client("pod", pod["metadata"]["name"], pod["status"]["podIP"], pod["spec"]["nodeName"])
        svc_ip = c.store.get("Service", "default", "httpd-svc")["spec"]["clusterIP"]
        url = f"http://{svc_ip}:8080/"
        for events, count in ((False, 200_000), (True, 50_000)):
            seconds, _ = cpu(lambda e=events, n=count: c.network.route_many(client, url, n, c.now, events=e))
            label = "with" if events else "without"
            target = "20,000" if events else "100,000"
            out(f"requests routed per second {label} per-request events: {count / seconds:,.0f} (target >= {target})")

        thousand = clusters[1000]
        blob = zlib.compress(json.dumps(thousand.to_snapshot(), separators=(",", ":")).encode(), 6)
        pod_count = thousand.store.count("Pod")
        out(f"snapshot bytes per pod: {len(blob) / pod_count:,.0f} B compressed "
            f"({len(blob):,} B for {pod_count:,} pods; target <= 2 KB)")
        out(self._persistence_figure(thousand))

    def _persistence_figure(self, cluster: Cluster) -> str:
        from cluster import runtime
        from cluster.models import Sandbox

        name = "bench-1000-pods"
        Sandbox.objects.filter(name=name).delete()
        row = Sandbox.objects.create(name=name, snapshot=runtime.encode(cluster), cluster_time=cluster.now,
                                     wall_time=time.time(), speed=0.0, version=1, seq=cluster.store.rv)
        timings = []
        try:
            for _ in range(5):
                runtime._cache.clear()  # measure the database path, not the in-process cache
                start = time.perf_counter()
                runtime.act(name, lambda c: None)
                timings.append(time.perf_counter() - start)
        finally:
            row.delete()
        return (f"load+save of a 1,000-pod sandbox through the database: "
                f"{statistics.median(timings) * 1000:.0f} ms (median of 5, wall clock)")
