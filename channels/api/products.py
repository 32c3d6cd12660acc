# ruff: noqa: B008 - ninja declares query parameters as Query(...) defaults
"""/products, /variants and product search: the channel's resolved products."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from wagtail.search.backends import get_search_backend

from catalog.models import Brand, Category, Product
from catalog.validators import SKU_MAX_LENGTH
from channels.api.cache import cached_read
from channels.api.http import bad_request, json_read, not_found, query_params, request_locale
from channels.api.preview import PRODUCT_CONTENT_TYPE, preview_object, preview_token_identifier
from channels.api.queries import ProductQuery, facets, filtered, page_of_products, search_ids, tombstones_since
from channels.api.schemas import ERRORS, ERRORS_404, Facets, ProductOut, ProductPage, Suggestions, VariantLookup
from channels.api.serializers import ImageRenderer, image_specs, latest, product_json, products_json, variant_json
from channels.bulk import load_products
from channels.resolver import resolve, resolve_many
from channels.selectors import resolve_products, resolve_variant_by_sku, visible_in

router = Router(tags=["products"])

Ordering = Literal["title", "-title", "price", "-price", "newest", "updated", "relevance"]
MAX_ID = 2**63 - 1


class ProductFilters(Schema):
    category: list[str] = Field(
        default_factory=list, description="Category id or slug (repeatable); products in it or below it."
    )
    brand: list[str] = Field(default_factory=list, description="Brand id or slug (repeatable).")
    product_type: list[str] = Field(
        default_factory=list, alias="productType", description="Product type id or slug (repeatable)."
    )
    attribute: list[str] = Field(
        default_factory=list,
        description="code:value, e.g. color:Red (repeatable; all must match, on the product or a variant).",
    )
    min_price: Decimal | None = Field(None, alias="minPrice", ge=0, le=Decimal("1e12"), allow_inf_nan=False)
    max_price: Decimal | None = Field(None, alias="maxPrice", ge=0, le=Decimal("1e12"), allow_inf_nan=False)
    in_stock: bool | None = Field(None, alias="inStock")
    q: str | None = Field(None, min_length=1, max_length=200, description="Full-text search.")
    updated_since: datetime | None = Field(
        None, alias="updatedSince", description="Changed or newly visible since; tombstones for those that left."
    )

    def to_query(self, ordering: str | None = None) -> ProductQuery:
        since = self.updated_since
        if since is not None and timezone.is_naive(since):
            since = since.replace(tzinfo=UTC)
        return ProductQuery(
            category=self.category,
            brand=self.brand,
            product_type=self.product_type,
            attribute=self.attribute,
            min_price=self.min_price,
            max_price=self.max_price,
            in_stock=self.in_stock,
            q=(self.q or "").strip() or None,
            updated_since=since,
            ordering=ordering,
        )


FILTER_PARAMS = (
    "category",
    "brand",
    "productType",
    "attribute",
    "minPrice",
    "maxPrice",
    "inStock",
    "q",
    "updatedSince",
)
ImageParam = Query(
    None, description="Rendition spec(s) from the allowlist, e.g. fill-800x800|format-webp (repeatable)."
)


@router.get(
    "/products",
    response={200: ProductPage, **ERRORS},
    by_alias=True,
    operation_id="listProducts",
    summary="The channel's products, filtered, ordered and paged by cursor",
)
@query_params(*FILTER_PARAMS, "ordering", "cursor", "pageSize", "image")
@cached_read
def list_products(
    request: HttpRequest,
    filters: Query[ProductFilters],
    ordering: Ordering | None = Query(None, description="Default: relevance with q, else title."),
    cursor: str | None = Query(None, max_length=1000),
    page_size: int = Query(20, ge=1, le=100, alias="pageSize"),
    image: list[str] = ImageParam,
    locale: str | None = Query(None, description="BCP 47, e.g. de-DE; else Accept-Language, else the channel's."),
):
    channel = request.channel
    locale = request_locale(request, locale)
    specs = image_specs(request)
    query = filters.to_query(ordering)
    now = timezone.now()
    products, next_cursor = page_of_products(channel, query, locale=locale, at=now, cursor=cursor, page_size=page_size)
    resolved = [item for item in resolve_many(products, channel, locale, at=now) if item.visible]
    tombstones = None
    if query.updated_since is not None and not cursor:
        tombstones = tombstones_since(channel, query.updated_since, now)
    data = {
        "items": products_json(resolved, ImageRenderer(request, specs)),
        "nextCursor": next_cursor,
        "tombstones": tombstones,
    }
    stamps = [item.updated_at for item in resolved] + [item["removedAt"] for item in tombstones or ()]
    return json_read(request, data, last_modified=latest(stamps))


@router.get(
    "/products/facets",
    response={200: Facets, **ERRORS},
    by_alias=True,
    operation_id="productFacets",
    summary="Counts by brand, category and attribute value for the products a filter matches",
)
@query_params(*FILTER_PARAMS)
def product_facets(request: HttpRequest, filters: Query[ProductFilters], locale: str | None = None):
    request_locale(request, locale)
    query = filters.to_query()
    hits = search_ids(query.q) if query.q else None
    data = facets(filtered(request.channel, query, timezone.now(), hits))
    return json_read(request, data)


@router.get(
    "/products/suggest",
    response={200: Suggestions, **ERRORS},
    by_alias=True,
    operation_id="suggest",
    summary="Search-as-you-type: products, brands and categories whose names start like q",
)
@query_params("q", "limit")
def suggest(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=100),
    limit: int = Query(8, ge=1, le=20),
    locale: str | None = None,
):
    channel = request.channel
    locale = request_locale(request, locale)
    backend = get_search_backend()
    matches = [product.pk for product in backend.autocomplete(q, Product.objects.live())[: limit * 5]]
    visible = set(visible_in(channel, Product.objects.filter(pk__in=matches)).values_list("pk", flat=True))
    chosen = [pk for pk in matches if pk in visible][:limit]
    order = {pk: index for index, pk in enumerate(chosen)}
    resolved = sorted(
        resolve_products(Product.objects.filter(pk__in=chosen), channel, locale), key=lambda item: order[item.id]
    )
    data = {
        "products": [{"id": item.id, "slug": item.slug, "title": item.title} for item in resolved],
        "brands": [
            {"id": brand.pk, "name": brand.name, "slug": brand.slug} for brand in backend.autocomplete(q, Brand)[:limit]
        ],
        "categories": [
            {"id": node.pk, "name": node.name, "slug": node.slug} for node in backend.autocomplete(q, Category)[:limit]
        ],
    }
    return json_read(request, data)


@router.get(
    "/products/preview",
    response={200: ProductOut, **ERRORS_404},
    by_alias=True,
    operation_id="previewProduct",
    summary="A product's draft, for the token the admin's Preview button put in the storefront URL",
)
@query_params("token", "contentType", "image")
def preview_product(
    request: HttpRequest,
    token: str = Query(..., max_length=500),
    content_type: str = Query(PRODUCT_CONTENT_TYPE, alias="contentType", max_length=100),
    image: list[str] = ImageParam,
    locale: str | None = None,
):
    locale = request_locale(request, locale)
    specs = image_specs(request)
    if content_type.lower() != PRODUCT_CONTENT_TYPE:
        raise bad_request("This endpoint previews products (contentType=catalog.product).", "contentType")
    product, _identifier = preview_object(PRODUCT_CONTENT_TYPE, token)
    if product is None:
        raise not_found("No preview for this token.")
    return _draft_response(request, product, locale, specs)


def _draft_response(request: HttpRequest, draft: Product, locale: str | None, specs):
    """A draft for its preview token: resolved like the live product, never cached."""
    data = product_json(resolve(draft, request.channel, locale), ImageRenderer(request, specs))
    return json_read(request, data, cache=False)


def _product_read(request: HttpRequest, draft: Product | None, lookup: Q, locale: str | None, specs):
    """One product by id or slug: the draft when a preview token named it, else the live one if visible."""
    if draft is not None:
        return _draft_response(request, draft, locale, specs)
    # The live rows (a draft lives only in revisions), through the plain-row loader as the list reads them.
    products = load_products(visible_in(request.channel).filter(lookup)[:1], channel=request.channel, locale=locale)
    if not products:
        raise not_found("No such product on this channel.")
    resolved = resolve_many(products, request.channel, locale, at=timezone.now())[0]
    if not resolved.visible:
        raise not_found("No such product on this channel.")
    data = product_json(resolved, ImageRenderer(request, specs))
    return json_read(request, data, last_modified=resolved.updated_at)


def _preview_or_none(request: HttpRequest, token: str | None, product_id: int | None, slug: str | None):
    """The draft for a preview token made for this very product, else None (no token)."""
    if not token:
        return None
    identifier = preview_token_identifier(token)
    product, _ = preview_object(PRODUCT_CONTENT_TYPE, token)
    if product is None:
        raise not_found("No preview for this token.")
    if identifier != f"id={product.pk}" or (product_id is not None and product.pk != product_id):
        raise not_found("This preview token was made for another object.")
    if slug is not None and product.slug != slug:
        raise not_found("This preview token was made for another object.")
    return product


@router.get(
    "/products/{int:product_id}",
    response={200: ProductOut, **ERRORS_404},
    by_alias=True,
    operation_id="getProduct",
    summary="One product by id",
)
@query_params("image", "previewToken")
@cached_read
def get_product(
    request: HttpRequest,
    product_id: int,
    image: list[str] = ImageParam,
    preview_token: str | None = Query(None, alias="previewToken", max_length=500),
    locale: str | None = None,
):
    locale = request_locale(request, locale)
    specs = image_specs(request)
    if not 0 < product_id <= MAX_ID:
        raise not_found("No such product on this channel.")
    draft = _preview_or_none(request, preview_token, product_id, None)
    return _product_read(request, draft, Q(pk=product_id), locale, specs)


@router.get(
    "/products/by-slug/{slug}",
    response={200: ProductOut, **ERRORS_404},
    by_alias=True,
    operation_id="getProductBySlug",
    summary="One product by slug",
)
@query_params("image", "previewToken")
@cached_read
def get_product_by_slug(
    request: HttpRequest,
    slug: str,
    image: list[str] = ImageParam,
    preview_token: str | None = Query(None, alias="previewToken", max_length=500),
    locale: str | None = None,
):
    locale = request_locale(request, locale)
    specs = image_specs(request)
    draft = _preview_or_none(request, preview_token, None, slug)
    return _product_read(request, draft, Q(slug=slug[:255]), locale, specs)


@router.get(
    "/variants/{path:sku}",  # a SKU may hold "/" (catalog.validators.validate_sku): sent as %2F or as is
    response={200: VariantLookup, **ERRORS_404},
    by_alias=True,
    operation_id="getVariantBySku",
    summary="A variant by SKU, with its product",
    tags=["variants"],
)
@query_params("image")
@cached_read
def get_variant(request: HttpRequest, sku: str, image: list[str] = ImageParam, locale: str | None = None):
    locale = request_locale(request, locale)
    specs = image_specs(request)
    # A SKU longer than any the hub keeps is no variant's (cut to the limit, it could be another's).
    found = resolve_variant_by_sku(request.channel, sku, locale) if len(sku) <= SKU_MAX_LENGTH else None
    if found is None or not found[0].visible or not found[1].published:
        raise not_found("No such variant on this channel.")
    product, variant = found
    data = {"product": product_json(product, ImageRenderer(request, specs)), "variant": variant_json(variant)}
    return json_read(request, data, last_modified=product.updated_at)
