"""The plain-row product loader: what the resolver reads, for many products, without model instances.

Feeds (a whole catalog, chunk by chunk), content API pages and the completeness recompute read products
in bulk. Building ORM instances for a product and its ~30 children costs far more than the queries, so
this reads the same relations with `values_list` into light stand-ins that offer what the resolver reads
(attributes and `.all()` on relations): nine queries per call, whatever the number of products. Each is
compiled once and run again with other product ids (`hub.statements`), since building a queryset cost more
than running it.
The resolver itself is unchanged: one fallback logic. Images are rows too (`media.rows.ImageRow`), which
make their model instance only when a rendition must be made from it.

The tables hold the live product (drafts live in revisions), so these are live products; the completeness
recompute leaves out products with an unpublished draft (`skip_drafted`) and resolves their revision instead.
Single reads that must also see drafts (preview, the editor) use `selectors.prefetch_bundle`.
"""

import gc
from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from types import SimpleNamespace

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from catalog.models import Product, ProductImage, ProductTypeAttribute, StockLevel
from catalog.models import Variant as VariantModel
from channels.models import Channel, ProductListing, ProductListingImage, ProductTranslation, VariantListing
from channels.resolver import STOCK_ANNOTATION
from hub.prefetch import columns
from hub.statements import rows_for_ids
from media.models import CustomImage
from media.rows import image_row

PRODUCT_FIELDS = (
    "pk",
    "slug",
    "live",
    "title",
    "summary",
    "description",
    "attributes",
    "brand_id",
    "product_type_id",
    "updated_at",
)
PRODUCT_COLUMNS = (*PRODUCT_FIELDS, "brand__name", "brand__slug", "product_type__name", "product_type__slug")
VARIANT_FIELDS = ("pk", "product_id", "sku", "gtin", "mpn", "options", "weight", "weight_unit", "active", "sort_order")
VARIANT_COLUMNS = (*VARIANT_FIELDS, STOCK_ANNOTATION)
LISTING_FIELDS = (
    "product_id",
    "channel_id",
    "published",
    "available_from",
    "available_until",
    "title",
    "summary",
    "description",
    "channel_category",
    "attributes",
)
VARIANT_LISTING_FIELDS = (
    "product_id",
    "channel_id",
    "sku",
    "published",
    "currency",
    "price",
    "sale_price",
    "sale_start",
    "sale_end",
    "availability",
    "availability_date",
)
TRANSLATION_FIELDS = ("product_id", "locale", "title", "summary", "description")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a bulk job with Python's cyclic garbage collector paused; `batch_done()` collects between batches.

    Use it as a `with` block around the whole job (so an error ends the pause too) and call
    `batch_done()` after each batch.

    A feed build allocates millions of short-lived objects, and the collector's automatic passes (one per
    few hundred allocations) each walk the tracked objects of their generations, the whole process's for
    the oldest: measured on a 10k-product feed, they took about 40% of the load and resolve time. Reference
    counting still frees nearly everything at once. The objects that exist when the job starts (Django,
    Wagtail, their caches) are frozen, so a collection between batches walks only the job's own objects,
    which keeps memory flat at a fraction of the cost.
    """
    global _batches_since_collection  # noqa: PLW0603 - one count for the one collector
    was_enabled = gc.isenabled()
    gc.freeze()  # collects nothing itself: what exists now is set aside, so a job starts with a clean count
    gc.disable()
    _batches_since_collection = 0
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


# When `batch_done` collects. A pass walks every object the job holds, a whole chunk's (about 35,000 for 500
# products: 5 ms, 5% of a Meta build), and finds next to nothing: a feed build makes no reference cycles (none in
# the 20 chunks of a 10k-product build, in each format), so reference counting frees each chunk as it goes.
# So a pass runs once the objects allocated and not yet freed since the last one (`gc.get_count()[0]`: the live
# chunks and any uncollected garbage) pass UNCOLLECTED_LIMIT, and at least every COLLECT_EVERY batches, which
# bounds what a few cycles holding large values could keep.
UNCOLLECTED_LIMIT = 100_000
COLLECT_EVERY = 50
_batches_since_collection = 0


def batch_done() -> None:
    """Inside `collector_paused`: collect the finished batches' reference cycles when due (see
    UNCOLLECTED_LIMIT). Outside it the automatic collector is running, and this does nothing."""
    global _batches_since_collection  # noqa: PLW0603 - one count for the one collector
    if gc.isenabled():
        return
    _batches_since_collection += 1
    if gc.get_count()[0] > UNCOLLECTED_LIMIT or _batches_since_collection >= COLLECT_EVERY:
        gc.collect()
        _batches_since_collection = 0


class Rows(list):
    """A list that answers `.all()`, as a prefetched relation does."""

    def all(self):
        return self


EMPTY = Rows()


@cache
def _row_type(names: tuple[str, ...]) -> type:
    """A read-only row with these attribute names: made from a fetched tuple in C, unlike a SimpleNamespace
    (a dict per row), which was the loader's biggest single cost on an API page."""
    return namedtuple("Row", names)  # noqa: PYI024 (the names are only known here)


