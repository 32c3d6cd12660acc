"""What every completeness rule shares: the issue it reports, the rule interface, where a field is fixed.

A rule looks at a resolved product (never at listings or translations: the resolver has already applied
the fallbacks) and returns issues. Each rule counts as one check towards the completeness percentage.
"""

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from channels.resolved import ResolvedProduct

Severity = Literal["error", "warning"]

# Where a merchandiser fixes each field: shown next to the issue in the editor.
FIELD_LOCATIONS: Mapping[str, str] = {
    "listing": "Channels tab › add a listing for this channel",
    "title": "Title (or the channel listing's title)",
    "summary": "Summary (or the channel listing's summary)",
    "description": "Description (or the channel listing's description)",
    "brand": "Brand",
    "images": "Images (or the channel images in the Channels tab)",
    "gtin": "Variants › GTIN",
    "mpn": "Variants › MPN",
    "weight": "Variants › Weight",
    "price": "Channels tab › Variant prices",
    "sale_price": "Channels tab › Variant prices",
    "availability_date": "Channels tab › Variant prices › Availability date",
    "channel_category": "Channels tab › listing › Channel category",
    "url": "Channel settings › Product URL template",
    "identifier_exists": "Channels tab › listing › Channel attributes (identifier_exists: no)",
}
CHANNEL_ATTRIBUTE_LOCATION = "Channels tab › listing › Channel attributes ({field}: …)"


def field_location(field: str) -> str:
    return FIELD_LOCATIONS.get(field, CHANNEL_ATTRIBUTE_LOCATION.format(field=field))


@dataclass(frozen=True, slots=True)
class Issue:
    severity: Severity
    field: str
    message: str
    sku: str = ""  # set when the issue is about one variant

    def as_dict(self) -> dict:
        return {"severity": self.severity, "field": self.field, "message": self.message, "sku": self.sku}


class Rule(ABC):
    field: str  # the field the rule is about (no default here: the dataclasses below declare it)

    @abstractmethod
    def check(self, product: ResolvedProduct) -> list[Issue]:
        """The issues of one resolved product against this rule (empty when it passes)."""


TEXT_FIELDS = ("title", "summary", "description")
TAG = re.compile(r"<[^>]+>")


# Several rules of a product ask for the same text (required, lengths, capitals): a feed checks every product,
# and the last few answers are kept rather than worked out again.
@lru_cache(maxsize=16)
def plain_text(html: str) -> str:
    return " ".join(TAG.sub(" ", html or "").split())


def field_value(product: ResolvedProduct, field: str):
    """A field's effective value on the resolved product, for the generic rules (required, allowed values)."""
    if field in TEXT_FIELDS:
        return plain_text(getattr(product, field))
    if field == "brand":
        return product.brand.name if product.brand else ""
    if field == "channel_category":
        return product.channel_category
    if field == "images":
        return product.images
    if field in product.channel_attributes:
        return product.channel_attributes[field]
    return next((a.value for a in product.attributes if a.code == field), None)
