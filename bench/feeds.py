"""Benchmark the feed exports against their raw limits: items/s, seconds and peak memory.

For each N: a fresh database, `load_demo --products N` (3 variants each), one Google, one Meta and one Amazon
channel with a listing and a price for every product and variant (bulk-created here), then each measurement
in its own process (so each peak RSS is that run's alone):

- export: the real pipeline (`build_feed`: chunks → resolve → completeness → serializer → atomic file + gzip)
- raw: one SQL query through a server-side cursor reading the same columns, the same kind of writer
  (lxml incremental writer / csv / json), no ORM, no resolver, no checks, no gzip copy

Each run reports wall seconds and its process's CPU seconds; the targets are about wall time on a quiet
machine, and the CPU ratio is the one to compare on a busy one.

    .venv/bin/python bench/feeds.py --sizes 10000 100000
    .venv/bin/python bench/feeds.py --sizes 10000 --database-url postgres://postgres@127.0.0.1:5432/hub_bench_feeds
"""

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_DATABASE_URL = f"sqlite:///{BENCH_DIR / 'feeds.sqlite3'}"
CHANNELS = {"google-xml": "bench-google", "meta-csv": "bench-meta", "amazon-json": "bench-amazon"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--formats", nargs="+", default=list(CHANNELS))
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FORMAT"), help=argparse.SUPPRESS)
    parser.add_argument("--setup-channels", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
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
        run_manage(["migrate", "--noinput", "-v0"], args.database_url)
        started = time.perf_counter()
        run_manage(["load_demo", "--products", str(size)], args.database_url)
        run_self(["--setup-channels"], args.database_url)
        print(f"N={size:,}: catalog and channels loaded in {time.perf_counter() - started:.0f} s", flush=True)
        for fmt in args.formats:
            for mode in ("raw", "export"):
                result = run_self(["--child", mode, fmt], args.database_url)
                rows.append((database, size, fmt, mode, *result, os.getloadavg()[0]))
                print_row(rows[-1])
    print(
        "\n| database | products | format | run | items | seconds | items/s | CPU s | peak RSS (MB) | × raw time "
        "| × raw CPU | load |"
    )
    print("| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    raw = {(row[0], row[1], row[2]): row for row in rows if row[3] == "raw"}
    for row in rows:
        print_row(row, table=True, raw=raw.get(row[:3]))


def print_row(row, table: bool = False, raw: tuple | None = None) -> None:
    # CPU is the process's own (user + system) time for the run: on a busy machine wall time also counts the
    # waits for a core, which the CPU time leaves out.
    database, size, fmt, mode, items, seconds, peak, cpu, load = row
    rate = items / seconds if seconds else 0
    ratio = f"{seconds / raw[5]:.1f}" if raw and mode != "raw" else ""
    cpu_ratio = f"{cpu / raw[7]:.1f}" if raw and mode != "raw" else ""
    if table:
        print(
            f"| {database} | {size:,} | {fmt} | {mode} | {items:,} | {seconds:.1f} | {rate:,.0f} | {cpu:.1f} "
            f"| {peak:.0f} | {ratio} | {cpu_ratio} | {load:.1f} |"
        )
    else:
        print(
            f"  {fmt:12} {mode:6}: {items:,} items in {seconds:.1f} s ({cpu:.1f} s CPU), {rate:,.0f} items/s, "
            f"peak RSS {peak:.0f} MB (load {load:.1f})",
            flush=True,
        )


def run_self(arguments: list[str], database_url: str):
    environment = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(BENCH_DIR / "media")}
    environment["FEEDS_ROOT"] = str(BENCH_DIR / "feeds")
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
    import django

    django.setup()
    for name in ("django_tasks", "wagtail", "channels.feeds"):
        logging.getLogger(name).setLevel(logging.ERROR)


def setup_channels() -> None:
    """Listings and prices for every product and variant on three marketplace channels, in bulk."""
    django_setup()
    from decimal import Decimal

    from catalog.models import Product, Variant
    from channels.feeds.models import FeedSettings
    from channels.models import Channel, ProductListing, VariantListing

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
        items = raw_export(channel, fmt)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps([items, seconds, peak, cpu]))


RAW_SQL = """
SELECT v.sku, v.gtin, v.mpn, v.weight, v.weight_unit, p.id, p.title, p.description, p.slug, b.name,
       vl.price, vl.sale_price,
       (SELECT COALESCE(SUM(s.on_hand - s.reserved), 0) FROM catalog_stocklevel s WHERE s.variant_id = v.id)
FROM catalog_variant v
JOIN catalog_product p ON p.id = v.product_id
JOIN channels_productlisting pl ON pl.product_id = p.id AND pl.channel_id = %s AND pl.published
LEFT JOIN catalog_brand b ON b.id = p.brand_id
JOIN channels_variantlisting vl ON vl.product_id = p.id AND vl.sku = v.sku AND vl.channel_id = %s AND vl.published
WHERE p.live AND v.active
ORDER BY p.id, v.sort_order
"""


def raw_rows(channel):
    from django.db import connection

    if connection.vendor == "postgresql":
        # A cursor is planned for its first 10% of rows by default; after ANALYZE that picked a plan that
        # took 35 s for this query instead of 0.4 s. The raw run reads every row, so plan for all of them.
        with connection.cursor() as setup:
            setup.execute("SET cursor_tuple_fraction = 1.0")
    with connection.chunked_cursor() as cursor:  # a server-side (named) cursor on PostgreSQL
        cursor.execute(RAW_SQL, [channel.pk, channel.pk])
        while rows := cursor.fetchmany(2000):
            yield from rows


def raw_export(channel, fmt: str) -> int:
    from lxml import etree

    out = BENCH_DIR / "feeds" / f"raw-{fmt}"
    out.parent.mkdir(parents=True, exist_ok=True)
    g = "{http://base.google.com/ns/1.0}"
    count = 0
    with open(out, "wb") as sink:
        if fmt == "google-xml":
            with etree.xmlfile(sink, encoding="utf-8", buffered=True) as xf:
                with xf.element("rss", version="2.0", nsmap={"g": g[1:-1]}), xf.element("channel"):
                    for row in raw_rows(channel):
                        sku, gtin, mpn, weight, unit, pid, title, description, slug, brand, price, sale, stock = row
                        with xf.element("item"):
                            for name, value in (
                                ("id", sku),
                                ("title", title),
                                ("description", description),
                                ("link", f"https://shop.example.com/p/{slug}?sku={sku}"),
                                ("availability", "in_stock" if stock > 0 else "out_of_stock"),
                                ("price", f"{price:.2f} USD"),
                                ("brand", brand),
                                ("gtin", gtin),
                                ("item_group_id", f"P{pid}"),
                            ):
                                if value:
                                    with xf.element(g + name):
                                        xf.write(str(value))
                        count += 1
        elif fmt == "meta-csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in raw_rows(channel):
                sku, gtin, mpn, weight, unit, pid, title, description, slug, brand, price, sale, stock = row
                writer.writerow(
                    [sku, title, description, "in stock" if stock > 0 else "out of stock", "new", f"{price:.2f} USD"]
                    + [f"https://shop.example.com/p/{slug}?sku={sku}", brand, gtin, f"P{pid}"]
                )
                count += 1
                if count % 512 == 0:
                    sink.write(buffer.getvalue().encode())
                    buffer.seek(0)
                    buffer.truncate()
            sink.write(buffer.getvalue().encode())
        else:
            sink.write(b'{"header":{"sellerId":"ABENCH","version":"2.0"},"messages":[\n')
            for row in raw_rows(channel):
                sku, gtin, mpn, weight, unit, pid, title, description, slug, brand, price, sale, stock = row
                count += 1
                message = {
                    "messageId": count,
                    "sku": sku,
                    "operationType": "UPDATE",
                    "productType": "LUGGAGE",
                    "attributes": {
                        "item_name": [{"value": title, "language_tag": "en_US"}],
                        "brand": [{"value": brand}],
                        "purchasable_offer": [
                            {"currency": "USD", "our_price": [{"schedule": [{"value_with_tax": float(price)}]}]}
                        ],
                        "fulfillment_availability": [{"fulfillment_channel_code": "DEFAULT", "quantity": stock}],
                    },
                }
                sink.write((b",\n" if count > 1 else b"") + json.dumps(message).encode())
            sink.write(b"\n]}\n")
    return count


if __name__ == "__main__":
    main()