def _rows_of(rows: Iterable[tuple], names: tuple[str, ...]) -> list:
    return list(map(_row_type(names)._make, rows))


def _by(items, key: str) -> dict:
    grouped = defaultdict(Rows)
    for item in items:
        grouped[getattr(item, key)].append(item)
    return grouped


def variant_stock() -> Coalesce:
    """A variant's stock, on hand minus reserved over all locations, as an annotation (0 without rows)."""
    stock = (
        StockLevel.objects.filter(variant=OuterRef("pk"))
        .order_by()
        .values("variant")
        .annotate(total=Sum(F("on_hand") - F("reserved")))
        .values("total")
    )
    return Coalesce(Subquery(stock), 0)


def channel_children(
    product_ids: list[int], channel: Channel | None, locale: str | None
) -> tuple[QuerySet, QuerySet, QuerySet, QuerySet]:
    """Listings, variant listings, channel images and translations of these products: every channel's, or
    only the channel's and the texts of its locale's language (what resolving for one channel reads)."""
    listings = ProductListing.objects.filter(product_id__in_ids=product_ids)
    variant_listings = VariantListing.objects.filter(product_id__in_ids=product_ids)
    channel_images = ProductListingImage.objects.filter(product_id__in_ids=product_ids)
    translations = ProductTranslation.objects.filter(product_id__in_ids=product_ids)
    if channel is not None:
        listings = listings.filter(channel=channel)
        variant_listings = variant_listings.filter(channel=channel)
        channel_images = channel_images.filter(channel=channel)
        language = text_language(channel, locale)
        translations = translations.filter(Q(locale__iexact=language) | Q(locale__istartswith=f"{language}-"))
    return listings, variant_listings, channel_images, translations


def load_products(
    products: QuerySet | Iterable[int],
    *,
    channel: Channel | None = None,
    locale: str | None = None,
    skip_drafted: bool = False,
    lean: bool = False,
) -> list[SimpleNamespace]:
    """Stand-ins for these products, ready for `resolver.resolve_many`, in nine queries whatever their number.

    `products` is a queryset of products (filtered, ordered and sliced by the caller: its order is kept, and
    it is the first of the nine queries) or product ids (their order is kept). With a channel, only that
    channel's listings, prices and images and the texts of its locale's language are read (a feed, an API
    page); without, every channel's (the completeness recompute). `lean` reads only what prices and sells a
    variant (five queries: no images, categories or attributes), for carts and checkout.
    """
    if isinstance(products, QuerySet):
        queryset = products.filter(has_unpublished_changes=False) if skip_drafted else products
        loaded = [product_from_row(row) for row in queryset.values_list(*PRODUCT_COLUMNS)]
    else:
        wanted = list(dict.fromkeys(products))
        by_pk = {row[0]: product_from_row(row) for row in _product_rows(wanted, skip_drafted)}
        loaded = [by_pk[pk] for pk in wanted if pk in by_pk]
    return load_children(loaded, channel=channel, locale=locale, lean=lean)


def load_children(
    loaded: list[SimpleNamespace], *, channel: Channel | None = None, locale: str | None = None, lean: bool = False
) -> list[SimpleNamespace]:
    """Give product stand-ins (`product_from_row`) their children, in eight queries (four when lean), as
    `load_products` describes."""
    ids = [product.pk for product in loaded]
    if not ids:
        return []

    scope = (channel.pk, text_language(channel, locale)) if channel is not None else None

    def channel_rows(index: int) -> Callable[[list[int]], QuerySet]:
        """Listings (0), variant listings (1), channel images (2) or translations (3) of the scope."""
        return lambda some: channel_children(some, channel, locale)[index]

    def read(name: str, build: Callable[[list[int]], QuerySet], names: tuple[str, ...]) -> dict[int, Rows]:
        rows = rows_for_ids((name, scope), lambda some: build(some).values_list(*names), ids)
        return _by(_rows_of(rows, names), "product_id")

    variants = read("variants", _variants, VARIANT_COLUMNS)
    listings = read("listings", channel_rows(0), LISTING_FIELDS)
    variant_listings = read("variant_listings", channel_rows(1), VARIANT_LISTING_FIELDS)
    translations = read("translations", channel_rows(3), TRANSLATION_FIELDS)
    if lean:
        images = channel_images = categories = attribute_links = {}
    else:
        images = _by(_with_images(("images", None), _product_images, ("role",), ids), "product_id")
        channel_images = _by(
            _with_images(("channel_images", scope), channel_rows(2), ("channel_id",), ids), "product_id"
        )
        categories = _categories(ids)
        attribute_links = _attribute_links({product.product_type_id for product in loaded} - {None})

    for product in loaded:
        pk = product.pk
        if product.product_type is not None:
            product.product_type.attribute_links = attribute_links.get(product.product_type_id, EMPTY)
        product.variants = variants.get(pk, EMPTY)
        product.images = images.get(pk, EMPTY)
        product.categories = categories.get(pk, EMPTY)
        product.channel_listings = listings.get(pk, EMPTY)
        product.variant_listings = variant_listings.get(pk, EMPTY)
        product.channel_images = channel_images.get(pk, EMPTY)
        product.translations = translations.get(pk, EMPTY)
    return loaded


