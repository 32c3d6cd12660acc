"""The rule types: required fields, lengths, allowed values, images, prices, links, identifiers, and
Google's apparel and category checks. The rule set of each channel kind is built from them in `kinds`."""

from collections.abc import Callable
from dataclasses import dataclass

from catalog.validators import is_valid_gtin
from channels.resolved import ResolvedProduct
from channels.rules.base import TEXT_FIELDS, Issue, Rule, Severity, field_value, plain_text


@dataclass(frozen=True)
class Required(Rule):
    field: str
    severity: Severity = "error"
    why: str = ""

    def check(self, product):
        value = field_value(product, self.field)
        if value in (None, "", ()):
            return [
                Issue(self.severity, self.field, f"{self.field.replace('_', ' ').capitalize()} is missing.{self.why}")
            ]
        return []


VARIANT_FIELD_LABELS = {"gtin": "GTIN", "mpn": "MPN", "weight": "Weight"}


@dataclass(frozen=True)
class RequiredForEveryVariant(Rule):
    """A variant field (gtin, mpn, weight) that a channel asks of every sold variant."""

    field: str
    severity: Severity = "error"

    def check(self, product):
        label = VARIANT_FIELD_LABELS.get(self.field, self.field)
        return [
            Issue(self.severity, self.field, f"{label} is missing on variant {variant.sku}.", variant.sku)
            for variant in product.variants
            if variant.published and getattr(variant, self.field) in (None, "")
        ]


@dataclass(frozen=True)
class SkuMaxLength(Rule):
    """A marketplace that takes SKUs of at most `limit` characters as its item ids (each published variant)."""

    limit: int
    message: str
    field: str = "sku"

    def check(self, product):
        return [
            Issue("error", self.field, self.message, variant.sku)
            for variant in product.variants
            if variant.published and len(variant.sku) > self.limit
        ]


@dataclass(frozen=True)
class MaxLength(Rule):
    field: str
    limit: int
    severity: Severity = "error"
    why: str = ""

    def check(self, product):
        length = (
            len(plain_text(getattr(product, self.field)))
            if self.field in TEXT_FIELDS
            else len(str(field_value(product, self.field) or ""))
        )
        if length > self.limit:
            return [
                Issue(
                    self.severity,
                    self.field,
                    f"{self.field.capitalize()} has {length} characters; at most {self.limit} allowed.{self.why}",
                )
            ]
        return []


@dataclass(frozen=True)
class MinLength(Rule):
    field: str
    limit: int
    severity: Severity = "warning"

    def check(self, product):
        length = len(plain_text(getattr(product, self.field)))
        if 0 < length < self.limit:
            return [
                Issue(
                    self.severity,
                    self.field,
                    f"{self.field.capitalize()} has {length} characters; at least {self.limit} recommended.",
                )
            ]
        return []


@dataclass(frozen=True)
class NotAllCaps(Rule):
    field: str
    severity: Severity = "warning"

    def check(self, product):
        text = plain_text(getattr(product, self.field))
        if len(text) > 10 and text.isupper():
            return [Issue(self.severity, self.field, f"{self.field.capitalize()} is written in capitals only.")]
        return []


@dataclass(frozen=True)
class AllowedValues(Rule):
    field: str
    values: tuple[str, ...]
    required: bool = False

    def check(self, product):
        value = field_value(product, self.field)
        if value in (None, ""):
            if self.required:
                return [
                    Issue(
                        "error",
                        self.field,
                        f"{self.field.replace('_', ' ').capitalize()} is missing (one of: {', '.join(self.values)}).",
                    )
                ]
            return []
        if str(value) not in self.values:
            return [
                Issue(
                    "error",
                    self.field,
                    f"“{value}” is not an allowed {self.field.replace('_', ' ')} (one of: {', '.join(self.values)}).",
                )
            ]
        return []


@dataclass(frozen=True)
class MainImage(Rule):
    """A main image exists and is big enough; `recommended` sizes only warn."""

    min_size: int
    recommended: int = 0
    field: str = "images"
    min_size_for: Callable[[ResolvedProduct], int] | None = None

    def check(self, product):
        image = product.main_image
        if image is None:
            return [Issue("error", "images", "A main image is missing.")]
        minimum = self.min_size_for(product) if self.min_size_for else self.min_size
        if image.width < minimum or image.height < minimum:
            return [
                Issue(
                    "error",
                    "images",
                    f"The main image is {image.width}×{image.height} px; at least {minimum}×{minimum} px needed.",
                )
            ]
        if self.recommended and (image.width < self.recommended or image.height < self.recommended):
            return [
                Issue(
                    "warning",
                    "images",
                    f"The main image is {image.width}×{image.height} px; "
                    f"{self.recommended}×{self.recommended} px or more recommended.",
                )
            ]
        return []


@dataclass(frozen=True)
class MaxImages(Rule):
    limit: int
    field: str = "images"

    def check(self, product):
        extra = len(product.images) - 1
        if extra > self.limit:
            return [Issue("warning", "images", f"{extra} additional images; only the first {self.limit} are sent.")]
        return []


@dataclass(frozen=True)
class Priced(Rule):
    """Something is sold: at least one variant published with a price in the channel's currency."""

    field: str = "price"

    def check(self, product):
        issues = [
            Issue(
                "warning",
                "price",
                f"Variant {variant.sku} has no price in {product.currency}; it is not sold.",
                variant.sku,
            )
            for variant in product.variants
            if variant.published and variant.price is None
        ]
        if not any(variant.published and variant.price is not None for variant in product.variants):
            issues.insert(0, Issue("error", "price", f"No variant has a price in {product.currency} on this channel."))
        return issues


