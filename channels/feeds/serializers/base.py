"""What every serializer shares: the item it writes, the build context, and value formatting.

Serializers are fed plain values (resolved dataclasses and strings); they never query the database.
"""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, BinaryIO, Protocol

from catalog.money import format_amount
from channels.resolved import ResolvedProduct, ResolvedVariant
from channels.rules import Issue


@dataclass(slots=True)
class FeedItem:
    """One line of a feed: a sellable variant of a visible product, with its images' absolute URLs.

    Not declared frozen, like the resolved values (channels/resolved.py): a frozen dataclass sets each field
    through `object.__setattr__`, and a feed makes one item per variant. Nothing assigns to it."""

    product: ResolvedProduct
    variant: ResolvedVariant
    image_urls: tuple[str, ...] = ()  # absolute rendition URLs, main image first

    @property
    def item_group_id(self) -> str:
        """Shared by the variants of one product; never equal to a SKU-like id of a single item."""
        return f"P{self.product.id}"

    @property
    def has_variants(self) -> bool:
        return len(self.product.variants) > 1

    @property
    def link(self) -> str:
        return self.variant.url or self.product.url

    @property
    def product_type_path(self) -> str:
        return self.product.categories[0].path_text if self.product.categories else ""


# Where one variant fact of a product's items comes from (`option_sources`): (fixed, fallback, option_code, unit)
# - fixed: the listing's value for every variant; None: each variant's own decides
# - fallback: the product attribute's, as text ("" without one)
# - option_code: the variant option holding the fact: the fact's name, or the attribute standing for it
# - unit: that attribute's unit, written after a variant's value ("24 cm")
# A plain tuple: a feed makes one per fact and product (a NamedTuple took three times as long to make).
OptionSource = tuple[Any, str, str, str]


def option_sources(product: ResolvedProduct, codes: Iterable[str]) -> tuple[tuple[str, OptionSource], ...]:
    """Where the variant-level facts `codes` (size, color …) come from for the items of `product`.

    A fact is the listing's channel attribute, else the variant's option, else the product attribute (which
    `channel_attributes` also carries, as the product's fallback: it must not outrank the variant). The option
    and the attribute are the product type's attribute of the fact's name, else the one marked as standing for
    it (`ResolvedProduct.attribute_for`: a shoe's `shoe_size` is its size). The product's part is worked out
    here once for all its variants; `option_text` finishes it."""
    first_attributes: dict[str, Any] = {}
    for attribute in product.attributes:
        first_attributes.setdefault(attribute.code, attribute.value)
    listing = product.listing_attributes
    sources = []
    for code in codes:
        value = listing.get(code)
        fixed = None if value is None or value == "" else value
        option_code, unit = product.attribute_for(code)
        if option_code == code:
            fallback = with_unit(first_attributes.get(code), unit)
        else:  # a value under the fact's own name (not an attribute of the type: no unit known) comes first
            fallback = with_unit(first_attributes.get(code), "") or with_unit(first_attributes.get(option_code), unit)
        sources.append((code, (fixed, fallback, option_code, unit)))
    return tuple(sources)


def option_text(variant: ResolvedVariant, source: OptionSource) -> str:
    """A variant's fact as text ("" without one), from its product's `option_sources` entry."""
    fixed, fallback, option_code, unit = source
    if fixed is not None:
        return str(fixed)
    return with_unit(variant.options.get(option_code), unit) or fallback


def with_unit(value: Any, unit: str) -> str:
    """An attribute's value as text, followed by its unit when it has one ("" for no value)."""
    if value is None or value == "":
        return ""
    return f"{value} {unit}" if unit else str(value)


def sku_too_long(variant: ResolvedVariant, limit: int, reason: str) -> list[Issue]:
    """A marketplace's limit on its item id (the SKU): a longer one is left out and reported, never cut, since
    a cut id would no longer be the SKU (orders and reports come back with it) and could be another item's."""
    return [Issue("error", "sku", reason, variant.sku)] if len(variant.sku) > limit else []


class LineBlocks:
    """Lines written to a feed's sink in blocks: each line followed by `end`, one encode and one write per
    BLOCK_LINES lines (a write per line went through the gzip copy each time)."""

    BLOCK_LINES = 512

    def __init__(self, sink: BinaryIO, end: str):
        self._sink = sink
        self._end = end
        self._lines: list[str] = []

    def add(self, line: str) -> None:
        self._lines.append(line)
        if len(self._lines) >= self.BLOCK_LINES:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            self._sink.write((self._end.join(self._lines) + self._end).encode())
            self._lines.clear()


class PerProduct:
    """A value computed from an item's product, kept while that product's items go by.

    The pipeline yields the items (variants) of a product one after another, so product-level work (texts
    stripped of markup and escaped, brand, category path, image links) is done once per product instead of
    once per variant. `compute(item, *args)` must read only the item's product and the arguments.
    """

    __slots__ = ("_compute", "_product", "_value")

    def __init__(self, compute):
        self._compute = compute
        self._product = None
        self._value = None

    def __call__(self, item: FeedItem, *args):
        if item.product is not self._product:
            self._value = self._compute(item, *args)
            self._product = item.product
        return self._value


