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
import csv
import filecmp
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DIR = ROOT / "var" / "bench"
FEEDS_DIR = BENCH_DIR / "feeds"
RAW_DIR = FEEDS_DIR / "raw"  # the raw runs' documents, named as the export's: raw/<format>/products.xml …
DEFAULT_DATABASE_URL = f"sqlite:///{BENCH_DIR / 'feeds.sqlite3'}"
CHANNELS = {"google-xml": "bench-google", "meta-csv": "bench-meta", "amazon-json": "bench-amazon"}
MODES = ("raw-narrow", "raw", "export")
IMAGE_SPEC = "max-1600x1600"  # channels.feeds.pipeline.IMAGE_SPEC


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


def cursor_rows(sql: str, params):
    """The rows of one query through a server-side cursor (a named cursor on PostgreSQL), 2,000 at a time."""
    from django.db import connection

    if connection.vendor == "postgresql":
        # A cursor is planned for its first 10% of rows by default; after ANALYZE that picked a plan that
        # took 35 s for this query instead of 0.4 s. The raw run reads every row, so plan for all of them.
        with connection.cursor() as setup:
            setup.execute("SET cursor_tuple_fraction = 1.0")
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            yield from rows


# --- raw: the export's document ------------------------------------------------------------------------------
#
# What the bench's data holds, and so what the raw runs leave out (each would be a few more SQL expressions):
# only synthetic products (catalog/demo/synthetic.py): live, one brand, one category, one image (the shared
# placeholder, main role, no focal point), attributes and options of plain strings, three active variants with
# a GTIN-13, an MPN and a weight; listings published without a window, with `{"condition": "new"}` and no text
# overrides; variant listings in USD with a price and nothing else. Hence, left out:
# - translations (the channel's locale has none; the resolver would take a translation's texts first);
# - channel image subsets (channels_productlistingimage): the product's own images are used;
# - sale prices and their dates (no variant listing has a sale price), availability dates (no preorder or
#   backorder), identifier_exists / GTIN exemptions (every variant has a GTIN), adult, is_bundle, custom labels,
#   gender, age_group, pattern, size_system (no listing or product has them);
# - the serializers' cuts (title 150, description 5000/9999/2000, brand 70/100 …): every bench text is short;
# - HTML entities and block structure of rich text: a description is one `<p>` with a `<code>` inside, so
#   stripping the tags is its plain text (PostgreSQL: regexp_replace; SQLite, without regular expressions:
#   replace() of those four tags);
# - percent-encoding of SKUs in links and of commas in image URLs (the bench's have none), and non-string
#   attribute values (str(True) is "True" in Python, 1 from SQLite's json_extract);
# - prices are written with two decimals: USD's minor unit (the channel's currency in the bench).


