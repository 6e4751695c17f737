"""Idle guests' sandboxes go after SANDBOX_IDLE_DAYS; learners with an account, and recent work, stay."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cluster import runtime
from cluster.models import Sandbox

pytestmark = pytest.mark.django_db


def test_it_removes_only_guests_sandboxes_idle_past_the_limit() -> None:
    user = get_user_model().objects.create_user("ada")
    runtime.create_sandbox("old-guest", owner_session="s1")
    runtime.create_sandbox("new-guest", owner_session="s2")
    runtime.create_sandbox("old-ada", owner_user=user)
    long_ago = timezone.now() - timedelta(days=31)
    Sandbox.objects.filter(name__in=["old-guest", "old-ada"]).update(updated_at=long_ago)

    dry = StringIO()
    call_command("expire_sandboxes", "--dry-run", stdout=dry)
    assert "would remove 1 sandbox(es) idle for 30+ days" in dry.getvalue()
    assert Sandbox.objects.count() == 3

    out = StringIO()
    call_command("expire_sandboxes", stdout=out)
    assert out.getvalue().startswith("removed 1 sandbox(es) idle for 30+ days")
    assert sorted(Sandbox.objects.values_list("name", flat=True)) == ["new-guest", "old-ada"]


def test_the_idle_time_is_a_setting_and_a_flag(settings) -> None:
    runtime.create_sandbox("guest", owner_session="s1")
    Sandbox.objects.update(updated_at=timezone.now() - timedelta(days=3))
    settings.SANDBOX_IDLE_DAYS = 7
    call_command("expire_sandboxes", stdout=StringIO())
    assert Sandbox.objects.filter(name="guest").exists()
    call_command("expire_sandboxes", "--days", "2", stdout=StringIO())
    assert not Sandbox.objects.filter(name="guest").exists()
