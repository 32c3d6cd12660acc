"""Google Merchant Center: RSS 2.0 with the g: namespace, and the tab-separated text format (feeds.md §1)."""

from collections.abc import Iterable
from datetime import datetime
from typing import BinaryIO

from channels import attributes as vocab
from channels.feeds.serializers.base import (
    FeedContext,
    FeedItem,
    LineBlocks,
    PerProduct,
    clean_text,
    iso_minute,
    money,
    one_line,
    option_sources,
    option_text,
    plain_text,
    sale_applies,
    sale_interval,
    sku_too_long,
    truncate,
    url_list_item,
    weight,
)
from channels.resolved import ResolvedVariant
from channels.rules import Issue

G_NS = "http://base.google.com/ns/1.0"

# A longer id is refused by Merchant Center: such an item is left out and reported, never cut (the google kind's
# completeness rule says so too; this check holds for a channel of any kind publishing the format).
ID_MAX = vocab.GOOGLE_ID_MAX
ID_TOO_LONG = vocab.GOOGLE_ID_TOO_LONG
TITLE_MAX = 150
DESCRIPTION_MAX = 5000
BRAND_MAX = 70
PRODUCT_TYPE_MAX = 750
ADDITIONAL_IMAGES_MAX = 10
APPAREL_TEXT = ("color", "size", "gender", "age_group", "material", "pattern", "size_system")

# The columns of the text format, in order; the XML writes the same attributes where they have a value.
COLUMNS = (
    "id",
    "title",
    "description",
    "link",
    "image_link",
    "additional_image_link",
    "availability",
    "availability_date",
    "price",
    "sale_price",
    "sale_price_effective_date",
    "condition",
    "brand",
    "gtin",
    "mpn",
    "identifier_exists",
    "item_group_id",
    "google_product_category",
    "product_type",
    *APPAREL_TEXT,
    "shipping_weight",
    "adult",
    "is_bundle",
    *(f"custom_label_{n}" for n in range(5)),
)


def _yes_no(value) -> str:
    if value in (None, ""):
        return ""
    return "yes" if value is True or str(value).lower() in ("yes", "true", "1") else "no"


def product_fields(item: FeedItem) -> dict[str, str | list[str]]:
    """The attributes every item of the product shares, by Google's names."""
    product = item.product
    attributes = product.channel_attributes
    fields: dict[str, str | list[str]] = {
        "title": truncate(clean_text(product.title).strip(), TITLE_MAX),
        "description": truncate(plain_text(product.description or product.summary), DESCRIPTION_MAX),
        "image_link": item.image_urls[0] if item.image_urls else "",
        "additional_image_link": list(item.image_urls[1 : 1 + ADDITIONAL_IMAGES_MAX]),
        "condition": str(attributes.get("condition") or "new"),
        "brand": truncate(clean_text(product.brand.name), BRAND_MAX) if product.brand else "",
        "item_group_id": item.item_group_id if item.has_variants else "",
        "google_product_category": clean_text(product.channel_category),
        "product_type": truncate(clean_text(item.product_type_path), PRODUCT_TYPE_MAX),
    }
    if not product.identifier_exists:
        fields["identifier_exists"] = "no"
    for code in ("adult", "is_bundle"):
        fields[code] = _yes_no(attributes.get(code))
    for n in range(5):
        fields[f"custom_label_{n}"] = clean_text(attributes.get(f"custom_label_{n}", ""))
    return fields


def variant_fields(item: FeedItem, now: datetime, sources: tuple) -> dict[str, str | list[str]]:
    """The attributes of the item's own variant; `sources` is `option_sources(product, APPAREL_TEXT)`."""
    variant, currency = item.variant, item.product.currency
    fields: dict[str, str | list[str]] = {
        "id": clean_text(variant.sku),
        "link": item.link,
        "availability": variant.availability,
        "price": money(variant.price, currency),
        "gtin": variant.gtin,
        "mpn": clean_text(variant.mpn),
        "shipping_weight": weight(variant),
    }
    if variant.availability in ("preorder", "backorder") and variant.availability_date:
        fields["availability_date"] = iso_minute(variant.availability_date, colon=False)
    if sale_applies(variant, now):
        fields["sale_price"] = money(variant.sale_price, currency)
        fields["sale_price_effective_date"] = sale_interval(variant, now, colon=False)
    for code, source in sources:
        fields[code] = clean_text(option_text(variant, source))
    return fields