def same_sql(fmt: str, postgresql: bool) -> tuple[str, list[str]]:
    """The raw run's query for `fmt` and its column names: one row per item, in the export's order, with each
    value ready to write (Google: the elements in order, empty ones left out; Meta: the CSV's columns).

    What the items of a product share is computed once per product, in the `products` CTE (the export's
    serializers do that work once per product too, `PerProduct`), and what is the variant's per row. Named
    parameters: channel, currency, now, spec, media (the rendition URL prefix), link_head / link_mid /
    link_tail (the product URL template around {slug} and {sku})."""
    shared: dict[str, str] = {}  # the products CTE's columns

    def per_product(name: str, expression: str) -> str:
        shared[name] = expression
        return f"pp.{name}"

    def json_text(column: str, key: str) -> str:
        return f"({column} ->> '{key}')" if postgresql else f"json_extract({column}, '$.{key}')"

    def channel_attribute(key: str) -> str:
        # channel_attributes[key]: the listing's value, else the product's attribute (a channel attribute key)
        return f"COALESCE(NULLIF({json_text('pl.attributes', key)}, ''), NULLIF({json_text('p.attributes', key)}, ''))"

    def option(key: str) -> str:
        # option_sources + option_text: the listing's channel attribute, else the variant's option, else the
        # product's attribute.
        fixed = per_product(f"fixed_{key}", f"NULLIF({json_text('pl.attributes', key)}, '')")
        fallback = per_product(f"fallback_{key}", f"NULLIF({json_text('p.attributes', key)}, '')")
        return f"COALESCE({fixed}, NULLIF({json_text('v.options', key)}, ''), {fallback}, '')"

    def plain(html: str) -> str:
        if postgresql:
            return f"btrim(regexp_replace({html}, '<[^>]*>', '', 'g'))"
        for tag in ("<p>", "</p>", "<code>", "</code>"):
            html = f"replace({html}, '{tag}', '')"
        return f"trim({html})"

    def aggregate(value: str, separator: str, order: str) -> str:
        """`value` of a group's rows joined by `separator` in `order`. SQLite (3.40) takes no ORDER BY inside an
        aggregate: its input comes from a subquery sorted that way, which it aggregates in that order."""
        if postgresql:
            return f"string_agg({value}, '{separator}' ORDER BY {order})"
        return f"group_concat({value}, '{separator}')"

    title = per_product("title", "TRIM(COALESCE(NULLIF(pl.title, ''), p.title))")
    summary = "TRIM(COALESCE(NULLIF(pl.summary, ''), p.summary))"
    description = "COALESCE(NULLIF(pl.description, ''), p.description)"
    brand = per_product("brand", "COALESCE(b.name, '')")
    main_image = per_product("main_image", "COALESCE(images.main, '')")
    more_images = per_product("more_images", "COALESCE(images.more, '')")
    stock = "COALESCE(s.quantity, 0)"
    link = "%(link_head)s || pp.slug || %(link_mid)s || v.sku || %(link_tail)s"
    if postgresql:
        price = "round(vl.price, 2)::text || ' ' || %(currency)s"
        weight = "COALESCE(trim_scale(v.weight)::text || ' ' || v.weight_unit, '')"
    else:
        price = "printf('%%.2f', vl.price) || ' ' || %(currency)s"
        weight = "COALESCE(CAST(v.weight AS TEXT) || ' ' || v.weight_unit, '')"

    if fmt in ("google-xml", "meta-csv"):
        # The description, else the summary, as plain text
        text = per_product("description", f"CASE WHEN {description} <> '' THEN {plain(description)} ELSE {summary} END")
        item_group_id = per_product("item_group_id", "CASE WHEN variants.active > 1 THEN 'P' || p.id ELSE '' END")
        product_type = per_product("product_type", "COALESCE(crumbs.trail, '')")
        category = per_product("channel_category", "pl.channel_category")
        condition = per_product("condition", f"COALESCE({channel_attribute('condition')}, 'new')")
    if fmt == "google-xml":
        # The item's elements in the serializer's order (its product fields, then its variant's); empty ones
        # are not written.
        columns = dict(
            title=title,
            description=text,
            image_link=main_image,
            additional_image_link=more_images,  # the next 10, space-separated
            condition=condition,
            brand=brand,
            item_group_id=item_group_id,
            google_product_category=category,
            product_type=product_type,
            id="v.sku",
            link=link,
            availability=(
                f"CASE WHEN vl.availability <> '' THEN vl.availability WHEN {stock} > 0 THEN 'in_stock' "
                "ELSE 'out_of_stock' END"
            ),
            price=price,
            gtin="v.gtin",
            mpn="v.mpn",
            shipping_weight=weight,
            color=option("color"),
            size=option("size"),
            material=option("material"),
        )
    elif fmt == "meta-csv":
        # Every column of the serializer's, in order; '' for those the bench's data leaves empty.
        columns = dict(
            id="v.sku",
            title=title,
            description=text,
            availability=(
                "CASE WHEN vl.availability = 'backorder' THEN 'available for order' "
                "WHEN vl.availability <> '' THEN replace(vl.availability, '_', ' ') "
                f"WHEN {stock} > 0 THEN 'in stock' ELSE 'out of stock' END"
            ),
            condition=condition,
            price=price,
            link=link,
            image_link=main_image,
            brand=brand,
            additional_image_link=more_images,  # the next 20, comma-separated (the 2,000-character cap never bites)
            sale_price="''",
            sale_price_effective_date="''",
            item_group_id=item_group_id,
            google_product_category=category,
            product_type=product_type,
            gtin="v.gtin",
            mpn="v.mpn",
            gender="''",
            age_group="''",
            color=option("color"),
            size=option("size"),
            material=option("material"),
            pattern="''",
            shipping_weight=weight,
            quantity_to_sell_on_facebook=f"CASE WHEN {stock} > 0 THEN CAST({stock} AS TEXT) ELSE '' END",
            status=per_product("status", f"COALESCE({channel_attribute('status')}, 'active')"),
            **{f"custom_label_{n}": "''" for n in range(5)},
        )
    else:
        columns = dict(
            sku="v.sku",
            product_type=per_product(
                "product_type", "COALESCE(NULLIF(UPPER(TRIM(pl.channel_category)), ''), 'PRODUCT')"
            ),
            item_name=title,
            brand=per_product("brand", "b.name"),
            product_description=per_product("description", plain(description)),
            bullet_point=per_product("bullet_point", summary),
            condition_type=per_product(
                "condition_type",
                f"CASE {channel_attribute('condition')} WHEN 'refurbished' THEN 'refurbished_refurbished' "
                "WHEN 'used' THEN 'used_good' ELSE 'new_new' END",
            ),
            main_image=main_image,
            other_images=more_images,  # the next 8, space-separated
            gtin="v.gtin",
            gtin_type="CASE length(v.gtin) WHEN 8 THEN 'ean' WHEN 12 THEN 'upc' WHEN 13 THEN 'ean' ELSE 'gtin' END",
            mpn="v.mpn",
            color=option("color"),
            size=option("size"),
            material=option("material"),
            weight="v.weight::float8" if postgresql else "CAST(v.weight AS REAL)",
            weight_unit=(
                "CASE v.weight_unit WHEN 'g' THEN 'grams' WHEN 'kg' THEN 'kilograms' WHEN 'lb' THEN 'pounds' "
                "WHEN 'oz' THEN 'ounces' ELSE v.weight_unit END"
            ),
            price="round(vl.price, 2)::float8" if postgresql else "round(vl.price, 2)",
            quantity=f"CASE WHEN vl.availability = 'out_of_stock' OR {stock} < 0 THEN 0 ELSE {stock} END",
        )

    more, separator = {"google-xml": (10, " "), "meta-csv": (20, ",")}.get(fmt, (8, " "))
    image_order = "i.role <> 'main', i.sort_order IS NULL, i.sort_order, i.id"
    # The product-level values that read other tables, each for all products in one grouped pass, joined:
    # - the rendition URLs of the product's images, main image first: the first, then the next `more` joined
    joins = [
        f"""LEFT JOIN (SELECT product_id, MAX(CASE WHEN n = 1 THEN url END) AS main,
            {aggregate(f"CASE WHEN n BETWEEN 2 AND {more + 1} THEN url END", separator, "n")} AS more
        FROM (SELECT i.product_id, %(media)s || r.file AS url,
                     ROW_NUMBER() OVER (PARTITION BY i.product_id ORDER BY {image_order}) AS n
              FROM catalog_productimage i JOIN media_customrendition r ON r.image_id = i.image_id
                   AND r.filter_spec = %(spec)s AND r.focal_point_key = ''
              ORDER BY i.product_id, n) ranked
        GROUP BY product_id) images ON images.product_id = p.id"""
    ]
    if fmt != "amazon-json":
        joins += [
            # - how many active variants the product has (item_group_id only with more than one)
            "LEFT JOIN (SELECT product_id, COUNT(*) AS active FROM catalog_variant WHERE active GROUP BY product_id)"
            " variants ON variants.product_id = p.id",
            # - the breadcrumb of its first category in tree order, "Apparel > Jackets"
            f"""LEFT JOIN (SELECT pc.product_id, MIN(c.path) AS path FROM catalog_product_categories pc
             JOIN catalog_category c ON c.id = pc.category_id GROUP BY pc.product_id) first_category
         ON first_category.product_id = p.id
LEFT JOIN (SELECT path, {aggregate("name", " > ", "depth")} AS trail
           FROM (SELECT c.path, a.name, a.depth FROM catalog_category c JOIN catalog_category a
                   ON a.path = substr(c.path, 1, length(a.path)) ORDER BY c.path, a.depth) ancestors
           GROUP BY path) crumbs ON crumbs.path = first_category.path""",
        ]
    joined = "\n".join(joins)
    product_values = ",\n       ".join(f"{expression} AS {name}" for name, expression in shared.items())
    select = ",\n       ".join(f"{expression} AS {name}" for name, expression in columns.items())
    # PostgreSQL would inline the CTE and evaluate the product columns for each variant (and planned the whole
    # worse: 0.62 s instead of 0.35 s at 10k products); SQLite flattens it into a scan of the products in id
    # order, which keeps its sort to each product's variants (materialized, it sorted every row in memory).
    materialized = "MATERIALIZED" if postgresql else "NOT MATERIALIZED"
    sql = f"""WITH products AS {materialized} (
SELECT p.id, p.slug,
       {product_values}
FROM catalog_product p
JOIN channels_productlisting pl ON pl.product_id = p.id AND pl.channel_id = %(channel)s AND pl.published
     AND (pl.available_from IS NULL OR pl.available_from <= %(now)s)
     AND (pl.available_until IS NULL OR pl.available_until > %(now)s)
LEFT JOIN catalog_brand b ON b.id = p.brand_id
{joined}
WHERE p.live
)
SELECT {select}
FROM products pp
JOIN catalog_variant v ON v.product_id = pp.id
JOIN channels_variantlisting vl ON vl.product_id = pp.id AND vl.sku = v.sku AND vl.channel_id = %(channel)s
     AND vl.published AND vl.price IS NOT NULL AND vl.currency IN (%(currency)s, '')
LEFT JOIN (SELECT variant_id, SUM(on_hand - reserved) AS quantity FROM catalog_stocklevel GROUP BY variant_id) s
     ON s.variant_id = v.id
WHERE v.active
ORDER BY pp.id, v.sort_order IS NULL, v.sort_order, v.id
"""
    return sql, list(columns)


