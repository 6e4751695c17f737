"""`manage.py sandbox create|delete|list|advance|traffic|kubeconfig`: sandboxes from the command line."""

from __future__ import annotations

import ipaddress
import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cluster import runtime
from cluster.models import Sandbox
from cluster.sim.apimachinery import errors
from cluster.sim.settings import Settings


class Command(BaseCommand):
    help = "Create, delete, list and drive sandboxes (one learner's simulated cluster each)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a sandbox")
        create.add_argument("name")
        create.add_argument("--seed", type=int, default=1)
        create.add_argument("--service-cidr", default="10.96.0.0/12")
        create.add_argument("--nodes", type=int, default=2, help="worker nodes beside the control plane")
        delete = sub.add_parser("delete", help="delete a sandbox")
        delete.add_argument("name")
        reset = sub.add_parser("reset", help="start a sandbox over (its lesson's starting state, if it has one)")
        reset.add_argument("name")
        sub.add_parser("list", help="list sandboxes")
        advance = sub.add_parser("advance", help="move a sandbox's clock on")
        advance.add_argument("name")
        advance.add_argument("seconds", type=float)
        traffic = sub.add_parser("traffic", help="send requests inside or into the cluster")
        traffic.add_argument("name")
        traffic.add_argument("--from", dest="source", required=True, help="pod/NAME, node/NAME or outside")
        traffic.add_argument("--url", required=True)
        traffic.add_argument("--count", type=int, default=1)
        kubeconfig = sub.add_parser("kubeconfig", help="print a kubeconfig for this sandbox's Kubernetes API")
        kubeconfig.add_argument("name")
        kubeconfig.add_argument("--server", required=True, help="Podium's base URL, e.g. http://127.0.0.1:8000")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        logging.getLogger("cluster.runtime").setLevel(logging.ERROR)  # this command says itself what failed
        try:
            getattr(self, f"do_{action}")(**options)
        except runtime.SandboxBroken as err:
            raise CommandError(f"{err} (python manage.py sandbox reset {err.name})") from err
        except errors.ApiError as err:
            raise CommandError(f"Error from server ({err.reason}): {err}") from err

    def do_create(self, name: str, seed: int, service_cidr: str, nodes: int, **_: Any) -> None:
        if Sandbox.objects.filter(name=name).exists():
            raise CommandError(f'sandbox "{name}" already exists')
        try:
            ipaddress.IPv4Network(service_cidr, strict=True)
        except ValueError as err:
            raise CommandError(f"--service-cidr {service_cidr!r} is not a valid IPv4 network: {err}") from err
        if not 1 <= nodes <= 20:
            raise CommandError("--nodes must be between 1 and 20 worker nodes")
        runtime.create_sandbox(name, settings=Settings(seed=seed, service_cidr=service_cidr, workers=nodes))
        self.stdout.write(f"sandbox/{name} created")

    def do_delete(self, name: str, **_: Any) -> None:
        deleted, _detail = Sandbox.objects.filter(name=name).delete()
        if not deleted:
            raise CommandError(f'sandbox "{name}" not found')
        self.stdout.write(f'sandbox "{name}" deleted')

    def do_reset(self, name: str, **_: Any) -> None:
        try:
            runtime.start_over(name)
        except runtime.SandboxNotFound as err:
            raise CommandError(f'sandbox "{name}" not found') from err
        self.stdout.write(f"sandbox/{name} reset")

    def do_list(self, **_: Any) -> None:
        rows = list(Sandbox.objects.all())
        if not rows:
            self.stderr.write("No sandboxes found.")
            return
        self.stdout.write(f"{'NAME':<24}{'VERSION':<10}{'SPEED':<8}UPDATED")
        for row in rows:
            self.stdout.write(f"{row.name:<24}{row.version:<10}{row.speed:<8g}{row.updated_at:%Y-%m-%d %H:%M:%S}")

    def do_advance(self, name: str, seconds: float, **_: Any) -> None:
        if seconds < 0:
            raise CommandError("SECONDS must not be negative: the cluster's clock only moves forward")
        try:
            outcome = runtime.act(name, lambda cluster: cluster.now, advance_by=seconds)
        except runtime.SandboxNotFound as err:
            raise CommandError(f'sandbox "{name}" not found') from err
        self.stdout.write(f"sandbox/{name} advanced by {seconds:g}s")
        del outcome

    def do_traffic(self, name: str, source: str, url: str, count: int, **_: Any) -> None:
        from cluster.sim.teaching.traffic import TrafficError, send

        if not 1 <= count <= 10_000:
            raise CommandError("--count must be between 1 and 10000")
        try:
            outcome = runtime.act(name, lambda cluster: send(cluster, source, url, count))
        except runtime.SandboxNotFound as err:
            raise CommandError(f'sandbox "{name}" not found') from err
        except TrafficError as err:
            raise CommandError(str(err)) from err
        report = outcome.result
        for line in report.lines():
            self.stdout.write(line)
        sys.stdout.flush()

    def do_kubeconfig(self, name: str, server: str, **_: Any) -> None:
        row = Sandbox.objects.filter(name=name).first()
        if row is None:
            raise CommandError(f'sandbox "{name}" not found')
        from cluster.kubeconfig import kubeconfig_for

        self.stdout.write(kubeconfig_for(row, server), ending="")
