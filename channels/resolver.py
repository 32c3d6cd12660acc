"""The one resolver: a product as a channel and a locale see it.

Every field falls back channel override → locale text → base value. Prices come only from the channel's
own currency (a variant without a price row in that currency is not sellable there; nothing is converted);
availability comes from stock and the channel's override; images come in the channel's order.

It works on what it is given: a product loaded from the database is the live product (drafts live in
revisions, never in the tables), and a revision's object is the draft; so a live read never sees a draft.
Give it products from `channels.selectors.prefetch_bundle()` (model instances, drafts included) or from
`channels.bulk.load_products()` (plain rows, for feeds and pages of live products) and a whole page resolves in
a constant number of queries; `resolve_many` adds at most two (stock for variants the loader did not annotate,
category ancestors).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Sum
from django.utils import timezone

from catalog.models import Category, Product, ProductImage, StockLevel
from catalog.models.product_type import MarketplaceAttribute
from catalog.money import quantize
from channels.attributes import CHANNEL_ATTRIBUTES
from channels.models import Channel
from channels.resolved import (
    CategoryCrumb,
    ResolvedAttribute,
    ResolvedBrand,
    ResolvedCategory,
    ResolvedImage,
    ResolvedProduct,
    ResolvedProductType,
    ResolvedVariant,
)
from hub.statements import Texts, rows_for

STOCK_ANNOTATION = "channel_stock_available"  # set on variants by the prefetch bundle
_AVAILABILITY_ORDER = ("in_stock", "preorder", "backorder", "out_of_stock")
MARKETPLACE_CODES = frozenset(MarketplaceAttribute.values)
_ALL_CHANNEL_ATTRIBUTE_KEYS = frozenset(key for keys in CHANNEL_ATTRIBUTES.values() for key in keys)


@dataclass
class _Facts:
    """What a product contributes whatever the channel: read from its relations once per batch."""

    brand: ResolvedBrand | None
    product_type: ResolvedProductType | None
    categories: tuple[ResolvedCategory, ...]
    attributes: tuple[ResolvedAttribute, ...]
    base_channel_attributes: dict
    variants: list  # active ones, in order
    images: tuple[ResolvedImage, ...]  # the product's own order, main first
    roles: dict[int, str]  # image id -> role
    translations: list
    listings: dict[int, object] = field(default_factory=dict)  # by channel id
    variant_rows: dict[int, list] = field(default_factory=dict)  # by channel id
    channel_images: dict[int, list] = field(default_factory=dict)  # by channel id


@dataclass
class _Context:
    """Facts fetched once for a batch of products."""

    stock: dict[int, int]
    crumbs: dict[str, CategoryCrumb]  # by category path
    facts: dict[int, _Facts] = field(default_factory=dict)  # by id() of the product object
    # Shared by the batch's products (a page's products are mostly in a few categories and product types)
    categories: dict[int, ResolvedCategory] = field(default_factory=dict)  # by category id
    attribute_links: dict[int, dict] = field(default_factory=dict)  # product type id -> code -> attribute
    product_types: dict[int, ResolvedProductType] = field(default_factory=dict)  # by product type id

    def facts_for(self, product) -> _Facts:
        facts = self.facts.get(id(product))
        if facts is None:
            facts = self.facts[id(product)] = _read_facts(product, self)
        return facts


def resolve(product: Product, channel: Channel, locale: str | None = None, *, at: datetime | None = None):
    """The product as `channel` sees it in `locale` (default: the channel's locale) at `at` (default: now)."""
    return resolve_many([product], channel, locale, at=at)[0]


def resolve_many(
    products: Iterable[Product], channel: Channel, locale: str | None = None, *, at: datetime | None = None
) -> list[ResolvedProduct]:
    """Resolve several products with the batch facts (stock, category ancestors) fetched once."""
    products = list(products)
    context = load_context(products)
    at = at or timezone.now()
    locale = locale or channel.default_locale
    return [resolve_with(product, channel, locale, at, context) for product in products]


def load_context(products: Sequence[Product]) -> _Context:
    """Stock (where the bundle did not annotate it) and category breadcrumbs for a batch, in ≤ 2 queries."""
    stock: dict[int, int] = {}
    missing: list[int] = []
    paths: set[str] = set()
    for product in products:
        for variant in product.variants.all():
            if variant.pk is None:
                continue
            annotated = getattr(variant, STOCK_ANNOTATION, None)
            if annotated is None:
                missing.append(variant.pk)
            else:
                stock[variant.pk] = max(int(annotated), 0)
        for category in product.categories.all():
            paths.update(_ancestor_paths(category.path))
    if missing:
        rows = (
            StockLevel.objects.filter(variant_id__in=missing)
            .values("variant_id")
            .annotate(available=Sum(F("on_hand") - F("reserved")))
        )
        for row in rows:
            stock[row["variant_id"]] = max(int(row["available"] or 0), 0)
    crumbs = {}
    if paths:
        # Compiled once (hub.statements): every API page and feed chunk asks.
        for pk, path, name, slug in rows_for(("category_crumbs",), _categories_at, Texts(sorted(paths))):
            crumbs[path] = CategoryCrumb(id=pk, name=name, slug=slug)
    return _Context(stock=stock, crumbs=crumbs)


def _categories_at(paths: list[str]):
    return Category.objects.filter(path__in_texts=paths).values_list("id", "path", "name", "slug")


def _read_facts(product, context: _Context) -> _Facts:
    facts = _Facts(
        brand=_brand(product),
        product_type=_product_type(product, context),
        categories=tuple(_category(category, context) for category in product.categories.all()),
        attributes=_attributes(product, context),
        base_channel_attributes={
            code: value for code, value in (product.attributes or {}).items() if code in _ALL_CHANNEL_ATTRIBUTE_KEYS
        },
        variants=[variant for variant in sorted(product.variants.all(), key=_sort_key) if variant.active],
        images=(),
        roles={},
        translations=list(product.translations.all()),
    )
    product_images = list(product.images.all())
    facts.roles = {item.image_id: item.role for item in product_images}
    ordered = sorted(product_images, key=lambda item: (item.role != ProductImage.Role.MAIN, *_sort_key(item)))
    facts.images = tuple(_image(item.image, item.role) for item in ordered)
    for listing in product.channel_listings.all():
        facts.listings[listing.channel_id] = listing
    for row in product.variant_listings.all():
        facts.variant_rows.setdefault(row.channel_id, []).append(row)
    for row in product.channel_images.all():
        facts.channel_images.setdefault(row.channel_id, []).append(row)
    return facts


def resolve_with(product: Product, channel: Channel, locale: str, at: datetime, context: _Context):
    """Resolve one product with batch facts already loaded (the bulk completeness path calls this)."""
    facts = context.facts_for(product)
    listing = facts.listings.get(channel.pk)
    translation = _translation_for(facts.translations, locale)

    sources = {}
    texts = {}
    for name in ("title", "summary", "description"):
        texts[name], sources[name] = _fallback(name, listing, translation, product)

    listed = listing is not None
    published = listed and listing.published
    available_from = listing.available_from if listed else None
    available_until = listing.available_until if listed else None
    in_window = (available_from is None or available_from <= at) and (available_until is None or at < available_until)
    visible = bool(product.live and published and in_window)

    variant_rows = {
        row.sku: row
        for row in facts.variant_rows.get(channel.pk, ())
        if (row.currency or channel.currency) == channel.currency
    }
    variants = tuple(
        _resolve_variant(variant, variant_rows.get(variant.sku), product, channel, at, visible, context)
        for variant in facts.variants
    )
    first_sku = variants[0].sku if variants else ""
    listing_attributes = {k: v for k, v in (listing.attributes or {}).items() if v not in (None, "")} if listed else {}
    channel_attributes = {**facts.base_channel_attributes, **listing_attributes}

    return ResolvedProduct(
        id=product.pk,
        slug=product.slug,
        channel_code=channel.code,
        locale=locale,
        currency=channel.currency,
        title=texts["title"],
        summary=texts["summary"],
        description=texts["description"],
        sources=sources,
        brand=facts.brand,
        product_type=facts.product_type,
        categories=facts.categories,
        images=_channel_images(facts, channel),
        attributes=facts.attributes,
        channel_attributes=channel_attributes,
        listing_attributes=listing_attributes,
        channel_category=listing.channel_category if listed else "",
        variants=variants,
        url=channel.product_url(slug=product.slug, sku=first_sku, product_id=product.pk or ""),
        live=bool(product.live),
        listed=listed,
        published=published,
        available_from=available_from,
        available_until=available_until,
        visible=visible,
        availability=_product_availability(variants),
        updated_at=getattr(product, "updated_at", None),
    )


def _fallback(name: str, listing, translation, product) -> tuple[str, str]:
    for source, holder in (("channel", listing), ("locale", translation), ("base", product)):
        value = getattr(holder, name, "") if holder is not None else ""
        if value and value.strip():
            return value, source
    return "", "none"


def _translation_for(translations, locale: str):
    """The exact locale's texts, else the language's (de for de-DE), else another region of the language."""
    wanted = locale.lower()
    language = wanted.split("-")[0]
    exact = bare = regional = None
    for translation in translations:
        code = translation.locale.lower()
        if code == wanted:
            exact = translation
        elif code == language:
            bare = translation
        elif code.split("-")[0] == language and regional is None:
            regional = translation
    return exact or bare or regional


def _sort_key(variant) -> tuple:
    return (variant.sort_order if variant.sort_order is not None else 1 << 30, variant.pk or 1 << 62)


def _resolve_variant(variant, row, product, channel: Channel, at, product_visible: bool, context: _Context):
    currency = channel.currency
    price = quantize(row.price, currency) if row is not None and row.price is not None else None
    sale_price = quantize(row.sale_price, currency) if row is not None and row.sale_price is not None else None
    sale_start = row.sale_start if row is not None else None
    sale_end = row.sale_end if row is not None else None
    on_sale = (
        price is not None
        and sale_price is not None
        and (sale_start is None or sale_start <= at)
        and (sale_end is None or at < sale_end)
    )
    quantity = context.stock.get(variant.pk, 0) if variant.pk is not None else 0
    override = row.availability if row is not None else ""
    availability = override or ("in_stock" if quantity > 0 else "out_of_stock")
    published = row is not None and row.published
    return ResolvedVariant(
        id=variant.pk,
        sku=variant.sku,
        gtin=variant.gtin or "",
        mpn=variant.mpn or "",
        options=dict(variant.options or {}),
        weight=variant.weight,
        weight_unit=variant.weight_unit,
        currency=currency,
        price=price,
        sale_price=sale_price,
        sale_start=sale_start,
        sale_end=sale_end,
        unit_price=sale_price if on_sale else price,
        on_sale=on_sale,
        availability=availability,
        availability_date=row.availability_date if row is not None else None,
        available_quantity=quantity,
        published=published,
        sellable=product_visible and published and price is not None,
        url=channel.product_url(slug=product.slug, sku=variant.sku, product_id=product.pk or ""),
    )


def _product_availability(variants: tuple[ResolvedVariant, ...]) -> str:
    states = {variant.availability for variant in variants if variant.published}
    return next((state for state in _AVAILABILITY_ORDER if state in states), "out_of_stock")


def _brand(product) -> ResolvedBrand | None:
    if product.brand_id is None:
        return None
    brand = product.brand
    return ResolvedBrand(id=brand.pk, name=brand.name, slug=brand.slug)


def _product_type(product, context: _Context) -> ResolvedProductType | None:
    type_id = product.product_type_id
    if type_id is None:
        return None
    resolved = context.product_types.get(type_id)
    if resolved is None:
        product_type = product.product_type
        resolved = context.product_types[type_id] = ResolvedProductType(
            id=product_type.pk,
            name=product_type.name,
            slug=product_type.slug,
            marketplace_attributes=_marketplace_attributes(_type_attributes(product, context)),
        )
    return resolved


def _marketplace_attributes(attributes: dict) -> dict[str, tuple[str, str]]:
    """Which of a product type's attributes holds each marketplace variant fact (see ResolvedProductType)."""
    chosen = {code: (code, attribute.unit) for code, attribute in attributes.items() if code in MARKETPLACE_CODES}
    for code, attribute in attributes.items():
        stands_for = getattr(attribute, "marketplace_attribute", "")
        if stands_for in MARKETPLACE_CODES and stands_for not in chosen:  # (a mark no longer offered counts not)
            chosen[stands_for] = (code, attribute.unit)
    return chosen


def _ancestor_paths(path: str) -> list[str]:
    step = Category.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def _category(category, context: _Context) -> ResolvedCategory:
    resolved = context.categories.get(category.pk)
    if resolved is None:
        fallback = CategoryCrumb(id=category.pk, name=category.name, slug=category.slug)
        breadcrumb = tuple(context.crumbs.get(path, fallback) for path in _ancestor_paths(category.path))
        resolved = ResolvedCategory(id=category.pk, name=category.name, slug=category.slug, breadcrumb=breadcrumb)
        if category.pk is not None:
            context.categories[category.pk] = resolved
    return resolved


def _channel_images(facts: _Facts, channel: Channel) -> tuple[ResolvedImage, ...]:
    """The channel's subset in its order (its first is its main image), else the product's images."""
    chosen = facts.channel_images.get(channel.pk)
    if not chosen:
        return facts.images
    chosen = sorted(chosen, key=_sort_key)
    return tuple(
        _image(row.image, ProductImage.Role.MAIN if index == 0 else facts.roles.get(row.image_id, "additional"))
        for index, row in enumerate(chosen)
    )


def _image(image, role: str) -> ResolvedImage:
    return ResolvedImage(
        id=image.pk, role=role, alt_text=image.default_alt_text, width=image.width, height=image.height, image=image
    )


def _attributes(product, context: _Context) -> tuple[ResolvedAttribute, ...]:
    values = product.attributes or {}
    if not values:
        return ()
    links = _type_attributes(product, context)
    resolved = []
    for code, value in values.items():
        attribute = links.get(code)
        resolved.append(
            ResolvedAttribute(
                code=code,
                name=attribute.name if attribute else code,
                value=value,
                unit=attribute.unit if attribute else "",
            )
        )
    return tuple(resolved)


def _type_attributes(product, context: _Context) -> dict:
    """The attributes of the product's type by code, in the type's order ({} without a type)."""
    type_id = product.product_type_id
    if type_id is None:
        return {}
    links = context.attribute_links.get(type_id)
    if links is None:
        attribute_links = product.product_type.attribute_links.all()
        links = context.attribute_links[type_id] = {link.attribute.code: link.attribute for link in attribute_links}
    return links