def same_rows(channel, fmt: str) -> tuple[list[str], object]:
    """The column names of `same_sql` and its rows, read through a server-side cursor."""
    from urllib.parse import urljoin

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from channels.feeds.pipeline import public_base_url

    template = channel.product_url_template  # the bench's: https://shop.example.com/p/{slug}?sku={sku}
    head, _, rest = template.partition("{slug}")
    middle, _, tail = rest.partition("{sku}")
    assert "{sku}" in rest and "{id}" not in template, "the link is built for a {slug}…{sku} template"
    params = {
        "channel": channel.pk,
        "currency": channel.currency,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "spec": IMAGE_SPEC,
        "media": urljoin(public_base_url(), settings.MEDIA_URL),  # what storage.url() + urljoin make of a name
        "link_head": head,
        "link_mid": middle,
        "link_tail": tail,
    }
    sql, names = same_sql(fmt, connection.vendor == "postgresql")
    return names, cursor_rows(sql, params)


def raw_export(channel, fmt: str) -> int:
    """The export's document for the bench's data, from `same_sql`'s rows, in RAW_DIR/<format>/."""
    out = RAW_DIR / fmt
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "google-xml":
        return raw_google(channel, out / "products.xml")
    if fmt == "meta-csv":
        return raw_meta(channel, out / "products.csv")
    return raw_amazon(channel, out)


