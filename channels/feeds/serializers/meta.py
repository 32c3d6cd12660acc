"""Meta (Facebook / Instagram) catalog CSV with Meta's column names and enums (feeds.md §2)."""

from collections.abc import Iterable
from typing import BinaryIO

from channels.feeds.serializers.base import (
    FeedContext,
    FeedItem,
    LineBlocks,
    PerProduct,
    clean_text,
    csv_cell,
    money,
    option_sources,
    option_text,
    plain_text,
    sale_applies,
    sale_interval,
    truncate,
    weight,
)

ID_MAX = 100
TITLE_MAX = 150  # the template's limit (the field reference says 200): the safe one
DESCRIPTION_MAX = 9999
BRAND_MAX = 100
ADDITIONAL_IMAGES_MAX = 20
ADDITIONAL_IMAGES_CHARS = 2000

# Meta's availability words (with a space), from our resolved availability.
AVAILABILITY = {
    "in_stock": "in stock",
    "out_of_stock": "out of stock",
    "preorder": "preorder",
    "backorder": "available for order",
}

COLUMNS = (
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "link",
    "image_link",
    "brand",
    "additional_image_link",
    "sale_price",
    "sale_price_effective_date",
    "item_group_id",
    "google_product_category",
    "product_type",
    "gtin",
    "mpn",
    "gender",
    "age_group",
    "color",
    "size",
    "material",
    "pattern",
    "shipping_weight",
    "quantity_to_sell_on_facebook",
    "status",
    *(f"custom_label_{n}" for n in range(5)),
)


def _additional_images(urls: tuple[str, ...]) -> str:
    chosen: list[str] = []
    length = 0
    for url in urls[:ADDITIONAL_IMAGES_MAX]:
        url = url.replace(",", "%2C")
        if length + len(url) + (1 if chosen else 0) > ADDITIONAL_IMAGES_CHARS:
            break
        chosen.append(url)
        length += len(url) + (1 if len(chosen) > 1 else 0)
    return ",".join(chosen)


def product_values(item: FeedItem) -> dict[str, str]:
    """The columns every item of the product shares."""
    product = item.product
    attributes = product.channel_attributes
    values = {
        "title": truncate(clean_text(product.title).strip(), TITLE_MAX),
        "description": truncate(plain_text(product.description or product.summary), DESCRIPTION_MAX),
        "condition": str(attributes.get("condition") or "new"),
        "image_link": item.image_urls[0] if item.image_urls else "",
        "brand": truncate(clean_text(product.brand.name), BRAND_MAX) if product.brand else "",
        "additional_image_link": _additional_images(item.image_urls[1:]),
        "item_group_id": item.item_group_id if item.has_variants else "",
        "google_product_category": clean_text(product.channel_category),
        "product_type": clean_text(item.product_type_path),
        "status": str(attributes.get("status") or "active"),
    }
    for n in range(5):
        values[f"custom_label_{n}"] = clean_text(attributes.get(f"custom_label_{n}", ""))
    return values


# The variant-level columns read with FeedItem.option's fallbacks, and their length limits.
OPTION_LIMITS = {"gender": 200, "age_group": 200, "color": 200, "size": 200, "material": 200, "pattern": 100}


def variant_values(item: FeedItem, context: FeedContext, sources: tuple) -> dict[str, str]:
    """The columns of the item's own variant; `sources` is `option_sources(product, OPTION_LIMITS)`."""
    variant, currency = item.variant, item.product.currency
    on_sale = sale_applies(variant, context.built_at)
    values = {
        "id": clean_text(variant.sku)[:ID_MAX],
        "availability": AVAILABILITY[variant.availability],
        "price": money(variant.price, currency),
        "link": item.link,
        "sale_price": money(variant.sale_price, currency) if on_sale else "",
        "sale_price_effective_date": sale_interval(variant, context.built_at, colon=True) if on_sale else "",
        "gtin": variant.gtin,
        "mpn": clean_text(variant.mpn),
        "shipping_weight": weight(variant),
        "quantity_to_sell_on_facebook": str(variant.available_quantity) if variant.available_quantity > 0 else "",
    }
    for code, source in sources:
        values[code] = truncate(clean_text(option_text(variant, source)), OPTION_LIMITS[code])
    return values


POSITIONS = {name: position for position, name in enumerate(COLUMNS)}


def product_row(item: FeedItem) -> tuple[list[str], tuple]:
    """A row with the product's cells encoded (its variants fill in theirs), and its option sources."""
    row = [""] * len(COLUMNS)
    for name, value in product_values(item).items():
        row[POSITIONS[name]] = csv_cell(value)
    return row, option_sources(item.product, OPTION_LIMITS)


class MetaCsvSerializer:
    """RFC 4180 CSV (the csv module's excel dialect): quotes around values with commas, quotes or line
    breaks, inner quotes doubled; UTF-8 without a BOM."""

    def write(self, sink: BinaryIO, items: Iterable[FeedItem], context: FeedContext) -> int:
        sink.write((",".join(map(csv_cell, COLUMNS)) + "\r\n").encode())
        count = 0
        blocks = LineBlocks(sink, end="\r\n")
        shared = PerProduct(product_row)
        for item in items:
            template, sources = shared(item)
            row = template.copy()
            for name, value in variant_values(item, context, sources).items():
                row[POSITIONS[name]] = csv_cell(value)
            blocks.add(",".join(row))
            count += 1
        blocks.flush()
        return count
