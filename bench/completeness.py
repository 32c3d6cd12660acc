"""Time recomputing stored completeness for N products × the 6 demo channels.

    .venv/bin/python bench/completeness.py --products 100000 --workers 2
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_bench .venv/bin/python bench/completeness.py

Fills the database first where needed (synthetic products from `load_demo --products`, the demo channels,
a listing and channel prices per product × channel, in bulk); that setup is not timed. Then times the
recompute, which is what a channel rule change or a full rebuild runs, and prints the figures.
Default database: var/bench-completeness.sqlite3 (not the dev database).
"""

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.base")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-completeness.sqlite3'}")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402


def setup() -> None:
    django.setup()


def prepare(products: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from catalog.models import Product, Variant
    from channels.demo import CHANNELS, _ensure_channel
    from channels.models import Channel, ProductListing, VariantListing

    call_command("migrate", verbosity=0)
    existing = Product.objects.count()
    if existing < products:
        started = time.perf_counter()
        call_command("load_demo", products=products - existing)
        print(f"setup: {products - existing} synthetic products in {time.perf_counter() - started:.0f} s")
    channels = [_ensure_channel(spec) for spec in CHANNELS]
    Channel.objects.exclude(code__in=[spec["code"] for spec in CHANNELS]).update(active=False)
    started = time.perf_counter()
    added = 0
    for channel in channels:
        last = (
            ProductListing.objects.filter(channel=channel)
            .order_by("-product_id")
            .values_list("product_id", flat=True)
            .first()
            or 0
        )
        while True:
            ids = list(Product.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:5000])
            if not ids:
                break
            with transaction.atomic():
                ProductListing.objects.bulk_create(
                    [
                        ProductListing(
                            product_id=pk,
                            channel=channel,
                            attributes={"condition": "new"},
                            channel_category="SHIRT" if channel.kind == "amazon" else "",
                        )
                        for pk in ids
                    ],
                    batch_size=1000,
                )
                VariantListing.objects.bulk_create(
                    [
                        VariantListing(
                            product_id=v.product_id,
                            channel=channel,
                            sku=v.sku,
                            currency=channel.currency,
                            price=(v.price * Decimal("0.92")).quantize(Decimal("0.01")),
                        )
                        for v in Variant.objects.filter(product_id__in=ids).only("product_id", "sku", "price")
                    ],
                    batch_size=1000,
                )
            added += len(ids)
            last = ids[-1]
    if added:
        print(f"setup: {added} listings with channel prices in {time.perf_counter() - started:.0f} s")


def recompute(id_range: tuple[int, int], batch_size: int) -> int:
    """One worker's share: products with ids in [first, last], on every active channel."""
    from catalog.models import Product
    from channels.models import Channel
    from channels.services import completeness_refresh_products

    channels = list(Channel.objects.filter(active=True))
    first, last = id_range
    done = 0
    cursor = first - 1
    while True:
        ids = list(
            Product.objects.filter(pk__gt=cursor, pk__lte=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return done
        completeness_refresh_products(ids, channels)
        done += len(ids)
        cursor = ids[-1]


def _worker(args):
    setup()
    return recompute(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="processes (the task queue's workers)")
    parser.add_argument("--batch", type=int, default=500)
    options = parser.parse_args()
    setup()
    prepare(options.products)

    from django.db import connection

    from catalog.models import Product
    from channels.models import Channel, ChannelCompleteness

    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True)[: options.products])
    channels = Channel.objects.filter(active=True).count()
    chunk = -(-len(ids) // options.workers)
    ranges = [(ids[i], ids[min(i + chunk, len(ids)) - 1]) for i in range(0, len(ids), chunk)]
    connection.close()
    started = time.perf_counter()
    if options.workers == 1:
        done = recompute(ranges[0], options.batch)
    else:
        with ProcessPoolExecutor(options.workers) as pool:
            done = sum(pool.map(_worker, [(r, options.batch) for r in ranges]))
    seconds = time.perf_counter() - started
    checks = done * channels
    vendor = connection.vendor
    stored = ChannelCompleteness.objects.count()
    print(
        f"completeness recompute [{vendor}, {options.workers} worker(s), batch {options.batch}]: "
        f"{done} products × {channels} channels = {checks} checks in {seconds:.1f} s "
        f"({checks / seconds:,.0f} checks/s); {stored} rows stored; target < 120 s"
    )


if __name__ == "__main__":
    main()