def raw_google(channel, path: Path) -> int:
    from lxml import etree

    g = "{http://base.google.com/ns/1.0}"
    names, rows = same_rows(channel, "google-xml")
    tags = [g + name for name in names]
    additional = g + "additional_image_link"
    home = channel.product_url(slug="", sku="", product_id="").split("?")[0]
    count = 0
    with open(path, "wb") as sink:
        with etree.xmlfile(sink, encoding="utf-8", buffered=True) as xf:
            xf.write_declaration()
            with xf.element("rss", {"version": "2.0"}, nsmap={"g": g[1:-1]}), xf.element("channel"):
                for name, text in (
                    ("title", channel.name),
                    ("link", home),
                    ("description", f"Products of {channel.name}"),
                ):
                    with xf.element(name):
                        xf.write(text)
                for row in rows:
                    with xf.element("item"):
                        for tag, value in zip(tags, row, strict=True):
                            if not value:
                                continue
                            if tag == additional:  # one element per URL
                                for url in value.split(" "):
                                    with xf.element(tag):
                                        xf.write(url)
                            else:
                                with xf.element(tag):
                                    xf.write(value)
                    count += 1
        sink.write(b"\n")
    return count


def raw_meta(channel, path: Path) -> int:
    count = 0
    with open(path, "wb") as sink:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        names, rows = same_rows(channel, "meta-csv")
        writer.writerow(names)  # the serializer's columns
        for row in rows:
            writer.writerow(row)
            count += 1
            if count % 512 == 0:
                sink.write(buffer.getvalue().encode())
                buffer.seek(0)
                buffer.truncate()
        sink.write(buffer.getvalue().encode())
    return count


