"""The built-in rule set of each channel kind, from the marketplaces' own requirements (shared/specs/feeds.md),
and `rules_for`, which adds a channel's own required fields."""

import dataclasses
import hashlib
from collections.abc import Mapping
from typing import Any

from channels import attributes as vocab
from channels.rules.base import Rule
from channels.rules.checks import (
    AllowedValues,
    AnyOfIdentifiers,
    AvailabilityDateWhenNotInStock,
    GoogleApparel,
    GoogleCategoryFormat,
    Identifiers,
    Link,
    Listed,
    MainImage,
    MaxImages,
    MaxLength,
    MinLength,
    NotAllCaps,
    Priced,
    Required,
    RequiredForEveryVariant,
    SaleBelowPrice,
    SkuMaxLength,
    google_min_image,
)

COMMON = (Listed(), Required("title"), Priced())

RULE_SETS: Mapping[str, tuple[Rule, ...]] = {
    "storefront": (
        *COMMON,
        Required("description", "warning"),
        MainImage(min_size=1),
    ),
    "pos": (
        *COMMON,
        RequiredForEveryVariant("gtin", "warning"),  # tills scan barcodes
    ),
    "google": (
        *COMMON,
        SkuMaxLength(vocab.GOOGLE_ID_MAX, vocab.GOOGLE_ID_TOO_LONG),
        MaxLength("title", 150),
        Required("description"),
        MaxLength("description", 5000),
        Link(),
        MainImage(min_size=100, recommended=500, min_size_for=google_min_image),
        MaxImages(10),
        Required("brand"),
        MaxLength("brand", 70),
        Identifiers(accept_brand_mpn=True, allow_no_identifier=True),
        AllowedValues("condition", vocab.GOOGLE_CONDITIONS),
        AllowedValues("age_group", vocab.GOOGLE_AGE_GROUPS),
        AllowedValues("gender", vocab.GENDERS),
        GoogleApparel(),
        GoogleCategoryFormat(),
        SaleBelowPrice(),
        AvailabilityDateWhenNotInStock(),
    ),
    "meta": (
        *COMMON,
        MaxLength("title", 200),
        MaxLength("title", 150, "warning", " Meta's template allows 150."),
        Required("description"),
        MaxLength("description", 9999),
        MinLength("description", 30),
        NotAllCaps("description"),
        Link(),
        MainImage(min_size=500, recommended=1024),
        MaxImages(20),
        AnyOfIdentifiers(),
        MaxLength("brand", 100),
        AllowedValues("condition", vocab.META_CONDITIONS, required=True),
        AllowedValues("age_group", vocab.META_AGE_GROUPS),
        AllowedValues("gender", vocab.GENDERS),
        SaleBelowPrice(),
    ),
    "amazon": (
        *COMMON,
        SkuMaxLength(vocab.AMAZON_SKU_MAX, vocab.AMAZON_SKU_TOO_LONG),
        # Amazon's limits come from its product type definitions (not in feeds.md); 200 is the common one.
        MaxLength("title", 200, "warning"),
        Required("channel_category", why=" Amazon needs a product type (e.g. SHIRT)."),
        Required("brand"),
        Identifiers(accept_brand_mpn=False, allow_no_identifier=True),
        MainImage(min_size=500, recommended=1000),
        Required("description", "warning"),
        AllowedValues("condition", vocab.GOOGLE_CONDITIONS),
        SaleBelowPrice(),
    ),
    "marketplace": (
        *COMMON,
        Required("description", "warning"),
        MainImage(min_size=1),
        Required("brand", "warning"),
        Identifiers(accept_brand_mpn=True, allow_no_identifier=True, severity="warning"),
        AllowedValues("condition", vocab.GOOGLE_CONDITIONS),
    ),
}

VARIANT_FIELDS = {"gtin", "mpn", "weight"}


def rules_for(kind: str, required_fields: list[str] | tuple[str, ...] = ()) -> tuple[Rule, ...]:
    """The kind's built-in rules plus the channel's own required fields."""
    extra = tuple(
        RequiredForEveryVariant(name) if name in VARIANT_FIELDS else Required(name) for name in required_fields
    )
    return (*RULE_SETS.get(kind, COMMON), *extra)


# Bump when a rule's code changes what it finds (its check(), a helper or a constant it reads): the digest sees
# rules and their parameters, not code. tests/channels/test_storage.py pins the digests, so a change shows.
RULES_VERSION = 1


def rules_digest(kind: str, required_fields: list[str] | tuple[str, ...] = ()) -> str:
    """A digest of the rules `rules_for` gives, with their parameters, and RULES_VERSION: a channel keeps the one
    its stored completeness was computed with, and a release that adds a rule or changes one's parameters (a new
    limit, say) or RULES_VERSION gives another, so the stored completeness is recomputed (`channels.signals`).
    The same in every process (no ids, no set order)."""
    text = repr((RULES_VERSION, tuple(_stable(rule) for rule in rules_for(kind, required_fields))))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _stable(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        fields = dataclasses.fields(value)
        return (type(value).__qualname__, tuple((f.name, _stable(getattr(value, f.name))) for f in fields))
    if callable(value):  # a function a rule is given: its name (its repr holds an address)
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(_stable(item)) for item in value))
    if isinstance(value, Mapping):
        return tuple(sorted((repr(key), _stable(item)) for key, item in value.items()))
    if isinstance(value, (tuple, list)):
        return tuple(_stable(item) for item in value)
    return value
