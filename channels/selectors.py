"""Reads for channels: visibility, the named prefetch bundle, and look-ups that must be fast."""

from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import Product, ProductImage, ProductTypeAttribute, Variant
from channels.models import (
    Channel,
    ChannelCompleteness,
    ProductListing,
    ProductListingImage,
    ProductTranslation,
    VariantListing,
)
from channels.resolved import ResolvedProduct, ResolvedVariant
from channels.resolver import STOCK_ANNOTATION, resolve_many


def visible_in(channel: Channel, queryset: QuerySet | None = None, *, at: datetime | None = None) -> QuerySet:
    """Products that reach the channel: live, listing published there, inside its availability window."""
    queryset = Product.objects.all() if queryset is None else queryset
    listings = ProductListing.objects.visible(channel, at=at or timezone.now()).filter(product=OuterRef("pk"))
    return queryset.filter(Exists(listings), live=True)


def prefetch_bundle(queryset: QuerySet, channel: Channel | None = None, locale: str | None = None) -> QuerySet:
    """Everything the resolver reads, in a fixed number of queries whatever the children.

    With a channel, only that channel's rows and locale's texts are fetched (the API and feeds); without,
    every channel's rows (bulk completeness over all channels).
    """
    listings = ProductListing.objects.all()
    variant_listings = VariantListing.objects.all()
    channel_images = ProductListingImage.objects.select_related("image").order_by("sort_order", "pk")
    translations = ProductTranslation.objects.all()
    if channel is not None:
        listings = listings.filter(channel=channel)
        variant_listings = variant_listings.filter(channel=channel)
        channel_images = channel_images.filter(channel=channel)
        language = (locale or channel.default_locale).split("-")[0]
        translations = translations.filter(Q(locale__iexact=language) | Q(locale__istartswith=f"{language}-"))
    stock = Coalesce(Sum(F("stock_levels__on_hand") - F("stock_levels__reserved")), 0)
    return queryset.select_related("brand", "product_type").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.annotate(**{STOCK_ANNOTATION: stock}).order_by("sort_order")),
        Prefetch("images", queryset=ProductImage.objects.select_related("image").order_by("sort_order", "pk")),
        "categories",
        Prefetch(
            "product_type__attribute_links",
            queryset=ProductTypeAttribute.objects.select_related("attribute").order_by("sort_order"),
        ),
        Prefetch("channel_listings", queryset=listings),
        Prefetch("variant_listings", queryset=variant_listings),
        Prefetch("channel_images", queryset=channel_images),
        Prefetch("translations", queryset=translations),
    )


def products_for_channel(channel: Channel, locale: str | None = None, *, at: datetime | None = None) -> QuerySet:
    """The channel's visible products, ready to resolve (the content API and feeds start here)."""
    return prefetch_bundle(visible_in(channel, at=at), channel, locale)


def resolve_products(queryset: QuerySet, channel: Channel, locale: str | None = None) -> list[ResolvedProduct]:
    """A page of products resolved for the channel, in the bundle's constant number of queries."""
    return resolve_many(prefetch_bundle(queryset, channel, locale), channel, locale)


def resolve_variant_by_sku(
    channel: Channel, sku: str, locale: str | None = None
) -> tuple[ResolvedProduct, ResolvedVariant] | None:
    """The live product and variant of a SKU as the channel sees them (the order module prices from it).

    None when no active variant of a live product has the SKU. A variant that exists but cannot be sold on
    the channel comes back with `sellable=False`, so callers can say why.
    """
    queryset = Product.objects.filter(live=True, variants__sku=sku, variants__active=True)
    product = prefetch_bundle(queryset, channel, locale).first()
    if product is None:
        return None
    resolved = resolve_many([product], channel, locale)[0]
    variant = resolved.variant(sku)
    return (resolved, variant) if variant is not None else None


def readiness_by_channel() -> list[dict]:
    """Per active channel: how many listed products are ready (no errors) and how many are not. One query."""
    counts = {
        row["channel_id"]: row
        for row in ChannelCompleteness.objects.filter(channel__active=True)
        .values("channel_id")
        .annotate(ready=Count("pk", filter=Q(error_count=0)), not_ready=Count("pk", filter=Q(error_count__gt=0)))
    }
    return [
        {
            "channel": channel,
            "ready": counts.get(channel.pk, {}).get("ready", 0),
            "not_ready": counts.get(channel.pk, {}).get("not_ready", 0),
        }
        for channel in Channel.objects.filter(active=True).order_by("name")
    ]


def readiness_for_products(product_ids: list[int]) -> dict[int, dict[int, ChannelCompleteness]]:
    """Stored completeness by product id, then channel id, for a page of products (one query)."""
    result: dict[int, dict[int, ChannelCompleteness]] = {pk: {} for pk in product_ids}
    rows = ChannelCompleteness.objects.filter(product_id__in=product_ids, channel__active=True).defer("issues")
    for row in rows:
        result[row.product_id][row.channel_id] = row
    return result


def not_ready_for(queryset: QuerySet, channel: Channel) -> QuerySet:
    """Products listed on the channel whose stored completeness has errors."""
    errors = ChannelCompleteness.objects.filter(product=OuterRef("pk"), channel=channel, error_count__gt=0)
    return queryset.filter(Exists(errors))
