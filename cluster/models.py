"""A sandbox is one learner's cluster, persisted as one engine snapshot with a version."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Sandbox(models.Model):
    name = models.SlugField(max_length=100, unique=True)
    owner_session = models.CharField(max_length=64, blank=True, db_index=True,
                                     help_text="the browser session that owns this sandbox (no account needed)")
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="sandboxes")
    version = models.PositiveBigIntegerField(default=0)
    snapshot = models.BinaryField(help_text="zlib-compressed JSON of the engine snapshot")
    seq = models.PositiveBigIntegerField(default=0, help_text="the last change sequence number published")
    cluster_time = models.FloatField(help_text="cluster time (unix seconds) at wall_time")
    wall_time = models.FloatField(help_text="wall clock (unix seconds) when cluster_time was taken")
    speed = models.FloatField(default=1.0, help_text="0 paused, 1 real time, 4 four times faster")
    next_due = models.FloatField(null=True, blank=True, help_text="cluster time of the next timed happening")
    token = models.CharField(max_length=64, default=new_token, unique=True,
                             help_text="bearer token for this sandbox's Kubernetes API")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def cluster_now(self, wall: float) -> float:
        """Cluster time follows the wall clock at the sandbox's speed."""
        return self.cluster_time + max(0.0, wall - self.wall_time) * self.speed

    def is_owned_by(self, session_key: str | None, user: Any = None) -> bool:
        """Whether this browser session, or this signed-in user, is the one the sandbox belongs to."""
        if self.owner_user_id is not None and getattr(user, "is_authenticated", False) \
                and self.owner_user_id == user.pk:
            return True
        return bool(self.owner_session) and session_key == self.owner_session


class SandboxChange(models.Model):
    """The change feed: one websocket frame per object change, kept for resuming dropped connections."""

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="changes")
    seq = models.PositiveBigIntegerField()
    frame = models.TextField()

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["sandbox", "seq"], name="unique_change_seq")]
