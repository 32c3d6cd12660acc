"""Amazon Selling Partner API JSON_LISTINGS_FEED v2 (feeds.md §3, shared/specs/amazon/).

One UPDATE message per SKU with the product type and attributes (each an array of objects carrying
marketplace_id and, for texts, language_tag), then one DELETE per SKU of the previous build that left.
The SKUs written go to a sorted file in the set's directory (sku_sets.py): the next build's "previous".
"""

from collections.abc import Iterable

import orjson

from channels.feeds.serializers.base import FeedContext, FeedItem, PerProduct, clean_text, plain_text, sale_applies
from channels.feeds.sku_sets import SKU_FILE, SortedSkuFile, leaving, read_skus
from channels.feeds.writer import DocumentSet

MAX_MESSAGES = 25_000  # the schema's limit on messages per document (settings.FEEDS_AMAZON_MAX_MESSAGES may lower it)
DEFAULT_PRODUCT_TYPE = "PRODUCT"
OTHER_IMAGES_MAX = 8
CONDITION_TYPES = {"new": "new_new", "refurbished": "refurbished_refurbished", "used": "used_good"}
WEIGHT_UNITS = {"g": "grams", "kg": "kilograms", "lb": "pounds", "oz": "ounces"}
IDENTIFIER_TYPES = {8: "ean", 12: "upc", 13: "ean", 14: "gtin"}


def language_tag(locale: str) -> str:
    """BCP 47 `en-US` as Amazon writes it: `en_US`."""
    return locale.replace("-", "_")


def _number(amount) -> float:
    # JSON has one number type; Amazon reads value_with_tax as a decimal number. The amount is already
    # rounded to the currency's minor unit, and repr() of that float prints exactly those digits.
    return float(amount)


def _text(value: str, tag: str, market: str) -> list[dict]:
    return [{"value": value, "language_tag": tag, "marketplace_id": market}]


def product_attributes(item: FeedItem, context: FeedContext) -> dict:
    """The attributes every SKU of the product shares: texts, brand, condition, images."""
    product = item.product
    market = context.amazon_marketplace_id
    tag = language_tag(product.locale)
    attrs: dict = {"item_name": _text(clean_text(product.title).strip(), tag, market)}
    if product.brand:
        attrs["brand"] = _text(clean_text(product.brand.name), tag, market)
    description = plain_text(product.description)
    if description:
        attrs["product_description"] = _text(description[:2000], tag, market)
    summary = plain_text(product.summary)
    if summary:
        attrs["bullet_point"] = _text(summary[:500], tag, market)
    condition = str(product.channel_attributes.get("condition") or "new")
    attrs["condition_type"] = [{"value": CONDITION_TYPES.get(condition, "new_new"), "marketplace_id": market}]
    if item.image_urls:
        attrs["main_product_image_locator"] = [{"media_location": item.image_urls[0], "marketplace_id": market}]
        for n, url in enumerate(item.image_urls[1 : 1 + OTHER_IMAGES_MAX], start=1):
            attrs[f"other_product_image_locator_{n}"] = [{"media_location": url, "marketplace_id": market}]
    return attrs