def product_parts(item: FeedItem) -> tuple[dict[str, str | list[str]], tuple]:
    """What the items of one product share: its attributes and where its variants' options come from."""
    return product_fields(item), option_sources(item.product, APPAREL_TEXT)


def _escape(text: str) -> str:
    """XML character data: the three markup characters escaped, characters XML 1.0 forbids removed."""
    # Asked before replacing: most values hold none of them, and a feed escapes some fifteen values an item.
    if not text.isprintable():
        text = clean_text(text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def id_issues(variant: ResolvedVariant) -> list[Issue]:
    """What keeps a variant out of Google's formats although the channel's rules pass it."""
    return sku_too_long(variant, ID_MAX, ID_TOO_LONG)


class GoogleXmlSerializer:
    """RSS 2.0: `<rss xmlns:g=…><channel>…<item><g:id>…</item></channel></rss>`, one element per value.

    The items are formatted as strings and written in blocks: lxml's incremental writer costs a context
    manager and two C calls per element (≈ 25 per item), and a prebuilt element would repeat xmlns:g on each
    item. The markup is fixed and every value goes through `_escape`, so the document stays well-formed.
    """

    item_issues = staticmethod(id_issues)

    def write(self, sink: BinaryIO, items: Iterable[FeedItem], context: FeedContext) -> int:
        count = 0
        head = "".join(
            f"<{name}>{_escape(text)}</{name}>"
            for name, text in (
                ("title", context.channel_name),
                ("link", context.link),
                ("description", f"Products of {context.channel_name}"),
            )
        )
        sink.write(
            f"<?xml version='1.0' encoding='utf-8'?>\n<rss xmlns:g=\"{G_NS}\" version=\"2.0\"><channel>{head}".encode()
        )
        blocks = LineBlocks(sink, end="")
        shared = PerProduct(_product_elements)
        now = context.built_at
        for item in items:
            product_elements, sources = shared(item)
            blocks.add(f"<item>{product_elements}{_elements(variant_fields(item, now, sources))}</item>")
            count += 1
        blocks.add("</channel></rss>\n")
        blocks.flush()
        return count


def _product_elements(item: FeedItem) -> tuple[str, tuple]:
    """The elements every item of the product repeats, written once, and its variants' option sources."""
    fields, sources = product_parts(item)
    return _elements(fields), sources


def _elements(fields: dict[str, str | list[str]]) -> str:
    """`<g:name>value</g:name>` for each non-empty value (one element per value of a list)."""
    parts = []
    for name, value in fields.items():
        if not value:
            continue
        if isinstance(value, list):
            parts.extend(f"<g:{name}>{_escape(text)}</g:{name}>" for text in value if text)
        else:
            parts.append(f"<g:{name}>{_escape(value)}</g:{name}>")
    return "".join(parts)


class GoogleTsvSerializer:
    """Tab-separated text: a header of attribute names, one item per line; no quoting, so no tabs or newlines
    inside values; several values of one attribute comma-separated (commas in URLs encoded)."""

    item_issues = staticmethod(id_issues)

    def write(self, sink: BinaryIO, items: Iterable[FeedItem], context: FeedContext) -> int:
        count = 0
        sink.write(("\t".join(COLUMNS) + "\n").encode())
        blocks = LineBlocks(sink, end="\n")
        shared = PerProduct(_tsv_template)
        now = context.built_at
        for item in items:
            template, sources = shared(item)
            row = template.copy()
            for name, value in variant_fields(item, now, sources).items():
                row[TSV_POSITIONS[name]] = one_line(value) if value else ""
            blocks.add("\t".join(row))
            count += 1
        blocks.flush()
        return count


TSV_POSITIONS = {name: position for position, name in enumerate(COLUMNS)}


def _tsv_cell(value: str | list[str]) -> str:
    if isinstance(value, list):
        value = ",".join(url_list_item(url) for url in value)
    return one_line(value) if value else ""


def _tsv_template(item: FeedItem) -> tuple[list[str], tuple]:
    """A row with the product's cells filled in (its variants fill in theirs), and its option sources."""
    fields, sources = product_parts(item)
    row = [""] * len(COLUMNS)
    for name, value in fields.items():
        row[TSV_POSITIONS[name]] = _tsv_cell(value)
    return row, sources
