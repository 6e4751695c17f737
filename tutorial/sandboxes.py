"""The lessons' side of every sandbox, as the cluster app asks for it (settings.SANDBOX_HOOKS)."""

from __future__ import annotations

from typing import Any

from cluster.hooks import SandboxHooks
from cluster.sim.cluster import Cluster
from tutorial import services


class LessonHooks(SandboxHooks):
    """A sandbox belongs to one learner's lesson: its checks are the lesson's, a reset rebuilds the lesson."""

    def checks(self, name: str, cluster: Cluster) -> list[dict[str, Any]] | None:
        return services.record_progress(name, cluster)

    def starting_cluster(self, name: str, old: Cluster) -> Cluster:
        return services.starting_cluster(name, old)
