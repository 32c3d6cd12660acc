"""Benchmark the feed exports against their raw limits: items/s, seconds and peak memory.

For each N: a fresh database, `load_demo --products N` (3 variants each), one Google, one Meta and one Amazon
channel with a listing and a price for every product and variant (bulk-created here, with the image
renditions the feeds link to), then each measurement in its own process (so each peak RSS is that run's alone):

- export: the real pipeline (`build_feed`: chunks → resolve → completeness → serializer → atomic file + gzip)
- raw: the same document as the export for the bench's data (`--check` compares them): one SQL query through
  a server-side cursor that computes what SQL can (JSON attributes, fallbacks, category breadcrumb, rendition
  URLs, stock and availability, formatted prices and weights), and a plain writer (lxml's incremental writer
  / csv / json); no ORM, no resolver, no completeness checks, no gzip copy
- raw-narrow: the raw run of earlier sessions, kept as a second baseline: 13 columns read and 9–10 fields an
  item written (no images, breadcrumb, mpn, weight, options, condition …), so not the export's document

Each run reports wall seconds and its process's CPU seconds; the targets are about wall time on a quiet
machine, and the CPU ratio is the one to compare on a busy one. The table gives each run's ratio to both
baselines: "× raw" (same document) and "× narrow" (raw-narrow).

    .venv/bin/python bench/feeds.py --sizes 10000 100000
    .venv/bin/python bench/feeds.py --sizes 10000 --check --database-url postgres://postgres@127.0.0.1:5432/hub_bench_feeds
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time

from feeds_check import check
from feeds_common import BENCH_DIR, CHANNELS, FEEDS_DIR, IMAGE_SPEC, RAW_DIR, ROOT
from feeds_raw import narrow_export, raw_export

sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = f"sqlite:///{BENCH_DIR / 'feeds.sqlite3'}"
MODES = ("raw-narrow", "raw", "export")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--formats", nargs="+", default=list(CHANNELS))
    parser.add_argument(
        "--check", action="store_true", help="after each size, compare the raw documents with the export's"
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FORMAT"), help=argparse.SUPPRESS)
    parser.add_argument("--setup-channels", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check-child", metavar="FORMAT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.check_child:
        print(json.dumps([check(args.check_child)]))
        return
    if args.setup_channels:
        setup_channels()
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from load_demo import describe, fresh_database, run_manage  # the same throw-away database handling

    database = describe(args.database_url)
    print(f"database: {database}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs", flush=True)
    rows = []
    for size in args.sizes:
        fresh_database(args.database_url)
        # A fresh catalog has no served feeds: an Amazon build sends DELETEs for every SKU of the served set
        # that it does not list, and a set left by another run (a larger N, another database) would add those.
        for leftover in (*(FEEDS_DIR / code for code in CHANNELS.values()), RAW_DIR):
            shutil.rmtree(leftover, ignore_errors=True)
        run_manage(["migrate", "--noinput", "-v0"], args.database_url)
        started = time.perf_counter()
        run_manage(["load_demo", "--products", str(size)], args.database_url)
        run_self(["--setup-channels"], args.database_url)
        print(f"N={size:,}: catalog and channels loaded in {time.perf_counter() - started:.0f} s", flush=True)
        for fmt in args.formats:
            for mode in MODES:
                result = run_self(["--child", mode, fmt], args.database_url)
                rows.append((database, size, fmt, mode, *result, os.getloadavg()[0]))
                print_row(rows[-1])
        if args.check:
            # In a process of its own, as each run: parsing the documents takes hundreds of MB, which a child
            # started later would report as its own peak (Linux carries the parent's peak RSS into its children).
            for fmt in args.formats:
                print(f"  check {fmt:12}: {run_self(['--check-child', fmt], args.database_url)[0]}", flush=True)
    print(
        "\n| database | products | format | run | items | seconds | items/s | CPU s | peak RSS (MB) | × raw time "
        "| × raw CPU | × narrow time | × narrow CPU | load |"
    )
    print("| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    baselines = {(row[0], row[1], row[2], row[3]): row for row in rows if row[3] != "export"}
    for row in rows:
        print_row(row, table=True, raw=baselines.get((*row[:3], "raw")), narrow=baselines.get((*row[:3], "raw-narrow")))


def print_row(row, table: bool = False, raw: tuple | None = None, narrow: tuple | None = None) -> None:
    # CPU is the process's own (user + system) time for the run: on a busy machine wall time also counts the
    # waits for a core, which the CPU time leaves out.
    database, size, fmt, mode, items, seconds, peak, cpu, load = row
    rate = items / seconds if seconds else 0
    if table:
        ratios = []
        for baseline in (raw, narrow):
            shown = baseline is not None and baseline is not row and not (mode == "raw-narrow" and baseline is raw)
            ratios += [f"{seconds / baseline[5]:.1f}", f"{cpu / baseline[7]:.1f}"] if shown else ["", ""]
        print(
            f"| {database} | {size:,} | {fmt} | {mode} | {items:,} | {seconds:.1f} | {rate:,.0f} | {cpu:.1f} "
            f"| {peak:.0f} | {' | '.join(ratios)} | {load:.1f} |"
        )
    else:
        print(
            f"  {fmt:12} {mode:10}: {items:,} items in {seconds:.1f} s ({cpu:.1f} s CPU), {rate:,.0f} items/s, "
            f"peak RSS {peak:.0f} MB (load {load:.1f})",
            flush=True,
        )


def run_self(arguments: list[str], database_url: str):
    environment = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(BENCH_DIR / "media")}
    environment["FEEDS_ROOT"] = str(FEEDS_DIR)
    process = subprocess.run(
        [sys.executable, __file__, *arguments], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if process.returncode:
        sys.exit(f"bench/feeds.py {' '.join(arguments)} failed:\n{process.stderr[-3000:]}")
    last = process.stdout.strip().splitlines()[-1] if process.stdout.strip() else ""
    return tuple(json.loads(last)) if last.startswith("[") else ()


def django_setup() -> None:
    import logging

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.base")
    # As a worker builds feeds in production: DEBUG on would log every query (and send the compiled reads
    # through Django's cursor wrapper), which no deployment does.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    for name in ("django_tasks", "wagtail", "channels.feeds"):
        logging.getLogger(name).setLevel(logging.ERROR)


def setup_channels() -> None:
    """Listings and prices for every product and variant on three marketplace channels, in bulk, and the
    feeds' image renditions."""
    django_setup()
    from decimal import Decimal

    from catalog.models import Product, ProductImage, Variant
    from channels.feeds.models import FeedSettings
    from channels.feeds.pipeline import public_base_url
    from channels.feeds.renditions import rendition_urls
    from channels.models import Channel, ProductListing, VariantListing
    from media.models import CustomImage

    for fmt, code in CHANNELS.items():
        kind = fmt.split("-")[0]
        channel, _ = Channel.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "kind": kind,
                "currency": "USD",
                "country": "US",
                "product_url_template": "https://shop.example.com/p/{slug}?sku={sku}",
            },
        )
        FeedSettings.objects.get_or_create(channel=channel, defaults={"amazon_seller_id": "ABENCH"})
        ProductListing.objects.filter(channel=channel).delete()
        VariantListing.objects.filter(channel=channel).delete()
        category = "LUGGAGE" if kind == "amazon" else ""
        ids = list(Product.objects.filter(live=True).values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            ProductListing.objects.bulk_create(
                ProductListing(
                    product_id=pk, channel=channel, channel_category=category, attributes={"condition": "new"}
                )
                for pk in ids[start : start + 5000]
            )
        variants = Variant.objects.filter(active=True).values_list("product_id", "sku", "price").iterator(5000)
        batch = []
        for product_id, sku, price in variants:
            batch.append(
                VariantListing(product_id=product_id, channel=channel, sku=sku, currency="USD", price=Decimal(price))
            )
            if len(batch) == 5000:
                VariantListing.objects.bulk_create(batch)
                batch = []
        VariantListing.objects.bulk_create(batch)
    # The renditions the feeds link to, as a catalog in use has them: the raw runs read them and make none,
    # and a run measured first (Google's raw) must not find them missing. (Before, the first Google export
    # made the one shared image's rendition.)
    images = CustomImage.objects.filter(pk__in=ProductImage.objects.values("image_id"))
    rendition_urls({image.pk: image for image in images}, IMAGE_SPEC, public_base_url())
    # Table statistics, as autovacuum (PostgreSQL) or a maintained database has them: without, the planner
    # guesses badly on freshly bulk-loaded tables, for the raw query and the export alike.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def child(mode: str, fmt: str) -> None:
    django_setup()
    from channels.models import Channel

    channel = Channel.objects.get(code=CHANNELS[fmt])
    started = time.perf_counter()
    cpu_started = time.process_time()
    if mode == "export":
        from channels.feeds.pipeline import build_feed

        build = build_feed(channel, fmt, trigger="bench")
        items = build.items_written
        if build.items_skipped:
            print(f"skipped {build.items_skipped}: {list(build.diagnostics['reasons'].items())[:3]}", file=sys.stderr)
    else:
        from channels.bulk import collector_paused

        # With the cyclic collector paused, as the export runs (`build_feed`): its passes are no part of a limit.
        with collector_paused():
            items = raw_export(channel, fmt) if mode == "raw" else narrow_export(channel, fmt)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps([items, seconds, peak, cpu]))


if __name__ == "__main__":
    main()
