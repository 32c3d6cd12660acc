"""Reads for channels: visibility, the named prefetch bundle, and look-ups that must be fast."""

from collections import defaultdict, namedtuple
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import islice
from types import SimpleNamespace

from django.db import connection
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Cast, Coalesce
from django.db.models.query import ModelIterable
from django.utils import timezone

from catalog.models import Category, Product, ProductImage, ProductTypeAttribute, StockLevel, Variant
from catalog.models.product import ProductQuerySet
from channels.bulk import (
    EMPTY,
    LISTING_FIELDS,
    PRODUCT_COLUMNS,
    TRANSLATION_FIELDS,
    VARIANT_COLUMNS,
    VARIANT_LISTING_FIELDS,
    Rows,
    channel_children,
    load_children,
    product_from_row,
    text_language,
    variant_stock,
)
from channels.models import (
    Channel,
    ProductListing,
    VariantListing,
)
from channels.resolved import ResolvedProduct, ResolvedVariant
from channels.resolver import STOCK_ANNOTATION, resolve_many
from hub.converters import json_loads
from hub.prefetch import cache_related
from hub.prepared import prepared_cursor
from hub.statements import Texts, rows_for

_ITERATOR_CHUNK = 2000


def channels_listing_types(type_ids: Iterable[int]) -> list[int]:
    """The active channels listing a product of these types."""
    listings = ProductListing.objects.filter(channel__active=True, product__product_type_id__in=list(type_ids))
    return list(listings.values_list("channel_id", flat=True).distinct())


def visible_in(
    channel: Channel, queryset: QuerySet | None = None, *, at: datetime | None = None, after: int | None = None
) -> QuerySet:
    """Products that reach the channel: live, listing published there, inside its availability window.

    `after`: only products with a greater id (keyset pagination). The bound is put on the listings as well:
    PostgreSQL does not carry it across to the table it joins, and read the listings of every product before
    `after` for each page (55 ms for a page at the 50,000th product, instead of 0.7 ms)."""
    queryset = Product.objects.all() if queryset is None else queryset
    listings = ProductListing.objects.visible(channel, at=at or timezone.now()).filter(product=OuterRef("pk"))
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
        listings = listings.filter(product_id__gt=after)
    return queryset.filter(Exists(listings), live=True)


class ProductBundleQuerySet(ProductQuerySet):
    """Products that load everything the resolver reads when the queryset is evaluated (`attach_bundle`).

    The children are read with one plain query per relation keyed by product id and put where Django's
    prefetching puts them, so `product.variants.all()` & co. serve them. Going through Django's
    `prefetch_related` instead would send every ParentalKey relation through modelcluster's manager, which
    filters `product__in=<instances>` and costs more than the queries themselves.
    """

    _bundle: tuple[Channel | None, str | None] | None = None  # (channel, locale)

    def _clone(self):
        clone = super()._clone()
        clone._bundle = self._bundle
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._bundle is not None and self._iterable_class is ModelIterable:
            attach_bundle(self._result_cache, *self._bundle)

    def _iterator(self, use_chunked_fetch, chunk_size):
        rows = super()._iterator(use_chunked_fetch, chunk_size)
        if self._bundle is None or self._iterable_class is not ModelIterable:
            yield from rows
            return
        while chunk := list(islice(rows, chunk_size or _ITERATOR_CHUNK)):
            attach_bundle(chunk, *self._bundle)
            yield from chunk


def prefetch_bundle(queryset: QuerySet, channel: Channel | None = None, locale: str | None = None) -> QuerySet:
    """Everything the resolver reads, in a fixed number of queries whatever the children.

    With a channel, only that channel's rows and locale's texts are fetched (the API and feeds); without,
    every channel's rows (bulk completeness over all channels). The result is still a queryset (filter,
    order, slice it as usual); the children are loaded when it is evaluated.
    """
    bundle = queryset.select_related("brand", "product_type")
    if not isinstance(bundle, ProductBundleQuerySet):
        bundle.__class__ = ProductBundleQuerySet  # a fresh clone of a Product queryset: same state, one more step
    bundle._bundle = (channel, locale)
    return bundle