@dataclass(slots=True)
class FeedContext:
    """Facts of the channel and of the run that a serializer needs besides the items."""

    channel_code: str
    channel_name: str
    currency: str
    locale: str  # BCP 47, e.g. en-US
    country: str
    link: str  # the storefront's home (RSS <channel><link>)
    built_at: datetime
    amazon_seller_id: str = ""
    amazon_marketplace_id: str = ""
    # Amazon: the SKUs the previous set listed, sorted without repeats, read as the DELETEs are written
    previous_skus: Iterable[str] = ()
    deletes_written: int = 0
    max_messages: int = 0  # Amazon: messages per document (0: the schema's limit)


class Serializer(Protocol):
    def write(self, sink: BinaryIO, items: Iterable[FeedItem], context: FeedContext) -> int:
        """Write the whole document for `items`; return the number of items written."""


# --- values -------------------------------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_BLOCK_END = re.compile(r"<\s*(br\s*/?|/p|/li|/h[1-6]|/div|/ul|/ol|/dt|/dd)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def clean_text(value: Any) -> str:
    """Text without the control characters XML 1.0 and most parsers reject."""
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():  # no control character at all: the usual case, and ten times cheaper to ask
        return text
    return _CONTROL.sub("", text)


def plain_text(rich: str) -> str:
    """Rich text (HTML) as plain text: block ends become line breaks, tags go, entities are decoded."""
    if not rich:
        return ""
    if "<" not in rich and "&" not in rich:
        return clean_text(rich).strip()
    text = _BLOCK_END.sub("\n", rich)
    text = html.unescape(_TAG.sub("", text))
    text = _SPACES.sub(" ", clean_text(text).replace("\xa0", " "))
    return _BLANK_LINES.sub("\n", text).strip()


def one_line(value: str) -> str:
    """For formats without quoting (Google TSV): tabs and line breaks become spaces."""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        # No tab, line break or other whitespace but single inner spaces: already one line (most values).
        return value
    return _SPACES.sub(" ", value.replace("\n", " ").replace("\r", " ").replace("\t", " ")).strip()


def csv_cell(value: str) -> str:
    """A cell as the csv module's excel dialect writes it (RFC 4180, minimal quoting): in quotes when it holds
    a comma, a quote or a line break, inner quotes doubled.

    The CSV feeds write their rows with this instead of `csv.writer.writerow`, which took 5.5 µs for a Meta
    row: a product's cells are encoded once for all its variants, and most variant cells need no quotes.
    `tests/feeds/test_csv_cells.py` holds it to `csv.writer`'s output."""
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def money(amount: Decimal | None, currency: str) -> str:
    """Google and Meta price format: `12.00 USD` (dot decimal, the currency's minor unit, ISO code)."""
    if amount is None:
        return ""
    return f"{format_amount(amount, currency)} {currency}"


def iso_minute(moment: datetime, *, colon: bool) -> str:
    """ISO 8601 to the minute with a numeric offset: `2026-02-24T13:00-0800` (Google) or `-08:00` (Meta)."""
    text = moment.strftime("%Y-%m-%dT%H:%M%z")
    if colon and len(text) > 5 and text[-5] in "+-":
        text = f"{text[:-2]}:{text[-2:]}"
    return text


def sale_interval(variant: ResolvedVariant, now: datetime, *, colon: bool) -> str:
    """`start/end` of the sale, or "" without a sale window (a sale price without one applies at once).

    Google and Meta need both ends: a missing start is the build time, a missing end a year after the start.
    """
    if variant.sale_price is None or (variant.sale_start is None and variant.sale_end is None):
        return ""
    start = variant.sale_start or now.replace(second=0, microsecond=0)
    end = variant.sale_end or start + timedelta(days=365)
    return f"{iso_minute(start, colon=colon)}/{iso_minute(end, colon=colon)}"


def sale_applies(variant: ResolvedVariant, now: datetime) -> bool:
    """A sale price goes into a feed unless its window has already ended (future windows carry dates)."""
    if variant.sale_price is None or variant.price is None:
        return False
    return variant.sale_end is None or variant.sale_end > now


def weight(variant: ResolvedVariant) -> str:
    """`1.5 kg`: the number without trailing zeros, then the unit (g, kg, lb, oz)."""
    if variant.weight is None:
        return ""
    number = variant.weight.normalize()
    text = f"{number:f}"
    return f"{text} {variant.weight_unit}"


def url_list_item(url: str) -> str:
    """A URL inside a comma-separated list: commas must be encoded (feeds.md §1.1)."""
    return url.replace(",", "%2C")