def variant_attributes(item: FeedItem, context: FeedContext) -> dict:
    """The SKU's own attributes: identifiers, options, weight, offer and quantity."""
    product, variant = item.product, item.variant
    market = context.amazon_marketplace_id
    attrs: dict = {}
    if variant.gtin:
        kind = IDENTIFIER_TYPES.get(len(variant.gtin), "gtin")
        attrs["externally_assigned_product_identifier"] = [
            {"type": kind, "value": variant.gtin, "marketplace_id": market}
        ]
    elif not product.identifier_exists:
        attrs["supplier_declared_has_product_identifier_exemption"] = [{"value": True, "marketplace_id": market}]
    if variant.mpn:
        attrs["part_number"] = [{"value": clean_text(variant.mpn), "marketplace_id": market}]
    tag = language_tag(product.locale)
    for code in ("color", "size", "material"):
        value = item.option(code)
        if value:
            attrs[code] = _text(clean_text(value), tag, market)
    if variant.weight is not None:
        attrs["item_package_weight"] = [
            {
                "value": float(variant.weight),
                "unit": WEIGHT_UNITS.get(variant.weight_unit, variant.weight_unit),
                "marketplace_id": market,
            }
        ]
    offer: dict = {
        "marketplace_id": market,
        "currency": variant.currency,
        "audience": "ALL",
        "our_price": [{"schedule": [{"value_with_tax": _number(variant.price)}]}],
    }
    if sale_applies(variant, context.built_at):
        schedule: dict = {"value_with_tax": _number(variant.sale_price)}
        if variant.sale_start:
            schedule["start_at"] = variant.sale_start.isoformat()
        if variant.sale_end:
            schedule["end_at"] = variant.sale_end.isoformat()
        offer["discounted_price"] = [{"schedule": [schedule]}]
    attrs["purchasable_offer"] = [offer]
    quantity = variant.available_quantity if variant.availability != "out_of_stock" else 0
    attrs["fulfillment_availability"] = [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}]
    return attrs


def message(message_id: int, item: FeedItem, context: FeedContext, shared: dict) -> dict:
    """One UPDATE message; `shared` is `product_attributes(item, context)`, computed once per product."""
    return {
        "messageId": message_id,
        "sku": item.variant.sku,
        "operationType": "UPDATE",
        "productType": clean_text(item.product.channel_category).strip().upper() or DEFAULT_PRODUCT_TYPE,
        "requirements": "LISTING",
        "attributes": {**shared, **variant_attributes(item, context)},
    }


class AmazonJsonSerializer:
    """A set of documents, each written as it goes: header, then up to `context.max_messages` messages (the
    UPDATEs, then the DELETEs of SKUs that left), messageIds counted from 1 in each document.

    Beside the documents it leaves `SKU_FILE`, the sorted SKUs it listed; the DELETEs are
    `context.previous_skus` (the previous set's file) minus that file, found in one merge pass, so no
    per-SKU collection is held in memory."""

    def write_documents(self, documents: DocumentSet, items: Iterable[FeedItem], context: FeedContext) -> int:
        limit = max(1, min(context.max_messages or MAX_MESSAGES, MAX_MESSAGES))
        header = (
            b'{"header":'
            + orjson.dumps(
                {"sellerId": context.amazon_seller_id, "version": "2.0", "issueLocale": language_tag(context.locale)}
            )
            + b',"messages":[\n'
        )
        sink = None
        in_document = updates = deletes = 0
        listed = SortedSkuFile(documents.directory / SKU_FILE)
        shared = PerProduct(product_attributes)

        def next_sink():
            nonlocal sink, in_document, updates, deletes
            if sink is not None:
                sink.write(b"\n]}\n")
            sink = documents.next_document(**({"messages": in_document, "deletes": deletes} if sink else {}))
            sink.write(header)
            in_document = deletes = 0
            return sink

        for item in items:
            if sink is None or in_document == limit:
                next_sink()
            in_document += 1
            body = orjson.dumps(message(in_document, item, context, shared(item, context)))
            sink.write(body if in_document == 1 else b",\n" + body)
            listed.add(item.variant.sku)
            updates += 1
        listed.finish()
        for sku in leaving(context.previous_skus, read_skus(listed.path)):
            if sink is None or in_document == limit:
                next_sink()
            in_document += 1
            body = orjson.dumps({"messageId": in_document, "sku": sku, "operationType": "DELETE"})
            sink.write(body if in_document == 1 else b",\n" + body)
            deletes += 1
            context.deletes_written += 1
        if sink is None:
            raise ValueError("An Amazon listings feed needs at least one message; nothing to list or delete.")
        sink.write(b"\n]}\n")
        documents.close_document(messages=in_document, deletes=deletes)
        return updates
