"""`manage.py serve`: migrate, load the built-in lessons, and serve HTTP + websockets with daphne."""

import io
import logging
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

EXPIRY_PERIOD = 6 * 3600.0
log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Apply migrations, load the built-in lessons and serve Podium with daphne (HTTP + websockets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")

    def handle(self, *args: object, host: str, port: int, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self._load_lessons()
        self._expire_every(EXPIRY_PERIOD)
        self.stdout.write(f"Podium is serving at http://{host}:{port}/ (Ctrl+C to stop)")
        from daphne.cli import CommandLineInterface

        CommandLineInterface().run(["--bind", host, "--port", str(port), "tutorial.asgi:application"])

    def _expire_every(self, seconds: float) -> None:
        """Remove idle guests' sandboxes now and then (`expire_sandboxes`), beside the server."""
        from django.core.management import get_commands

        if "expire_sandboxes" not in get_commands():
            return

        def loop() -> None:
            while True:
                try:
                    call_command("expire_sandboxes", verbosity=0, stdout=io.StringIO())
                except Exception:  # a database hiccup must not stop the schedule
                    log.exception("expire_sandboxes failed")
                finally:
                    close_old_connections()
                time.sleep(seconds)

        threading.Thread(target=loop, name="expire-sandboxes", daemon=True).start()

    def _load_lessons(self) -> None:
        from django.core.management import get_commands

        if "import_lessons" in get_commands():
            call_command("import_lessons", verbosity=0)