def attach_bundle(products: Sequence[Product], channel: Channel | None = None, locale: str | None = None) -> None:
    """Load the resolver's relations for products already fetched (brand and type selected with them).

    One query per relation (variants with their stock, images, categories, attribute links, listings,
    variant listings, channel images, translations), whatever the number of products and children.
    """
    by_id: dict[int, list[Product]] = defaultdict(list)
    for product in products:
        if product.pk is not None:
            by_id[product.pk].append(product)
    if not by_id:
        return
    ids = list(by_id)

    variants = Variant.objects.filter(product_id__in_ids=ids).annotate(**{STOCK_ANNOTATION: variant_stock()})
    listings, variant_listings, channel_images, translations = channel_children(ids, channel, locale)

    _attach(by_id, "variants", variants.order_by("sort_order", "pk"))
    _attach(by_id, "channel_listings", listings)
    _attach(by_id, "variant_listings", variant_listings)
    _attach(by_id, "translations", translations)
    _attach(by_id, "images", ProductImage.objects.filter(product_id__in_ids=ids).select_related("image"))
    _attach(by_id, "channel_images", channel_images.select_related("image"))
    categories = Category.objects.filter(products__in=ids).annotate(_bundle_product_id=F("products"))
    _attach_rows(by_id, "categories", _grouped(categories, "_bundle_product_id"))
    _attach_attribute_links(products)


def _grouped(rows: Iterable, key: str) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _attach(by_id: dict[int, list[Product]], name: str, queryset: QuerySet) -> None:
    """Children of a ParentalKey relation, grouped by product id, with their `product` set (no query)."""
    field = Product._meta.get_field(name).field  # the ParentalKey on the child
    rows = _grouped(queryset, field.attname)
    for product_id, children in rows.items():
        product = by_id[product_id][0]
        for child in children:
            field.set_cached_value(child, product)
    _attach_rows(by_id, name, rows)


def _attach_rows(by_id: dict[int, list[Product]], name: str, rows: dict[int, list]) -> None:
    relation = Product._meta.get_field(name)
    model = relation.related_model
    lookup = relation.related_query_name() if relation.many_to_many else relation.field.name
    for product_id, products in by_id.items():
        children = rows.get(product_id, [])
        for product in products:
            cache_related(product, name, model, {lookup: product_id}, children)


def _attach_attribute_links(products: Sequence[Product]) -> None:
    """The attribute links of the products' types, one query for all types."""
    types = [product.product_type for product in products if Product.product_type.is_cached(product)]
    types = [product_type for product_type in types if product_type is not None]
    if not types:
        return
    queryset = ProductTypeAttribute.objects.filter(product_type_id__in={item.pk for item in types})
    links = _grouped(queryset.select_related("attribute").order_by("sort_order", "pk"), "product_type_id")
    for product_type in types:
        cache_related(
            product_type,
            "attribute_links",
            ProductTypeAttribute,
            {"product_type": product_type.pk},
            links.get(product_type.pk, []),
        )


def resolve_products(queryset: QuerySet, channel: Channel, locale: str | None = None) -> list[ResolvedProduct]:
    """A page of products resolved for the channel, in the bundle's constant number of queries."""
    return resolve_many(prefetch_bundle(queryset, channel, locale), channel, locale)


