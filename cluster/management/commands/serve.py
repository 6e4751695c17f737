"""`manage.py serve`: migrate, load the built-in lessons, and serve HTTP + websockets with daphne."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Apply migrations, load the built-in lessons and serve Podium with daphne (HTTP + websockets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")

    def handle(self, *args: object, host: str, port: int, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self._load_lessons()
        self.stdout.write(f"Podium is serving at http://{host}:{port}/ (Ctrl+C to stop)")
        from daphne.cli import CommandLineInterface

        CommandLineInterface().run(["--bind", host, "--port", str(port), "tutorial.asgi:application"])

    def _load_lessons(self) -> None:
        from django.core.management import get_commands

        if "load_lessons" in get_commands():
            call_command("load_lessons", verbosity=0)
