"""The channels demo: six channels, listings with channel prices, German texts, and a few products left
deliberately not ready for Google or Amazon, so the admin shows real work to do. Safe to run again."""

from decimal import Decimal
from typing import TextIO

from django.db import transaction
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from catalog.demo.loader import curated_slugs
from catalog.models import Product
from catalog.money import quantize
from channels.models import Channel, ProductListing, ProductTranslation, VariantListing

SHOP = "https://shop.example.com"
CHANNELS = [
    dict(
        code="web",
        name="Web shop",
        kind="storefront",
        currency="USD",
        default_locale="en-US",
        country="US",
        product_url_template=f"{SHOP}/p/{{slug}}?sku={{sku}}",
    ),
    dict(
        code="pos",
        name="Stores (POS)",
        kind="pos",
        currency="USD",
        default_locale="en-US",
        country="US",
        product_url_template="",
    ),
    dict(
        code="google-us",
        name="Google Shopping US",
        kind="google",
        currency="USD",
        default_locale="en-US",
        country="US",
        product_url_template=f"{SHOP}/p/{{slug}}?sku={{sku}}&utm_source=google",
    ),
    dict(
        code="meta-us",
        name="Meta US",
        kind="meta",
        currency="USD",
        default_locale="en-US",
        country="US",
        product_url_template=f"{SHOP}/p/{{slug}}?sku={{sku}}&utm_source=meta",
    ),
    dict(
        code="amazon-us",
        name="Amazon US",
        kind="amazon",
        currency="USD",
        default_locale="en-US",
        country="US",
        product_url_template=f"{SHOP}/p/{{slug}}?sku={{sku}}",
    ),
    dict(
        code="web-de",
        name="Webshop DE",
        kind="storefront",
        currency="EUR",
        default_locale="de-DE",
        country="DE",
        product_url_template="https://shop.example.de/p/{slug}?sku={sku}",
    ),
]
EUR_PER_USD = Decimal("0.92")  # the demo's own EUR price list, set by the merchant, not a live conversion
GERMAN_WORDS = {
    "Shirt": "Hemd",
    "T-Shirt": "T-Shirt",
    "Jacket": "Jacke",
    "Sneaker": "Sneaker",
    "Boots": "Stiefel",
    "Pan": "Pfanne",
    "Pot": "Topf",
    "Hoodie": "Kapuzenpullover",
    "Sweater": "Pullover",
    "Dress": "Kleid",
    "Bed": "Bett",
    "Lamp": "Lampe",
    "Chair": "Stuhl",
    "Table": "Tisch",
    "Backpack": "Rucksack",
}


def load_channels_demo(stdout: TextIO) -> dict[str, int]:
    # Every listing row saved would re-index the whole product's references (most of the time spent);
    # they are indexed once per product after the loop instead.
    listed: list[Product] = []
    with transaction.atomic(), disable_reference_index_auto_update():
        channels = {spec["code"]: _ensure_channel(spec) for spec in CHANNELS}
        products = list(
            Product.objects.filter(slug__in=curated_slugs(), has_unpublished_changes=False)
            .prefetch_related("variants", "channel_listings", "translations")
            .order_by("pk")
        )
        changed = 0
        for index, product in enumerate(products):
            if _list_product(index, product, channels):
                changed += 1
                # A new revision holds the listings, so the editor (which opens the latest revision) sees them.
                fresh = Product.objects.get(pk=product.pk)  # not the prefetched one: its child caches are stale
                revision = fresh.save_revision(log_action=False)
                if fresh.live:
                    revision.publish()
                listed.append(fresh)
        for product in listed:
            ReferenceIndex.create_or_update_for_object(product)
    stdout.write(
        f"Channels demo: {len(channels)} channels; {changed} products listed, "
        f"{len(products) - changed} already listed.\n"
    )
    return {"channels": len(channels), "listed": changed}


def _ensure_channel(spec: dict) -> Channel:
    channel, _ = Channel.objects.get_or_create(code=spec["code"], defaults=spec)
    return channel


def _list_product(index: int, product: Product, channels: dict[str, Channel]) -> bool:
    """Listings, prices and texts for one product where they are missing; True when something was added."""
    listed = {listing.channel_id for listing in product.channel_listings.all()}
    # Half the catalog is not sold in Germany.
    wanted = {code: channel for code, channel in channels.items() if not (code == "web-de" and index % 2)}
    missing = {code: channel for code, channel in wanted.items() if channel.pk not in listed}
    if not missing:
        return False
    variants = [variant for variant in product.variants.all() if variant.active]
    for code, channel in missing.items():
        ProductListing.objects.create(product=product, channel=channel, **_listing_fields(index, code, product))
        if code == "google-us" and index == 1:
            continue  # deliberately not ready for Google: no Google prices yet
        for variant in variants:
            VariantListing.objects.create(
                product=product,
                channel=channel,
                sku=variant.sku,
                currency=channel.currency,
                price=_price(variant.price, channel.currency),
                sale_price=_price(variant.price * Decimal("0.8"), channel.currency) if index % 5 == 0 else None,
            )
    if "web-de" in missing and not product.translations.all():
        ProductTranslation.objects.create(
            product=product,
            locale="de-DE",
            title=_german(product.title),
            summary=f"{_german(product.title)} – sorgfältig ausgewählt für den Alltag.",
        )
    return True


def _listing_fields(index: int, code: str, product: Product) -> dict:
    fields: dict = {}
    if code in ("google-us", "meta-us", "amazon-us"):
        fields["attributes"] = {"condition": "new"}
    if code == "google-us" and index == 3:
        # Deliberately not ready: an apparel category without gender and age group.
        fields["channel_category"] = "1604"
    if code == "amazon-us" and index not in (2, 4):
        # Deliberately not ready (products 2 and 4): no Amazon product type.
        fields["channel_category"] = product.product_type.slug.upper().replace("-", "_")
    if code == "amazon-us" and index == 0:
        fields["title"] = f"{product.title} by {product.brand}" if product.brand_id else product.title
    return fields


def _price(amount: Decimal, currency: str) -> Decimal:
    return quantize(amount * EUR_PER_USD if currency == "EUR" else amount, currency)


def _german(title: str) -> str:
    return " ".join(GERMAN_WORDS.get(word, word) for word in title.split())