def resolve_variant_by_sku(
    channel: Channel, sku: str, locale: str | None = None
) -> tuple[ResolvedProduct, ResolvedVariant] | None:
    """The live product and variant of a SKU as the channel sees them (the content API's variant look-up).

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


def resolve_variants_by_skus(
    channel: Channel, skus: Iterable[str], locale: str | None = None
) -> dict[str, tuple[ResolvedProduct, ResolvedVariant]]:
    """Many SKUs resolved for the channel at once, for pricing carts and orders: the same answer per SKU as
    `resolve_variant_by_sku` (price, sale, sellable, stock, title, options) in a constant number of queries.

    Lean: the products come without images, categories and attributes (empty), which pricing never reads;
    everything else is the one resolver's, so nothing here falls back on its own. A SKU that is missing,
    inactive or of a product that is not live is absent from the result.

    On PostgreSQL the products and the children the resolver reads come in one statement
    (`_lean_products_in_one_statement`); elsewhere the loader's five (`channels.bulk.load_children`).
    """
    wanted = {sku for sku in skus if sku}
    if not wanted:
        return {}
    if connection.vendor == "postgresql":
        products = _lean_products_in_one_statement(sorted(wanted), channel, locale)
    else:
        rows = rows_for(("products-by-skus",), _live_products_with_skus, Texts(sorted(wanted)))
        products = load_children([product_from_row(row) for row in rows], channel=channel, locale=locale, lean=True)
    found: dict[str, tuple[ResolvedProduct, ResolvedVariant]] = {}
    for resolved in resolve_many(products, channel, locale):
        for variant in resolved.variants:
            if variant.sku in wanted:
                found[variant.sku] = (resolved, variant)
    return found


def _live_products_with_skus(skus: Texts) -> QuerySet:
    """Live products with an active variant of these SKUs (compiled once: every cart and checkout prices)."""
    variants = Variant.objects.filter(product=OuterRef("pk"), sku__in_texts=list(skus), active=True)
    return Product.objects.filter(Exists(variants), live=True).order_by().values_list(*PRODUCT_COLUMNS)


# ---- the lean load in one PostgreSQL statement -----------------------------------------------------------
#
# What `_live_products_with_skus` and `load_children(..., lean=True)` read, as one statement: a row per live
# product with an active variant of the SKUs, its variants (with their stock), the channel's listing and variant
# listings and its language's translations each as one JSON array beside it. Every cart and checkout prices its
# lines, and the five statements cost more than the rows: measured per call (one SKU, medians of 500), 0.6 ms of
# Python and 0.7-0.9 ms of PostgreSQL CPU for the five, 0.15 ms and 0.6 ms for this one. The stand-ins are the
# loader's (same fields, values and types: tests/orders/test_lean_products.py compares them), so the resolver sees
# no difference. SQLite keeps the loader's five.
# Numeric columns travel as text (exact Decimals), timestamps as ISO 8601 in the session's zone (UTC).
_LEAN_PRODUCTS_SQL = """
SELECT p.id, p.slug, p.live, p.title, p.summary, p.description, p.attributes, p.brand_id, p.product_type_id,
    p.updated_at, brand.name, brand.slug, product_type.name, product_type.slug,
    (SELECT json_agg(json_build_array(v.id, v.product_id, v.sku, v.gtin, v.mpn, v.options, v.weight::text,
            v.weight_unit, v.active, v.sort_order,
            COALESCE((SELECT SUM(s.on_hand - s.reserved) FROM catalog_stocklevel s WHERE s.variant_id = v.id), 0))
            ORDER BY v.sort_order)::text
        FROM catalog_variant v WHERE v.product_id = p.id),
    (SELECT json_agg(json_build_array(l.product_id, l.channel_id, l.published, l.available_from, l.available_until,
            l.title, l.summary, l.description, l.channel_category, l.attributes))::text
        FROM channels_productlisting l WHERE l.product_id = p.id AND l.channel_id = %(channel)s),
    (SELECT json_agg(json_build_array(vl.product_id, vl.channel_id, vl.sku, vl.published, vl.currency,
            vl.price::text, vl.sale_price::text, vl.sale_start, vl.sale_end, vl.availability,
            vl.availability_date))::text
        FROM channels_variantlisting vl WHERE vl.product_id = p.id AND vl.channel_id = %(channel)s),
    (SELECT json_agg(json_build_array(t.product_id, t.locale, t.title, t.summary, t.description))::text
        FROM channels_producttranslation t WHERE t.product_id = p.id
        AND (UPPER(t.locale) = UPPER(%(language)s) OR starts_with(UPPER(t.locale), UPPER(%(language)s || '-'))))
