"""What the cluster app asks of the app that gives sandboxes a purpose (lessons), named in settings.SANDBOX_HOOKS.

The setting holds the dotted path of a `SandboxHooks` subclass, loaded with `import_string` as Django loads
MESSAGE_STORAGE; without it a sandbox has no checks and a reset gives a fresh cluster.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from cluster.sim.cluster import Cluster

DEFAULT = "cluster.hooks.SandboxHooks"


class SandboxHooks:
    """The plain behaviour; a plug-in overrides either method."""

    def checks(self, name: str, cluster: Cluster) -> list[dict[str, Any]] | None:
        """The sandbox's checks against `cluster` as it was just saved, or None when the sandbox has none.

        Called once per change of the sandbox, with the cluster in memory; it may record progress.
        """
        return None

    def starting_cluster(self, name: str, old: Cluster) -> Cluster:
        """The cluster a reset starts the sandbox over with (`old` is the cluster being replaced)."""
        return Cluster.create(old.settings, now=old.now)


@functools.cache
def sandbox_hooks() -> SandboxHooks:
    """The hooks settings.SANDBOX_HOOKS names (loaded once)."""
    hooks: SandboxHooks = import_string(getattr(settings, "SANDBOX_HOOKS", DEFAULT))()
    return hooks


@receiver(setting_changed)
def forget_hooks(*, setting: str, **kwargs: Any) -> None:
    if setting == "SANDBOX_HOOKS":
        sandbox_hooks.cache_clear()
