"""Generic exports for any other marketplace: CSV and JSON Lines with the resolved fields (camelCase)."""

import csv
import io
import json
from collections.abc import Iterable
from typing import BinaryIO

from catalog.money import format_optional_amount
from channels.feeds.serializers.base import FeedContext, FeedItem, PerProduct, clean_text, plain_text


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


def record(item: FeedItem, shared: dict) -> dict:
    """The item as our JSON writes it: camelCase, money as decimal strings with the currency beside them.
    `shared` is `product_record(item)`, computed once per product."""
    variant = item.variant
    currency = variant.currency
    return {
        "id": variant.sku,
        "sku": variant.sku,
        **shared,
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


class GenericCsvSerializer:
    def write(self, sink: BinaryIO, items: Iterable[FeedItem], context: FeedContext) -> int:
        buffer = io.StringIO()
        writer = csv.writer(buffer, dialect="excel")
        writer.writerow(CSV_COLUMNS)
        count = 0
        shared = PerProduct(product_record)
        for item in items:
            data = record(item, shared(item))
            writer.writerow([_cell(data[name]) for name in CSV_COLUMNS])
            count += 1
            if count % 512 == 0:
                sink.write(buffer.getvalue().encode())
                buffer.seek(0)
                buffer.truncate()
        sink.write(buffer.getvalue().encode())
        return count


class JsonLinesSerializer:
    def write(self, sink: BinaryIO, items: Iterable[FeedItem], context: FeedContext) -> int:
        count = 0
        lines: list[str] = []
        shared = PerProduct(product_record)
        for item in items:
            lines.append(json.dumps(record(item, shared(item)), ensure_ascii=False, default=str))
            count += 1
            if len(lines) >= 512:
                sink.write(("\n".join(lines) + "\n").encode())
                lines.clear()
        if lines:
            sink.write(("\n".join(lines) + "\n").encode())
        return count