FROM (SELECT DISTINCT product_id FROM catalog_variant WHERE active AND sku = ANY(%(skus)s)) AS wanted
JOIN catalog_product p ON p.id = wanted.product_id
LEFT JOIN catalog_brand brand ON brand.id = p.brand_id
JOIN catalog_producttype product_type ON product_type.id = p.product_type_id
WHERE p.live
"""
_VariantRow = namedtuple("Row", VARIANT_COLUMNS)  # noqa: PYI024 (the loader's row type, by its field names)
_ListingRow = namedtuple("Row", LISTING_FIELDS)  # noqa: PYI024
_VariantListingRow = namedtuple("Row", VARIANT_LISTING_FIELDS)  # noqa: PYI024
_TranslationRow = namedtuple("Row", TRANSLATION_FIELDS)  # noqa: PYI024


def _lean_products_in_one_statement(skus: list[str], channel: Channel, locale: str | None) -> list[SimpleNamespace]:
    """The stand-ins `load_children(..., lean=True)` makes for the live products of these SKUs, in one statement."""
    language = text_language(channel, locale)  # the loader's rule
    with prepared_cursor() as cursor:
        cursor.execute(_LEAN_PRODUCTS_SQL, {"skus": skus, "channel": channel.pk, "language": language})
        rows = cursor.fetchall()
    return [_lean_product(row) for row in rows]


def _lean_product(row: tuple) -> SimpleNamespace:
    attributes = _json(row[6])
    product = product_from_row((*row[:6], attributes, *row[7 : len(PRODUCT_COLUMNS)]))
    variants, listings, variant_listings, translations = (_json(value) or () for value in row[len(PRODUCT_COLUMNS) :])
    if product.product_type is not None:
        product.product_type.attribute_links = EMPTY
    product.variants = _rows(_VariantRow._make((*value[:6], _decimal(value[6]), *value[7:])) for value in variants)
    product.channel_listings = _rows(
        _ListingRow._make((*value[:3], _datetime(value[3]), _datetime(value[4]), *value[5:])) for value in listings
    )
    product.variant_listings = _rows(_variant_listing(value) for value in variant_listings)
    product.translations = _rows(_TranslationRow._make(value) for value in translations)
    product.images = product.categories = product.channel_images = EMPTY
    return product


def _variant_listing(value: list) -> tuple:
    """price and sale price (5, 6), sale start and end (7, 8) and the availability date (10) typed as Django's."""
    prices = (_decimal(value[5]), _decimal(value[6]))
    return _VariantListingRow._make(
        (*value[:5], *prices, _datetime(value[7]), _datetime(value[8]), value[9], _datetime(value[10]))
    )


def _rows(items: Iterable) -> Rows:
    return Rows(items) or EMPTY


def _json(text: str | None):
    return None if text is None else json_loads(text)  # as Django's JSONField reads it


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _datetime(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


# SQL twins of the resolver's unit price and availability, for filtering and sorting in the database
# (the values shown always come from the resolver); kept here, beside visible_in, so the rule has one home.


def channel_unit_price(channel: Channel, at: datetime):
    """The lowest unit price (sale price inside its window, else price) of the channel's sellable rows.

    A float, used only to filter and sort (never shown): the prices shown come from the resolver.
    """
    active = Variant.objects.filter(product=OuterRef("product"), sku=OuterRef("sku"), active=True)
    on_sale = (
        Q(sale_price__isnull=False)
        & (Q(sale_start__isnull=True) | Q(sale_start__lte=at))
        & (Q(sale_end__isnull=True) | Q(sale_end__gt=at))
    )
    rows = (
        _sold_rows_of(channel)
        .filter(price__isnull=False)
        .filter(Exists(active))
        .annotate(unit=Cast(Case(When(on_sale, then=F("sale_price")), default=F("price")), FloatField()))
        .order_by("unit")
        .values("unit")[:1]
    )
    return Subquery(rows, output_field=FloatField())


def _sold_rows_of(channel: Channel) -> QuerySet:
    return VariantListing.objects.filter(product=OuterRef("pk"), channel=channel, published=True).filter(
        Q(currency=channel.currency) | Q(currency="")
    )


def in_stock_on(channel: Channel) -> Exists:
    """Some published variant is in stock (override, or stock when there is none), as the resolver says."""
    stock = (
        StockLevel.objects.filter(variant__product=OuterRef("product"), variant__sku=OuterRef("sku"))
        .values("variant")
        .annotate(total=Sum(F("on_hand") - F("reserved")))
        .values("total")[:1]
    )
    active = Variant.objects.filter(product=OuterRef("product"), sku=OuterRef("sku"), active=True)
    rows = (
        _sold_rows_of(channel)
        .filter(Exists(active))
        .annotate(stock=Coalesce(Subquery(stock), 0))
        .filter(Q(availability="in_stock") | Q(availability="", stock__gt=0))
    )
    return Exists(rows)
