"""`manage.py check_lessons [SLUG ...]`: self-test lessons, per lesson and step; exits non-zero on any failure."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutorial.lessons import PackError
from tutorial.models import Lesson
from tutorial.packs import lesson_data, read_pack
from tutorial.selftest import self_test


class Command(BaseCommand):
    help = ("Self-test lessons (all, or those named): every manifest is valid, each step's checks fail before "
            "its reference solution and pass after it. With --dir, test a lesson pack's files instead of the "
            "database. Exits with status 1 when any lesson fails.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="only these lessons")
        parser.add_argument("--dir", help="test the lessons of this pack directory (files), not the database")

    def handle(self, *args: Any, slugs: list[str], dir: str | None, **options: Any) -> None:
        if dir:
            try:
                lessons = read_pack(Path(dir))
            except PackError as err:
                raise CommandError(str(err)) from err
        else:
            lessons = [lesson_data(lesson) for lesson in Lesson.objects.all()]
        if slugs:
            missing = sorted(set(slugs) - {data["slug"] for data in lessons})
            if missing:
                raise CommandError(f"no lesson with the slug {', '.join(missing)}")
            lessons = [data for data in lessons if data["slug"] in slugs]
        if not lessons:
            raise CommandError("no lessons to test (python manage.py import_lessons loads the built-in pack)")
        failed = []
        for data in lessons:
            report = self_test(data)
            self.stdout.write(report.text())
            if not report.ok:
                failed.append(report.slug)
        self.stdout.write(f"{len(lessons) - len(failed)} of {len(lessons)} lessons pass their self-test")
        if failed:
            raise CommandError(f"self-test failed: {', '.join(failed)}")
