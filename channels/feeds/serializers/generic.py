"""Generic exports for any other marketplace: CSV and JSON Lines with the resolved fields (camelCase)."""

import json
from collections.abc import Iterable
from typing import BinaryIO

from catalog.money import format_optional_amount
from channels.feeds.serializers.base import (
    FeedContext,
    FeedItem,
    LineBlocks,
    PerProduct,
    clean_text,
    csv_cell,
    plain_text,
)


def _moment(value) -> str | None:
    return value.isoformat() if value is not None else None


def product_record(item: FeedItem) -> dict:
    """The fields every item of the product shares."""
    product = item.product
    return {
        "itemGroupId": item.item_group_id,
        "productId": product.id,
        "slug": product.slug,
        "title": clean_text(product.title),
        "summary": plain_text(product.summary),
        "description": plain_text(product.description),
        "descriptionHtml": clean_text(product.description),
        "brand": product.brand.name if product.brand else None,
        "identifierExists": product.identifier_exists,
        "attributes": {attribute.code: attribute.value for attribute in product.attributes},
        "channelAttributes": product.channel_attributes,
        "channelCategory": product.channel_category or None,
        "categories": [category.path_text for category in product.categories],
        "imageLinks": list(item.image_urls),
        "updatedAt": _moment(product.updated_at),
    }


def variant_record(item: FeedItem) -> dict:
    """The item's own fields. An item is written as `{"id": sku, "sku": sku, **product_record(item),
    **variant_record(item)}`: camelCase, money as decimal strings with the currency beside them."""
    variant = item.variant
    currency = variant.currency
    return {
        "gtin": variant.gtin or None,
        "mpn": variant.mpn or None,
        "options": variant.options,
        "currency": currency,
        "price": format_optional_amount(variant.price, currency),
        "salePrice": format_optional_amount(variant.sale_price, currency),
        "saleStart": _moment(variant.sale_start),
        "saleEnd": _moment(variant.sale_end),
        "unitPrice": format_optional_amount(variant.unit_price, currency),
        "availability": variant.availability,
        "availabilityDate": _moment(variant.availability_date),
        "quantity": variant.available_quantity,
        "weight": f"{variant.weight.normalize():f}" if variant.weight is not None else None,
        "weightUnit": variant.weight_unit if variant.weight is not None else None,
        "link": item.link,
    }


CSV_COLUMNS = (
    "id",
    "itemGroupId",
    "productId",
    "title",
    "summary",
    "description",
    "brand",
    "gtin",
    "mpn",
    "currency",
    "price",
    "salePrice",
    "saleStart",
    "saleEnd",
    "availability",
    "availabilityDate",
    "quantity",
    "weight",
    "weightUnit",
    "link",
    "imageLinks",
    "categories",
    "channelCategory",
    "options",
    "attributes",
)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(part) for part in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return str(value)


CSV_POSITIONS = {name: position for position, name in enumerate(CSV_COLUMNS)}


def product_csv_row(item: FeedItem) -> list[str]:
    """A row with the product's cells encoded; its variants fill in theirs."""
    row = [""] * len(CSV_COLUMNS)
    for name, value in product_record(item).items():
        position = CSV_POSITIONS.get(name)
        if position is not None:
            row[position] = csv_cell(_cell(value))
    return row


class GenericCsvSerializer:
    """RFC 4180 CSV (the csv module's excel dialect, see `csv_cell`): the CSV_COLUMNS of an item's fields."""

    def write(self, sink: BinaryIO, items: Iterable[FeedItem], context: FeedContext) -> int:
        sink.write((",".join(map(csv_cell, CSV_COLUMNS)) + "\r\n").encode())
        count = 0
        blocks = LineBlocks(sink, end="\r\n")
        shared = PerProduct(product_csv_row)
        id_position = CSV_POSITIONS["id"]
        for item in items:
            row = shared(item).copy()
            row[id_position] = csv_cell(item.variant.sku)
            for name, value in variant_record(item).items():
                position = CSV_POSITIONS.get(name)
                if position is not None:
                    row[position] = csv_cell(_cell(value))
            blocks.add(",".join(row))
            count += 1
        blocks.flush()
        return count


# json.dumps(…, ensure_ascii=False, default=str) makes this encoder anew for every call.
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)


def product_json_part(item: FeedItem) -> str:
    """What every line of the product repeats between its sku and its variant's fields, encoded once (the
    encoder writes a value the same wherever it sits; `product_record` is never empty and shares no name
    with `variant_record`)."""
    return ", " + _JSON.encode(product_record(item))[1:-1] + ", "


class JsonLinesSerializer:
    """One JSON object an item and a line (see `variant_record`), as `json.dumps(…, ensure_ascii=False)`
    writes it."""

    def write(self, sink: BinaryIO, items: Iterable[FeedItem], context: FeedContext) -> int:
        count = 0
        blocks = LineBlocks(sink, end="\n")
        shared = PerProduct(product_json_part)
        for item in items:
            sku = _JSON.encode(item.variant.sku)
            blocks.add(f'{{"id": {sku}, "sku": {sku}{shared(item)}{_JSON.encode(variant_record(item))[1:]}')
            count += 1
        blocks.flush()
        return count
