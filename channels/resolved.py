"""What the resolver returns: a product as one channel and locale see it. Plain values, no queries.

The content API, the feeds, cart pricing and completeness read these; none of them looks at listings,
translations or stock rows directly.

They are values: nothing assigns to them once the resolver has made them. They are not declared frozen
because a frozen dataclass's `__init__` sets each field through `object.__setattr__`: measured on Python
3.11, 3.5 µs instead of 0.3 µs for twenty fields, and a feed builds hundreds of thousands of them (an API
page about a hundred). `value` keeps what frozen gave: equality and hashing by the fields.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, Literal

Availability = Literal["in_stock", "out_of_stock", "preorder", "backorder"]
Source = Literal["channel", "locale", "base", "none"]
value = partial(dataclass, slots=True, unsafe_hash=True)  # see the module's docstring for why not frozen


@value
class ResolvedBrand:
    id: int
    name: str
    slug: str


@value
class ResolvedProductType:
    id: int
    name: str
    slug: str
    # Marketplace variant fact (size, color …) → (the code of the type's attribute that holds it, its unit):
    # the type's attribute of that name, else the first one marked as standing for it (shoe_size for size).
    marketplace_attributes: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False, hash=False)


@value
class CategoryCrumb:
    id: int
    name: str
    slug: str


@value
class ResolvedCategory:
    id: int
    name: str
    slug: str
    breadcrumb: tuple[CategoryCrumb, ...]  # root first, ending with this category

    @property
    def path_text(self) -> str:
        return " > ".join(crumb.name for crumb in self.breadcrumb)


@value
class ResolvedImage:
    id: int  # the image's id (media.CustomImage)
    role: str  # main, additional, lifestyle, swatch
    alt_text: str
    width: int
    height: int
    # The image itself, so API and feeds can ask for renditions without another query.
    image: Any = field(compare=False, repr=False, default=None)


@value
class ResolvedAttribute:
    code: str
    name: str
    value: Any
    unit: str = ""


@value
class ResolvedVariant:
    id: int | None  # None for a variant that exists only in a draft
    sku: str
    gtin: str
    mpn: str
    options: dict[str, Any]
    weight: Decimal | None
    weight_unit: str
    currency: str  # the channel's currency, always
    price: Decimal | None  # the channel price; None: no price row in the channel's currency
    sale_price: Decimal | None
    sale_start: datetime | None
    sale_end: datetime | None
    unit_price: Decimal | None  # the effective price at resolve time: sale price inside its window, else price
    on_sale: bool
    availability: Availability
    availability_date: datetime | None
    available_quantity: int  # on hand − reserved over all locations, never below 0
    published: bool  # the variant's row on the channel exists and is published
    sellable: bool  # product visible on the channel, variant published there, with a price in its currency
    url: str


@value
class ResolvedProduct:
    id: int | None
    slug: str
    channel_code: str
    locale: str
    currency: str
    title: str
    summary: str
    description: str  # rich text (HTML)
    sources: dict[str, Source]  # where title/summary/description came from: the fallback made visible
    brand: ResolvedBrand | None
    product_type: ResolvedProductType | None
    categories: tuple[ResolvedCategory, ...]
    images: tuple[ResolvedImage, ...]  # in the channel's order; the first is the main image
    attributes: tuple[ResolvedAttribute, ...]
    channel_attributes: dict[str, Any]  # condition, gender, identifier_exists … (listing, else product attribute)
    listing_attributes: dict[str, Any]  # the listing's own (no product fallback): these outrank a variant's options
    channel_category: str
    variants: tuple[ResolvedVariant, ...]  # the product's active variants, sellable or not
    url: str
    live: bool
    listed: bool  # the product has a listing for the channel
    published: bool  # … and it is published
    available_from: datetime | None
    available_until: datetime | None
    visible: bool  # live, published on the channel and inside the window at resolve time
    availability: Availability
    updated_at: datetime | None

    @property
    def main_image(self) -> ResolvedImage | None:
        return self.images[0] if self.images else None

    @property
    def identifier_exists(self) -> bool:
        """False only when the listing says explicitly that the product has no GTIN/MPN."""
        value = self.channel_attributes.get("identifier_exists", True)
        if isinstance(value, str):  # imported rows may hold the word rather than the cleaned bool
            return value.strip().lower() not in ("no", "false", "0")
        return value is not False

    @property
    def sellable_variants(self) -> tuple[ResolvedVariant, ...]:
        return tuple(variant for variant in self.variants if variant.sellable)

    def attribute_for(self, fact: str) -> tuple[str, str]:
        """The code of the attribute holding the marketplace variant fact `fact` (size, color …) and its unit:
        `fact` itself unless the product type has an attribute standing for it (shoe_size for size)."""
        if self.product_type is None:
            return fact, ""
        return self.product_type.marketplace_attributes.get(fact, (fact, ""))

    def variant(self, sku: str) -> ResolvedVariant | None:
        return next((variant for variant in self.variants if variant.sku == sku), None)
