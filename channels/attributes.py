"""The extra attributes a listing may carry per channel kind, and their allowed values (feeds.md §1.2, §2.2).

One place for these vocabularies: listing validation and the completeness rules both read them.
"""

from collections.abc import Mapping

BOOLEAN_WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}

GOOGLE_CONDITIONS = ("new", "refurbished", "used")
META_CONDITIONS = (*GOOGLE_CONDITIONS, "used_like_new", "used_good", "used_fair", "cpo", "open_box_new")
GOOGLE_AGE_GROUPS = ("newborn", "infant", "toddler", "kids", "adult")
META_AGE_GROUPS = ("adult", "all ages", "teen", "kids", "toddler", "infant", "newborn")
GENDERS = ("male", "female", "unisex")
GOOGLE_SIZE_SYSTEMS = ("AU", "BR", "CN", "DE", "EU", "FR", "IT", "JP", "MEX", "UK", "US")

# The longest SKU a marketplace takes as an item's id (the hub keeps up to 64). A longer one is refused there, and
# cut it would be another SKU: the completeness rule and the feed serializers both leave such an item out.
AMAZON_SKU_MAX = 40
AMAZON_SKU_TOO_LONG = f"Amazon accepts seller SKUs of at most {AMAZON_SKU_MAX} characters; this SKU is longer."
GOOGLE_ID_MAX = 50
GOOGLE_ID_TOO_LONG = f"Google Merchant Center accepts ids of at most {GOOGLE_ID_MAX} characters; this SKU is longer."

BOOLEAN = "boolean"  # a marker: the value is yes/no, stored as a bool
FREE = None  # any text

_APPAREL_TEXT = {"color": FREE, "size": FREE, "material": FREE, "pattern": FREE}
_CUSTOM_LABELS = {f"custom_label_{n}": FREE for n in range(5)}

# kind -> key -> allowed values (a tuple), BOOLEAN, or FREE. A kind missing here accepts any key (own frontends).
CHANNEL_ATTRIBUTES: Mapping[str, Mapping[str, object]] = {
    "google": {
        "condition": GOOGLE_CONDITIONS,
        "age_group": GOOGLE_AGE_GROUPS,
        "gender": GENDERS,
        "identifier_exists": BOOLEAN,
        "size_system": GOOGLE_SIZE_SYSTEMS,
        "adult": BOOLEAN,
        "is_bundle": BOOLEAN,
        **_APPAREL_TEXT,
        **_CUSTOM_LABELS,
    },
    "meta": {
        "condition": META_CONDITIONS,
        "age_group": META_AGE_GROUPS,
        "gender": GENDERS,
        "status": ("active", "archived"),
        **_APPAREL_TEXT,
        **_CUSTOM_LABELS,
    },
    "amazon": {
        # Our neutral condition; the Amazon exporter maps it to condition_type (new_new …).
        "condition": GOOGLE_CONDITIONS,
        # "no" = the product has a GTIN exemption on Amazon.
        "identifier_exists": BOOLEAN,
        **_APPAREL_TEXT,
    },
    "marketplace": {
        "condition": GOOGLE_CONDITIONS,
        "age_group": GOOGLE_AGE_GROUPS,
        "gender": GENDERS,
        "identifier_exists": BOOLEAN,
        **_APPAREL_TEXT,
    },
}


def clean_channel_attributes(kind: str, values: Mapping[str, object]) -> tuple[dict, dict[str, str]]:
    """Typed values and errors by key for a listing's extra attributes on a channel of `kind`."""
    allowed = CHANNEL_ATTRIBUTES.get(kind)
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for key, raw in (values or {}).items():
        if raw in (None, ""):
            continue
        if allowed is None:
            cleaned[key] = raw
            continue
        if key not in allowed:
            errors[key] = f"“{key}” is not an attribute of this channel (known: {', '.join(sorted(allowed))})."
            continue
        rule = allowed[key]
        if rule == BOOLEAN:
            value = raw if isinstance(raw, bool) else BOOLEAN_WORDS.get(str(raw).strip().lower())
            if value is None:
                errors[key] = f"“{raw}” is not yes or no."
            else:
                cleaned[key] = value
        elif rule is FREE:
            cleaned[key] = str(raw).strip()
        elif str(raw).strip() in rule:
            cleaned[key] = str(raw).strip()
        else:
            errors[key] = f"“{raw}” is not one of: {', '.join(rule)}."
    return cleaned, errors
