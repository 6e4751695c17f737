"""`manage.py import_lessons [DIR]`: create or update lessons from a lesson pack (default: the built-in pack)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutorial.lessons import PackError
from tutorial.packs import import_pack


class Command(BaseCommand):
    help = ("Create or update lessons, by slug and in place, from a lesson pack: one folder per lesson with a "
            "lesson.yaml. Without DIR, the built-in pack (tutorial/lessons/), whose lessons you have edited in "
            "the admin are kept. Learners' progress is kept. A published lesson whose self-test fails comes in "
            "as a draft, and the command exits with an error.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", nargs="?", help="the pack directory, or one lesson's folder")

    def handle(self, *args: Any, dir: str | None, **options: Any) -> None:
        try:
            report = import_pack(Path(dir) if dir else None)
        except PackError as err:
            raise CommandError(f"{err}\nNothing was imported.") from err
        for label, slugs in (("created", report.created), ("updated", report.updated),
                             ("unchanged", report.unchanged), ("kept (edited in the admin)", report.kept)):
            if slugs:
                self.stdout.write(f"{label}: {', '.join(slugs)}")
        if report.drafted:
            lines = [f"  {slug}: {why}" for slug, why in report.drafted.items()]
            raise CommandError("kept as drafts, their self-test fails "
                               "(python manage.py check_lessons SLUG tells more):\n" + "\n".join(lines))
