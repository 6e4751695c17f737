"""`manage.py load_lessons`: the former name of `import_lessons`, kept for scripts that use it."""

from typing import Any

from django.core.management.base import CommandParser

from tutorial.management.commands.import_lessons import Command as ImportCommand


class Command(ImportCommand):
    help = "The same as import_lessons (its former name): " + ImportCommand.help

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--dir", dest="dir_option", help="the same as DIR")

    def handle(self, *args: Any, dir: str | None = None, dir_option: str | None = None, **options: Any) -> None:
        super().handle(*args, dir=dir or dir_option, **options)
