"""`manage.py export_lessons DIR [SLUG ...]`: write lessons from the database as a lesson pack."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutorial.models import Lesson
from tutorial.packs import export_pack, lesson_data


class Command(BaseCommand):
    help = ("Write lessons (all, or those named) into DIR as a lesson pack, one folder per lesson: lesson.yaml, "
            "the step texts (.md) and the manifests (.yaml). A folder that already holds one of these lessons "
            "is replaced; other files in DIR are left alone. `import_lessons DIR` reads it back.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="the pack directory to write (created if missing)")
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="only these lessons")

    def handle(self, *args: Any, dir: str, slugs: list[str], **options: Any) -> None:
        lessons = Lesson.objects.all()
        if slugs:
            missing = sorted(set(slugs) - set(lessons.filter(slug__in=slugs).values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"no lesson with the slug {', '.join(missing)}")
            lessons = lessons.filter(slug__in=slugs)
        folders = export_pack([lesson_data(lesson) for lesson in lessons], Path(dir))
        for folder in folders:
            self.stdout.write(f"wrote {folder}/")
