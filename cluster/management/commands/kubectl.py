"""`manage.py kubectl [--sandbox NAME] <kubectl arguments>`: kubectl against a sandbox, output and exit code as kubectl's."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand

USAGE = "usage: python manage.py kubectl [--sandbox NAME] <kubectl arguments>"


class Command(BaseCommand):
    help = "Run kubectl against a sandbox (default: `default`, created on first use)."

    def run_from_argv(self, argv: list[str]) -> None:
        # kubectl's own flags (-o, -l, -f …) must reach kubectl untouched, so argparse stays out of the way.
        args = argv[2:]
        sandbox = "default"
        if args[:1] == ["--sandbox"] and len(args) >= 2:
            sandbox, args = args[1], args[2:]
        elif args[:1] and args[0].startswith("--sandbox="):
            sandbox, args = args[0].split("=", 1)[1], args[1:]
        sys.exit(self.run_kubectl(sandbox, args))

    def run_kubectl(self, sandbox: str, args: list[str]) -> int:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        logging.getLogger("cluster.runtime").setLevel(logging.ERROR)  # this command says itself what failed
        from cluster import runtime
        from cluster.models import Sandbox
        from cluster.sim import kubectl
        from cluster.sim.apimachinery import errors

        if not Sandbox.objects.filter(name=sandbox).exists():
            if sandbox != "default":
                sys.stderr.write(f'error: sandbox "{sandbox}" does not exist (create it with: '
                                 f"python manage.py sandbox create {sandbox})\n")
                return 1
            runtime.create_sandbox(sandbox)
        stdin = sys.stdin.buffer.read().decode("utf-8", "replace") if _reads_stdin(args) else ""
        try:
            outcome = runtime.act(sandbox, lambda cluster: kubectl.run(cluster, args, stdin=stdin,
                                                                       files=kubectl.local_files()))
        except runtime.SandboxBroken as err:
            sys.stderr.write(f"error: {err} (python manage.py sandbox reset {sandbox})\n")
            return 1
        except (errors.ApiError, runtime.SandboxBusy) as err:
            sys.stderr.write(f"Error from server: {err or 'the sandbox is busy; try again'}\n")
            return 1
        result: Any = outcome.result
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        sys.stdout.flush()
        return int(result.exit_code)

    def handle(self, *args: Any, **options: Any) -> None:  # pragma: no cover - run_from_argv does the work
        self.stderr.write(USAGE)


def _reads_stdin(args: list[str]) -> bool:
    for i, arg in enumerate(args):
        if arg in ("-f", "--filename") and i + 1 < len(args) and args[i + 1] == "-":
            return True
        if arg in ("-f-", "--filename=-"):
            return True
    return False