def raw_amazon(channel, directory: Path) -> int:
    """The set of documents: listings.json, listings-2.json … of at most 25,000 messages each (no DELETEs:
    the bench's set is built once, so no SKU left since a previous one)."""
    from django.conf import settings

    from channels.feeds.models import FeedSettings

    for old in directory.glob("listings*.json"):
        old.unlink()
    feed_settings = FeedSettings.objects.select_related("channel").get(channel=channel)  # once, before the query
    market = feed_settings.marketplace_id
    tag = channel.default_locale.replace("-", "_")
    limit = max(1, min(getattr(settings, "FEEDS_AMAZON_MAX_MESSAGES", 0) or 25_000, 25_000))
    header = json.dumps(
        {"header": {"sellerId": feed_settings.amazon_seller_id, "version": "2.0", "issueLocale": tag}},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    header = (header[:-1] + ',"messages":[\n').encode()
    encode = orjson.dumps  # as the export: the same compact form, UTF-8
    count = in_document = documents = 0
    sink = None
    try:
        _, rows = same_rows(channel, "amazon-json")
        for row in rows:
            sku, product_type, title, brand, description, bullet, condition, main_image, other_images = row[:9]
            gtin, gtin_type, mpn, color, size, material, weight, unit, price, quantity = row[9:]
            if in_document == limit or sink is None:
                if sink is not None:
                    sink.write(b"\n]}\n")
                    sink.close()
                documents += 1
                sink = open(directory / ("listings.json" if documents == 1 else f"listings-{documents}.json"), "wb")
                sink.write(header)
                in_document = 0
            in_document += 1
            count += 1
            attributes = {"item_name": [{"value": title, "language_tag": tag, "marketplace_id": market}]}
            if brand:
                attributes["brand"] = [{"value": brand, "language_tag": tag, "marketplace_id": market}]
            if description:
                attributes["product_description"] = [
                    {"value": description, "language_tag": tag, "marketplace_id": market}
                ]
            if bullet:
                attributes["bullet_point"] = [{"value": bullet, "language_tag": tag, "marketplace_id": market}]
            attributes["condition_type"] = [{"value": condition, "marketplace_id": market}]
            if main_image:
                attributes["main_product_image_locator"] = [{"media_location": main_image, "marketplace_id": market}]
                if other_images:
                    for n, url in enumerate(other_images.split(" "), start=1):
                        attributes[f"other_product_image_locator_{n}"] = [
                            {"media_location": url, "marketplace_id": market}
                        ]
            if gtin:
                attributes["externally_assigned_product_identifier"] = [
                    {"type": gtin_type, "value": gtin, "marketplace_id": market}
                ]
            if mpn:
                attributes["part_number"] = [{"value": mpn, "marketplace_id": market}]
            for code, value in (("color", color), ("size", size), ("material", material)):
                if value:
                    attributes[code] = [{"value": value, "language_tag": tag, "marketplace_id": market}]
            if weight is not None:
                attributes["item_package_weight"] = [{"value": weight, "unit": unit, "marketplace_id": market}]
            attributes["purchasable_offer"] = [
                {
                    "marketplace_id": market,
                    "currency": channel.currency,
                    "audience": "ALL",
                    "our_price": [{"schedule": [{"value_with_tax": price}]}],
                }
            ]
            attributes["fulfillment_availability"] = [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}]
            message = {
                "messageId": in_document,
                "sku": sku,
                "operationType": "UPDATE",
                "productType": product_type,
                "requirements": "LISTING",
                "attributes": attributes,
            }
            sink.write((b",\n" if in_document > 1 else b"") + encode(message))
        if sink is not None:
            sink.write(b"\n]}\n")
    finally:
        if sink is not None:
            sink.close()
    return count


# --- raw-narrow: the raw run of earlier sessions, unchanged (a second baseline) ------------------------------