@dataclass(frozen=True)
class SaleBelowPrice(Rule):
    field: str = "sale_price"

    def check(self, product):
        return [
            Issue(
                "error",
                "sale_price",
                f"Variant {v.sku}: the sale price {v.sale_price} is not below the price {v.price}.",
                v.sku,
            )
            for v in product.variants
            if v.published and v.price is not None and v.sale_price is not None and v.sale_price >= v.price
        ]


@dataclass(frozen=True)
class AvailabilityDateWhenNotInStock(Rule):
    """Google requires availability_date for preorder and backorder."""

    field: str = "availability_date"

    def check(self, product):
        return [
            Issue(
                "error",
                "availability_date",
                f"Variant {v.sku} is on {v.availability.replace('_', ' ')}; it needs an availability date.",
                v.sku,
            )
            for v in product.variants
            if v.published and v.availability in ("preorder", "backorder") and v.availability_date is None
        ]


@dataclass(frozen=True)
class Link(Rule):
    field: str = "url"

    def check(self, product):
        if not product.url:
            return [Issue("error", "url", "The channel has no product URL template, so the product has no link.")]
        if not product.url.startswith(("http://", "https://")):
            return [Issue("error", "url", f"The product link “{product.url}” does not start with http(s).")]
        if len(product.url) > 2000:
            return [Issue("error", "url", "The product link is longer than 2000 characters.")]
        return []


@dataclass(frozen=True)
class Identifiers(Rule):
    """GTIN rules per variant: valid check digit; else what the channel accepts instead.

    accept_brand_mpn: brand + MPN stands in for a missing GTIN (Google).
    allow_no_identifier: an explicit identifier_exists: no (Google; Amazon's GTIN exemption).
    """

    accept_brand_mpn: bool
    allow_no_identifier: bool
    severity: Severity = "error"
    field: str = "gtin"

    def check(self, product):
        issues = []
        no_identifier = self.allow_no_identifier and not product.identifier_exists
        for variant in product.variants:
            if not variant.published:
                continue
            if variant.gtin:
                if not is_valid_gtin(variant.gtin):
                    issues.append(
                        Issue(
                            "error",
                            "gtin",
                            f"Variant {variant.sku}: GTIN {variant.gtin} is not valid "
                            "(8, 12, 13 or 14 digits with a GS1 check digit).",
                            variant.sku,
                        )
                    )
                continue
            if no_identifier:
                continue
            if self.accept_brand_mpn and product.brand and variant.mpn:
                continue
            instead = []
            if self.accept_brand_mpn:
                instead.append("a brand and an MPN")
            if self.allow_no_identifier:
                instead.append("“identifier_exists: no” in the listing")
            alternatives = f" (or {' or '.join(instead)})" if instead else ""
            issues.append(
                Issue(self.severity, "gtin", f"Variant {variant.sku} needs a GTIN{alternatives}.", variant.sku)
            )
        return issues


@dataclass(frozen=True)
class AnyOfIdentifiers(Rule):
    """Meta needs at least one of brand, GTIN, MPN."""

    field: str = "brand"

    def check(self, product):
        if product.brand or any(v.gtin or v.mpn for v in product.variants if v.published):
            return []
        return [Issue("error", "brand", "Meta needs at least one of brand, GTIN or MPN.")]


@dataclass(frozen=True)
class Listed(Rule):
    field: str = "listing"

    def check(self, product):
        return [] if product.listed else [Issue("error", "listing", "The product has no listing for this channel.")]


# Google apparel categories named in the spec (Apparel & Accessories, Clothing, Shoes): they need more.
GOOGLE_APPAREL = {"166", "1604", "187"}
GOOGLE_SIZED = {"1604", "187"}


def _google_is_apparel(product: ResolvedProduct) -> bool:
    return product.channel_category in GOOGLE_APPAREL or product.channel_category.startswith("Apparel & Accessories")


@dataclass(frozen=True)
class GoogleApparel(Rule):
    """Apparel needs age_group, gender and color (and size for clothing and shoes) for Google.

    Color and size may come from the attribute the product type has standing for them (`attribute_for`).
    Marking one recomputes the products concerned (`channels.signals`), so RULES_VERSION stayed as it was."""

    field: str = "gender"

    def check(self, product):
        if not _google_is_apparel(product):
            return []
        needed = ["age_group", "gender", "color"]
        if product.channel_category in GOOGLE_SIZED:
            needed.append("size")
        issues = []
        for name in needed:
            held_by, _ = product.attribute_for(name)  # shoe_size for size, where the product type says so
            if name in ("color", "size") and all(held_by in v.options for v in product.variants if v.published):
                continue  # a variant option is as good
            if all(field_value(product, code) in (None, "") for code in {name, held_by}):
                issues.append(Issue("error", name, f"Google requires {name.replace('_', ' ')} for apparel."))
        return issues


@dataclass(frozen=True)
class GoogleCategoryFormat(Rule):
    field: str = "channel_category"

    def check(self, product):
        category = product.channel_category
        if category and not category.isdigit() and " > " not in category and category[:1].islower():
            return [Issue("warning", "channel_category", f"“{category}” is neither a Google category id nor a path.")]
        return []


def google_min_image(product: ResolvedProduct) -> int:
    return 250 if _google_is_apparel(product) else 100
