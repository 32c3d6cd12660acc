"""The raw runs of `bench/feeds.py`: the export's document from one SQL query (`feeds_sql`) and the format's
standard writer, and the narrow raw run of earlier sessions (a second baseline)."""

import csv
import io
import json
from pathlib import Path

import orjson
from feeds_common import FEEDS_DIR, IMAGE_SPEC, RAW_DIR
from feeds_sql import same_sql


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
    with open(path, "wb") as sink:
        names, rows = same_rows(channel, "meta-csv")
        return write_csv(sink, rows, header=names)  # the serializer's columns


def write_csv(sink, rows, header: list[str] | None = None) -> int:
    """Rows through `csv.writer`, encoded and written 512 at a time; the number of rows (the header aside)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header is not None:
        writer.writerow(header)
    count = 0
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


def narrow_meta_row(sku, gtin, mpn, weight, unit, pid, title, description, slug, brand, price, sale, stock):
    return [sku, title, description, "in stock" if stock > 0 else "out of stock", "new", f"{price:.2f} USD"] + [
        f"https://shop.example.com/p/{slug}?sku={sku}",
        brand,
        gtin,
        f"P{pid}",
    ]


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
            count = write_csv(sink, (narrow_meta_row(*row) for row in narrow_rows(channel)))
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