NARROW_SQL = """
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


def narrow_rows(channel):
    return cursor_rows(NARROW_SQL, [channel.pk, channel.pk])


def narrow_export(channel, fmt: str) -> int:
    from lxml import etree

    out = FEEDS_DIR / f"raw-narrow-{fmt}"
    out.parent.mkdir(parents=True, exist_ok=True)
    g = "{http://base.google.com/ns/1.0}"
    count = 0
    with open(out, "wb") as sink:
        if fmt == "google-xml":
            with etree.xmlfile(sink, encoding="utf-8", buffered=True) as xf:
                with xf.element("rss", version="2.0", nsmap={"g": g[1:-1]}), xf.element("channel"):
                    for row in narrow_rows(channel):
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
            for row in narrow_rows(channel):
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
            for row in narrow_rows(channel):
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


# --- --check: the raw document against the export's ---------------------------------------------------------


def export_files(fmt: str) -> list[Path]:
    """The export's document(s) of the bench channel, in order."""
    if fmt == "google-xml":
        return [FEEDS_DIR / CHANNELS[fmt] / "products.xml"]
    if fmt == "meta-csv":
        return [FEEDS_DIR / CHANNELS[fmt] / "products.csv"]
    return documents_in(FEEDS_DIR / CHANNELS[fmt] / "amazon-json")


def raw_files(fmt: str) -> list[Path]:
    if fmt == "amazon-json":
        return documents_in(RAW_DIR / fmt)
    return [RAW_DIR / fmt / ("products.xml" if fmt == "google-xml" else "products.csv")]


def documents_in(directory: Path) -> list[Path]:
    def number(path: Path) -> int:
        stem = path.stem.removeprefix("listings")
        return int(stem[1:]) if stem else 1

    return sorted(directory.glob("listings*.json"), key=number)


def parsed_items(fmt: str, files: list[Path]) -> tuple[object, list]:
    """(what comes before the items, the items): comparable values, not text."""
    if fmt == "google-xml":
        from lxml import etree

        channel = etree.parse(str(files[0])).getroot().find("channel")
        head = [(element.tag, element.text) for element in channel if element.tag != "item"]
        items = [[(element.tag, element.text) for element in item] for item in channel.iterfind("item")]
        return head, items
    if fmt == "meta-csv":
        with open(files[0], newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        return rows[:1], rows[1:]
    heads, items = [], []
    for path in files:
        document = json.loads(path.read_bytes())
        heads.append(document["header"])
        items += document["messages"]
    return heads, items


def check(fmt: str) -> str:
    """Whether the raw run wrote the export's document: items compared in order, then the bytes."""
    exported, raw = export_files(fmt), raw_files(fmt)
    if not exported or not raw:
        return f"missing documents (export: {len(exported)}, raw: {len(raw)})"
    export_head, export_items = parsed_items(fmt, exported)
    raw_head, raw_items = parsed_items(fmt, raw)
    problems = []
    if export_head != raw_head:
        problems.append(f"heads differ: export {export_head!r}, raw {raw_head!r}")
    if len(export_items) != len(raw_items):
        problems.append(f"{len(raw_items):,} raw items, {len(export_items):,} exported")
    for index, (ours, theirs) in enumerate(zip(raw_items, export_items, strict=False)):
        if ours != theirs:
            problems.append(f"first mismatching item #{index + 1}: {first_difference(fmt, theirs, ours)}")
            break
    if problems:
        return "MISMATCH: " + "; ".join(problems)
    names = [path.name for path in exported]
    if [path.name for path in raw] != names:
        return f"{len(raw_items):,} items match, but the documents differ: export {names}, raw {[p.name for p in raw]}"
    same_bytes = all(filecmp.cmp(a, b, shallow=False) for a, b in zip(exported, raw, strict=True))
    return f"{len(raw_items):,} items match" + (
        f", byte for byte ({', '.join(names)})" if same_bytes else " (the bytes differ)"
    )


def first_difference(fmt: str, exported, raw) -> str:
    """Where two items differ first: an element (Google, in order), a column (Meta) or an attribute (Amazon)."""
    if fmt == "meta-csv":
        exported, raw = list(enumerate(exported)), list(enumerate(raw))
    elif fmt == "amazon-json":
        exported = [*((k, v) for k, v in exported.items() if k != "attributes"), *exported["attributes"].items()]
        raw = [*((k, v) for k, v in raw.items() if k != "attributes"), *raw["attributes"].items()]
    for position, (theirs, ours) in enumerate(zip(exported, raw, strict=False)):
        if theirs != ours:
            return f"at {position + 1}, export {theirs!r}, raw {ours!r}"
    return f"export has {len(exported)} fields, raw {len(raw)}: {exported[len(raw) :]!r} / {raw[len(exported) :]!r}"


if __name__ == "__main__":
    main()
