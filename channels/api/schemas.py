"""Response schemas of the content API (camelCase on the wire). Errors: hub.api_errors.ErrorResponse."""

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel

from hub.api_errors import ErrorResponse

Availability = Literal["in_stock", "out_of_stock", "preorder", "backorder"]


class Out(Schema):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Crumb(Out):
    id: int
    name: str
    slug: str


class CategoryRef(Out):
    id: int
    name: str
    slug: str
    breadcrumb: list[Crumb] = Field(description="Root first, ending with this category.")


class NamedRef(Out):
    id: int
    name: str
    slug: str


class Rendition(Out):
    spec: str = Field(description="One of the specs in API_IMAGE_RENDITIONS, e.g. fill-800x800|format-webp.")
    url: str
    width: int
    height: int


class ImageOut(Out):
    id: int
    role: str | None = None
    alt_text: str
    width: int
    height: int
    url: str = Field(description="The original file (absolute).")
    renditions: list[Rendition] = Field(description="The renditions asked for with ?image=.")


class AttributeOut(Out):
    code: str
    name: str
    value: Any
    unit: str


class VariantOut(Out):
    id: int | None
    sku: str
    gtin: str
    mpn: str
    options: dict[str, Any]
    weight: str | None
    weight_unit: str
    currency: str
    price: str | None = Field(description="Decimal string in the channel currency; null: not sold here.")
    sale_price: str | None
    sale_start: datetime | None
    sale_end: datetime | None
    unit_price: str | None = Field(description="What it costs now: the sale price inside its window, else price.")
    on_sale: bool
    availability: Availability
    availability_date: datetime | None
    available_quantity: int
    sellable: bool
    url: str


class ProductOut(Out):
    id: int | None
    slug: str
    locale: str
    currency: str
    title: str
    summary: str
    description: str = Field(description="Rich text (HTML).")
    url: str = Field(description="The product on the channel's storefront.")
    brand: NamedRef | None
    product_type: NamedRef | None
    categories: list[CategoryRef]
    images: list[ImageOut]
    attributes: list[AttributeOut]
    availability: Availability
    price_from: str | None = Field(description="The lowest unit price of the sellable variants.")
    variants: list[VariantOut] = Field(description="The variants sold on this channel.")
    updated_at: datetime | None


class Tombstone(Out):
    id: int
    slug: str
    removed_at: datetime


class ProductPage(Out):
    items: list[ProductOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
    tombstones: list[Tombstone] | None = Field(
        description="With ?updatedSince= (first page only): products that left the channel since then."
    )


class VariantLookup(Out):
    product: ProductOut
    variant: VariantOut


class FacetCount(Out):
    value: str
    count: int


class RefCount(Out):
    id: int
    name: str
    slug: str
    count: int


class AttributeFacet(Out):
    code: str
    name: str
    values: list[FacetCount]


class Facets(Out):
    total: int
    brands: list[RefCount]
    categories: list[RefCount]
    attributes: list[AttributeFacet]


class ProductSuggestion(Out):
    id: int
    slug: str
    title: str


class Suggestions(Out):
    products: list[ProductSuggestion]
    brands: list[NamedRef]
    categories: list[NamedRef]


class CategoryNode(Out):
    id: int
    name: str
    slug: str
    description: str
    children: list["CategoryNode"]


class BrandOut(Out):
    id: int
    name: str
    slug: str
    description: str
    logo: ImageOut | None


class ChannelOut(Out):
    code: str
    name: str
    kind: str
    currency: str
    default_locale: str
    country: str
    locale: str = Field(description="The locale this request resolves in.")
    image_renditions: list[str] = Field(description="The rendition specs ?image= accepts.")


class Block(Out):
    type: Literal["heading", "paragraph", "image", "product"]
    id: str | None
    value: Any = Field(
        description="heading: string; paragraph: HTML; image: {image, caption}; product: {product|null, caption}."
    )


class PageSummary(Out):
    id: int
    type: str
    title: str
    slug: str
    path: str
    intro: str
    seo_title: str
    search_description: str
    first_published_at: datetime | None
    last_published_at: datetime | None


class PageDetail(PageSummary):
    body: list[Block]


class PageList(Out):
    items: list[PageSummary]
    next_cursor: str | None


ERRORS = {400: ErrorResponse, 401: ErrorResponse}
ERRORS_404 = {**ERRORS, 404: ErrorResponse}
