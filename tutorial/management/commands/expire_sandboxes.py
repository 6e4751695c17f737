"""Remove anonymous learners' sandboxes nobody has used for SANDBOX_IDLE_DAYS, and expired sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cluster.models import Sandbox
from tutorial.models import Progress


def expire(days: int, *, dry_run: bool = False) -> tuple[int, int]:
    """(sandboxes, sessions) removed: guests' sandboxes untouched for `days` with their progress, and sessions
    past their expiry."""
    cutoff = timezone.now() - timedelta(days=days)
    idle = Sandbox.objects.filter(owner_user__isnull=True, updated_at__lt=cutoff)
    sessions = Session.objects.filter(expire_date__lt=timezone.now())
    counts = idle.count(), sessions.count()
    if not dry_run:
        Progress.objects.filter(user__isnull=True, sandbox__in=idle).delete()
        idle.delete()
        sessions.delete()
    return counts


class Command(BaseCommand):
    help = ("Remove sandboxes of learners without an account that nobody has changed for SANDBOX_IDLE_DAYS "
            "(default 30), with their progress, and expired sessions. `manage.py serve` runs it every 6 hours.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help=f"idle days before removal (default SANDBOX_IDLE_DAYS, now {settings.SANDBOX_IDLE_DAYS})")
        parser.add_argument("--dry-run", action="store_true", help="only count what would be removed")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.SANDBOX_IDLE_DAYS
        if days < 1:
            self.stderr.write("--days must be at least 1")
            raise SystemExit(2)
        sandboxes, sessions = expire(days, dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(f"{verb} {sandboxes} sandbox(es) idle for {days}+ days and {sessions} expired session(s)")
