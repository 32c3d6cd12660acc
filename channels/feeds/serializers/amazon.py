"""Amazon Selling Partner API JSON_LISTINGS_FEED v2 (feeds.md §3, shared/specs/amazon/).

One UPDATE message per SKU with the product type and attributes (each an array of objects carrying
marketplace_id and, for texts, language_tag), then one DELETE per SKU of the previous build that left.
The SKUs written go to a sorted file in the set's directory (sku_sets.py): the next build's "previous".
"""

from collections.abc import Iterable

import orjson

from channels import attributes as vocab
from channels.feeds.serializers.base import (
    FeedContext,
    FeedItem,
    PerProduct,
    clean_text,
    option_sources,
    option_text,
    plain_text,
    sale_applies,
    sku_too_long,
)
from channels.feeds.sku_sets import SKU_FILE, SortedSkuFile, leaving, read_skus
from channels.feeds.writer import DocumentSet
from channels.resolved import ResolvedVariant
from channels.rules import Issue

# A seller SKU is 1 to 40 characters at Amazon (Seller Central's inventory file definitions); the listings
# feed schema says only minLength 1, and the hub allows 64, so a longer SKU is left out and reported. The
# amazon kind's completeness rule says so too; this check holds for a channel of any kind publishing the format.
SKU_MAX = vocab.AMAZON_SKU_MAX
SKU_TOO_LONG = vocab.AMAZON_SKU_TOO_LONG
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


OPTION_CODES = ("color", "size", "material")


def variant_attributes(item: FeedItem, context: FeedContext, sources: tuple) -> dict:
    """The SKU's own attributes: identifiers, options, weight, offer and quantity; `sources` is
    `option_sources(product, OPTION_CODES)`."""
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
    for code, source in sources:
        value = option_text(variant, source)
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


def product_parts(item: FeedItem, context: FeedContext) -> tuple[bytes, tuple]:
    """What the messages of one product share: `product_part` and where its variants' options come from."""
    return product_part(item, context), option_sources(item.product, OPTION_CODES)


def product_part(item: FeedItem, context: FeedContext) -> bytes:
    """The bytes every UPDATE message of the product repeats between its sku and its variant's attributes.

    A message is `{"messageId":…,"sku":…,"operationType":"UPDATE","productType":…,"requirements":"LISTING",
    "attributes":{<product's attributes>,<variant's attributes>}}`; the middle is the same for all variants of
    a product, so it is encoded once (orjson writes a value the same wherever it sits). The two attribute
    sets have no name in common, and neither is ever empty (item_name; purchasable_offer)."""
    head = orjson.dumps(
        {
            "operationType": "UPDATE",
            "productType": clean_text(item.product.channel_category).strip().upper() or DEFAULT_PRODUCT_TYPE,
            "requirements": "LISTING",
        }
    )
    shared = orjson.dumps(product_attributes(item, context))
    return b"," + head[1:-1] + b',"attributes":' + shared[:-1] + b","


def message(message_id: int, item: FeedItem, context: FeedContext, shared: tuple[bytes, tuple]) -> bytes:
    """One UPDATE message, encoded; `shared` is `product_parts(item, context)`."""
    part, sources = shared
    variant = orjson.dumps(variant_attributes(item, context, sources))
    return b'{"messageId":%d,"sku":%b%b%b}' % (
        message_id,
        orjson.dumps(item.variant.sku),
        part,
        memoryview(variant)[1:],
    )


class _Messages:
    """Messages into the documents of a set, at most `limit` to a document, numbered from 1 in each, and
    written to the document in blocks (each write also goes through the gzip copy)."""

    def __init__(self, documents: DocumentSet, header: bytes, limit: int):
        self._documents = documents
        self._header = header
        self._limit = limit
        self._sink = None
        self._pending: list[bytes] = []
        self.in_document = 0
        self.deletes = 0

    def next_id(self) -> int:
        """The messageId of the next message; a full document is closed and the next one opened first."""
        if self._sink is None or self.in_document == self._limit:
            self._next_document()
        self.in_document += 1
        return self.in_document

    def add(self, body: bytes) -> None:
        """The message numbered by the last `next_id`."""
        self._pending.append(body if self.in_document == 1 else b",\n" + body)
        if len(self._pending) >= 512:
            self._flush()

    def close(self) -> None:
        if self._sink is None:
            raise ValueError("An Amazon listings feed needs at least one message; nothing to list or delete.")
        self._flush()
        self._sink.write(b"\n]}\n")
        self._documents.close_document(messages=self.in_document, deletes=self.deletes)

    def _flush(self) -> None:
        if self._pending:
            self._sink.write(b"".join(self._pending))
            self._pending.clear()

    def _next_document(self) -> None:
        facts = {}
        if self._sink is not None:
            self._flush()
            self._sink.write(b"\n]}\n")
            facts = {"messages": self.in_document, "deletes": self.deletes}
        self._sink = self._documents.next_document(**facts)
        self._sink.write(self._header)
        self.in_document = self.deletes = 0


class AmazonJsonSerializer:
    """A set of documents, each written as it goes: header, then up to `context.max_messages` messages (the
    UPDATEs, then the DELETEs of SKUs that left), messageIds counted from 1 in each document.

    Beside the documents it leaves `SKU_FILE`, the sorted SKUs it listed; the DELETEs are
    `context.previous_skus` (the previous set's file) minus that file, found in one merge pass, so no
    per-SKU collection is held in memory."""

    def item_issues(self, variant: ResolvedVariant) -> list[Issue]:
        """What keeps a variant out of this format although the channel's rules pass it."""
        return sku_too_long(variant, SKU_MAX, SKU_TOO_LONG)

    def write_documents(self, documents: DocumentSet, items: Iterable[FeedItem], context: FeedContext) -> int:
        limit = max(1, min(context.max_messages or MAX_MESSAGES, MAX_MESSAGES))
        header = (
            b'{"header":'
            + orjson.dumps(
                {"sellerId": context.amazon_seller_id, "version": "2.0", "issueLocale": language_tag(context.locale)}
            )
            + b',"messages":[\n'
        )
        messages = _Messages(documents, header, limit)
        listed = SortedSkuFile(documents.directory / SKU_FILE)
        shared = PerProduct(product_parts)
        updates = 0
        for item in items:
            messages.add(message(messages.next_id(), item, context, shared(item, context)))
            listed.add(item.variant.sku)
            updates += 1
        listed.finish()
        for sku in leaving(context.previous_skus, read_skus(listed.path)):
            messages.add(orjson.dumps({"messageId": messages.next_id(), "sku": sku, "operationType": "DELETE"}))
            messages.deletes += 1
            context.deletes_written += 1
        messages.close()
        return updates
