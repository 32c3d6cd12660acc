"""`manage.py load_demo`: the demo catalog (idempotent); `--products N` adds N synthetic products."""

import logging
import time
from collections.abc import Callable
from typing import NamedTuple, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.demo import load_catalog_demo, load_synthetic_products
from channels.demo import load_channels_demo
from hub.demo import load_pages_demo


class DemoStep(NamedTuple):
    name: str
    load: Callable[[TextIO], object]  # idempotent: creates what is missing, reports on stdout


# The demo, in order. Each app adds its own step here with one line, e.g. DemoStep("channels", load_channels_demo).
DEMO_STEPS: list[DemoStep] = [
    DemoStep("catalog", load_catalog_demo),
    DemoStep("channels", load_channels_demo),
    DemoStep("pages", load_pages_demo),
]


class Command(BaseCommand):
    help = "Load the demo catalog (safe to run again). With --products N, add N synthetic products instead."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            metavar="N",
            help="Add N synthetic products (3 variants each) with bulk inserts, for scale tests.",
        )

    def handle(self, *args, products: int, **options) -> None:
        if products < 0:
            raise CommandError("--products must not be negative.")
        # Tasks run in-process by default (search and reference index updates), and the immediate
        # backend logs two INFO lines per task: hundreds of lines that would bury the summary.
        for name in ("django_tasks", "wagtail"):
            logging.getLogger(name).setLevel(logging.WARNING)
        if products:
            self._timed("synthetic products", lambda stdout: load_synthetic_products(products, stdout))
            return
        for step in DEMO_STEPS:
            self._timed(step.name, step.load)

    def _timed(self, name: str, load: Callable[[TextIO], object]) -> None:
        started = time.perf_counter()
        load(self.stdout)
        self.stdout.write(f"{name}: done in {time.perf_counter() - started:.1f} s")