def product_from_row(row: tuple) -> SimpleNamespace:
    """A product stand-in from a row of PRODUCT_COLUMNS, with its brand and product type."""
    product = SimpleNamespace(**dict(zip(PRODUCT_FIELDS, row, strict=False)))
    brand_name, brand_slug, type_name, type_slug = row[len(PRODUCT_FIELDS) :]
    product.brand = SimpleNamespace(pk=product.brand_id, name=brand_name, slug=brand_slug) if product.brand_id else None
    product.product_type = (
        SimpleNamespace(pk=product.product_type_id, name=type_name, slug=type_slug) if product.product_type_id else None
    )
    return product


def text_language(channel: Channel, locale: str | None) -> str:
    """The language whose texts a read for this channel and locale needs (de for de-CH)."""
    return (locale or channel.default_locale).split("-")[0].lower()


def _product_rows(ids: list[int], skip_drafted: bool) -> list[tuple]:
    def build(some: list[int]) -> QuerySet:
        queryset = Product.objects.filter(pk__in_ids=some).order_by()
        if skip_drafted:
            queryset = queryset.filter(has_unpublished_changes=False)
        return queryset.values_list(*PRODUCT_COLUMNS)

    return rows_for_ids(("products", skip_drafted), build, ids)


def _variants(ids: list[int]) -> QuerySet:
    """Variants with their stock (on hand minus reserved over all locations) in the same query."""
    return VariantModel.objects.filter(product_id__in_ids=ids).annotate(**{STOCK_ANNOTATION: variant_stock()})


def _product_images(ids: list[int]) -> QuerySet:
    return ProductImage.objects.filter(product_id__in_ids=ids)


def _with_images(
    key: tuple, build: Callable[[list[int]], QuerySet], extra: tuple[str, ...], ids: list[int]
) -> list[SimpleNamespace]:
    """Image links (product or channel images) with the image itself (a `media.rows.ImageRow`, which makes
    the model instance only to make a rendition), built from the same row: one query instead of two."""
    names = ("pk", "product_id", "image_id", "sort_order", *extra)
    read = (*names, *columns(CustomImage, "image__"))
    links = []
    for row in rows_for_ids(key, lambda some: build(some).values_list(*read), ids):
        link = SimpleNamespace(**dict(zip(names, row, strict=False)))
        link.image = image_row(row, len(names))
        links.append(link)
    return links


def _categories(product_ids: list[int]) -> dict[int, Rows]:
    # In tree order, as `product.categories.all()` gives them (the first is the feeds' product type).
    def build(some: list[int]) -> QuerySet:
        return (
            Product.categories.through.objects.filter(product_id__in_ids=some)
            .order_by("category__path")
            .values_list("product_id", "category_id", "category__path", "category__name", "category__slug")
        )

    links = rows_for_ids(("categories",), build, product_ids)
    by_product = defaultdict(Rows)
    nodes: dict[int, SimpleNamespace] = {}
    for product_id, pk, path, name, slug in links:
        node = nodes.get(pk)
        if node is None:
            node = nodes[pk] = SimpleNamespace(pk=pk, path=path, name=name, slug=slug)
        by_product[product_id].append(node)
    return by_product


def _attribute_links(type_ids: set[int]) -> dict[int, Rows]:
    """The attributes of each product type, in their order (names and units for the resolved attributes)."""
    links = defaultdict(Rows)
    if not type_ids:
        return links

    def build(some: list[int]) -> QuerySet:
        return (
            ProductTypeAttribute.objects.filter(product_type_id__in_ids=some)
            .order_by("sort_order", "pk")
            .values_list(
                "product_type_id",
                "attribute__code",
                "attribute__name",
                "attribute__unit",
                "attribute__marketplace_attribute",
            )
        )

    rows = rows_for_ids(("attribute_links",), build, sorted(type_ids))
    for type_id, code, name, unit, stands_for in rows:
        attribute = SimpleNamespace(code=code, name=name, unit=unit, marketplace_attribute=stands_for)
        links[type_id].append(SimpleNamespace(attribute=attribute))
    return links
