"""`manage.py load_lessons`: load the built-in lesson pack into the database (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutorial.lessons import PACK_DIR, PackError, load_pack


class Command(BaseCommand):
    help = "Create or update the built-in lessons from tutorial/lessons/; lessons instructors own are kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(PACK_DIR), help="the lesson pack directory")

    def handle(self, *args: object, dir: str, **options: object) -> None:
        try:
            report = load_pack(Path(dir))
        except PackError as err:
            raise CommandError(str(err)) from err
        for label, slugs in (("created", report.created), ("updated", report.updated),
                             ("unchanged", report.unchanged), ("kept (instructor's)", report.kept)):
            if slugs:
                self.stdout.write(f"{label}: {', '.join(slugs)}")
