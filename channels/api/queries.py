"""The reads behind /products: filters, orderings with keyset cursors, search ids, tombstones, facets.

Visibility comes from channels.selectors, the rows of a page from the plain-row loader (channels.bulk), and
the resolver does every fallback. What is here is only what must run in SQL to filter and sort a channel's
products (price, stock).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from catalog.models import Attribute, Brand, Category, Product, Variant
from channels.api.cursor import cursor_decode, cursor_encode, query_fingerprint
from channels.api.http import bad_request
from channels.api.search import search_ids
from channels.bulk import PRODUCT_COLUMNS, load_children, load_products, product_from_row
from channels.models import Channel, ProductListing
from channels.selectors import channel_unit_price, in_stock_on, visible_in
from hub.models import ProductTombstone
from hub.statements import rows_for

ORDERINGS = ("title", "-title", "price", "-price", "newest", "updated", "relevance")
_ATTRIBUTE_CODE = "abcdefghijklmnopqrstuvwxyz0123456789_-"


@dataclass
class ProductQuery:
    """The parsed filters and ordering of a product list (or of its facets)."""

    category: list[str] = field(default_factory=list)
    brand: list[str] = field(default_factory=list)
    product_type: list[str] = field(default_factory=list)
    attribute: list[str] = field(default_factory=list)
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    q: str | None = None
    updated_since: datetime | None = None
    ordering: str | None = None

    def effective_ordering(self) -> str:
        if self.ordering:
            if self.ordering == "relevance" and not self.q:
                raise bad_request("Ordering by relevance needs a search (?q=).", "ordering")
            return self.ordering
        if self.q:
            return "relevance"
        return "updated" if self.updated_since else "title"

    def fingerprint(self, channel: Channel) -> str:
        return query_fingerprint(
            {
                "channel": channel.pk,
                "category": sorted(self.category),
                "brand": sorted(self.brand),
                "productType": sorted(self.product_type),
                "attribute": sorted(self.attribute),
                "minPrice": str(self.min_price),
                "maxPrice": str(self.max_price),
                "inStock": self.in_stock,
                "q": self.q,
                "updatedSince": self.updated_since.isoformat() if self.updated_since else None,
                "ordering": self.effective_ordering(),
            }
        )


def _ids_or_slugs(values: list[str]) -> Q:
    ids = [int(value) for value in values if value.isdigit() and len(value) < 19]
    slugs = [value for value in values if not value.isdigit()]
    return Q(pk__in=ids) | Q(slug__in=slugs)


def _attribute_condition(raw: str) -> Q:
    code, sep, value = raw.partition(":")
    code = code.strip().lower()
    value = value.strip()
    if not sep or not code or not value or any(char not in _ATTRIBUTE_CODE for char in code):
        raise bad_request("Use attribute=code:value, e.g. attribute=color:Red.", "attribute")
    candidates: list[Any] = [value]
    if value.lower() in ("true", "yes"):
        candidates.append(True)
    elif value.lower() in ("false", "no"):
        candidates.append(False)
    else:
        try:
            number = Decimal(value)
        except ArithmeticError:
            number = None
        if number is not None and number.is_finite() and abs(number) < 10**15:
            candidates.append(int(number) if number == number.to_integral_value() else float(number))
    on_product = Q()
    on_variant = Q()
    for candidate in candidates:
        on_product |= Q(**{f"attributes__{code}": candidate})
        on_variant |= Q(**{f"options__{code}": candidate})
    variants = Variant.objects.filter(on_variant, product=OuterRef("pk"), active=True)
    return on_product | Q(Exists(variants))


def filtered(channel: Channel, query: ProductQuery, at: datetime, hits: list[int] | None) -> QuerySet:
    """The channel's visible products that pass every filter (no ordering, no prefetch)."""
    queryset = visible_in(channel, at=at)
    if query.category:
        paths = list(Category.objects.filter(_ids_or_slugs(query.category)).values_list("path", flat=True))
        in_tree = Q(pk__in=[])
        for path in paths:
            in_tree |= Q(category__path__startswith=path)
        links = Product.categories.through.objects.filter(in_tree, product_id=OuterRef("pk"))
        queryset = queryset.filter(Exists(links))
    if query.brand:
        queryset = queryset.filter(brand__in=Brand.objects.filter(_ids_or_slugs(query.brand)))
    if query.product_type:
        ids = [int(value) for value in query.product_type if value.isdigit() and len(value) < 19]
        queryset = queryset.filter(Q(product_type__slug__in=query.product_type) | Q(product_type_id__in=ids))
    for raw in query.attribute:
        queryset = queryset.filter(_attribute_condition(raw))
    if query.min_price is not None or query.max_price is not None:
        queryset = queryset.annotate(_price=channel_unit_price(channel, at))
        if query.min_price is not None:
            queryset = queryset.filter(_price__gte=float(query.min_price))
        if query.max_price is not None:
            queryset = queryset.filter(_price__lte=float(query.max_price))
    if query.in_stock is not None:
        condition = in_stock_on(channel)
        queryset = queryset.filter(condition if query.in_stock else ~condition)
    if query.updated_since is not None:
        opened = ProductListing.objects.filter(
            product=OuterRef("pk"), channel=channel, available_from__gte=query.updated_since
        )
        queryset = queryset.filter(Q(updated_at__gte=query.updated_since) | Q(Exists(opened)))
    if hits is not None:
        queryset = queryset.filter(pk__in=hits)
    return queryset


_KEYS = {
    # ordering: (annotation or field, descending, kind of the cursor value)
    "title": ("title", False, "str"),
    "-title": ("title", True, "str"),
    "price": ("_sort_price", False, "float"),
    "-price": ("_sort_price", True, "float"),
    "newest": ("created_at", True, "datetime"),
    "updated": ("updated_at", False, "datetime"),
}


def _position_value(kind: str, raw: Any) -> Any:
    if kind == "datetime":
        return datetime.fromisoformat(raw)
    if kind == "float":
        return float(raw)
    return str(raw)


def page_of_products(
    channel: Channel,
    query: ProductQuery,
    *,
    locale: str | None,
    at: datetime,
    cursor: str | None,
    page_size: int,
) -> tuple[list[SimpleNamespace], str | None]:
    """One page of the channel's products (loaded for the resolver) and the cursor of the next.

    The products are the plain-row loader's stand-ins (live rows only: drafts never reach a list), in the
    loader's fixed number of queries whatever the page size and the products' children.
    """
    ordering = query.effective_ordering()
    fingerprint = query.fingerprint(channel)
    position = cursor_decode(cursor, fingerprint) if cursor else None
    hits = search_ids(query.q) if query.q else None

    if ordering == "relevance":
        offset = 0
        if position is not None:
            if len(position) != 1 or not isinstance(position[0], int) or position[0] < 0:
                raise bad_request("This cursor is not valid.", "cursor", "invalid_cursor")
            offset = position[0]
        matching = set(filtered(channel, query, at, hits).values_list("pk", flat=True))
        ranked = [pk for pk in hits if pk in matching][offset : offset + page_size + 1]
        products = load_products(ranked[:page_size], channel=channel, locale=locale)  # keeps the ranking
        more = len(ranked) > page_size
        return products, cursor_encode(fingerprint, [offset + page_size]) if more else None

    key, descending, kind = _KEYS[ordering]
    if position is None:
        values: tuple = (at,)
    else:
        try:
            values = (at, _position_value(kind, position[0]), int(position[1]))
        except (ValueError, TypeError, IndexError) as exc:
            raise bad_request("This cursor is not valid.", "cursor", "invalid_cursor") from exc

    def build(at: datetime, *after: Any) -> QuerySet:
        return _ordered_page(filtered(channel, query, at, hits), channel, at, ordering, after, page_size + 1)

    # Compiled once per filter combination (the values above are bound); a category filter reads the
    # category tree and a search its hits while building, and those change, so such a page is built anew.
    statement_key = (
        None if query.category or hits is not None else ("products-page", fingerprint, bool(position), page_size)
    )
    rows = rows_for(statement_key, build, *values)
    columns = len(PRODUCT_COLUMNS)  # then the ordering key, when it is not one of them
    products = load_children(
        [product_from_row(row[:columns]) for row in rows[:page_size]], channel=channel, locale=locale
    )
    if len(rows) <= page_size:
        return products, None
    last = rows[page_size - 1]
    pk, value = last[0], last[_page_columns(key).index(key)]
    if kind == "datetime":
        value = value.isoformat()
    return products, cursor_encode(fingerprint, [value, pk])


def _ordered_page(
    queryset: QuerySet, channel: Channel, at: datetime, ordering: str, after: tuple, limit: int
) -> QuerySet:
    """The loader's product columns (and the ordering key) of the first `limit` products in this ordering,
    after the cursor's (key, pk): the page's products and its next cursor in one query."""
    key, descending, _ = _KEYS[ordering]
    if key == "_sort_price":
        fallback = -1.0 if descending else 1e18  # products without a price come last either way
        queryset = queryset.annotate(_sort_price=Coalesce(channel_unit_price(channel, at), Value(fallback)))
    if after:
        value, last_pk = after
        if descending:
            queryset = queryset.filter(Q(**{f"{key}__lt": value}) | Q(**{key: value, "pk__lt": last_pk}))
        else:
            queryset = queryset.filter(Q(**{f"{key}__gt": value}) | Q(**{key: value, "pk__gt": last_pk}))
    order = (f"-{key}", "-pk") if descending else (key, "pk")
    return queryset.order_by(*order).values_list(*_page_columns(key))[:limit]


def _page_columns(key: str) -> tuple[str, ...]:
    return PRODUCT_COLUMNS if key in PRODUCT_COLUMNS else (*PRODUCT_COLUMNS, key)


def tombstones_since(channel: Channel, since: datetime, at: datetime) -> list[dict]:
    """Products that left the channel since `since` and are not back: recorded ones and ended windows."""
    gone: dict[int, dict] = {}
    for row in ProductTombstone.objects.filter(channel=channel, removed_at__gte=since).order_by("removed_at"):
        gone[row.product_id] = {"id": row.product_id, "slug": row.slug, "removedAt": row.removed_at}
    ended = ProductListing.objects.filter(
        channel=channel, available_until__gte=since, available_until__lte=at
    ).values_list("product_id", "product__slug", "available_until")
    for product_id, slug, until in ended:
        gone.setdefault(product_id, {"id": product_id, "slug": slug, "removedAt": until})
    if gone:
        back = set(visible_in(channel, Product.objects.filter(pk__in=gone), at=at).values_list("pk", flat=True))
        for product_id in back:
            gone.pop(product_id)
    return sorted(gone.values(), key=lambda item: (item["removedAt"], item["id"]))


def facets(queryset: QuerySet) -> dict:
    """Counts of products by brand, category (with descendants) and attribute value in a result set."""
    ids = queryset.order_by().values("pk")
    rows = list(Product.objects.filter(pk__in=ids).order_by().values_list("pk", "brand_id", "attributes"))
    total = len(rows)
    by_brand: dict[int, int] = defaultdict(int)
    values: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for pk, brand_id, attributes in rows:
        if brand_id is not None:
            by_brand[brand_id] += 1
        for code, value in (attributes or {}).items():
            if isinstance(value, str | int | float | bool):
                values[code][_facet_value(value)].add(pk)
    for pk, options in Variant.objects.filter(product_id__in=ids, active=True).values_list("product_id", "options"):
        for code, value in (options or {}).items():
            if isinstance(value, str | int | float | bool):
                values[code][_facet_value(value)].add(pk)

    by_path: dict[str, set[int]] = defaultdict(set)
    step = Category.steplen
    links = Product.categories.through.objects.filter(product_id__in=ids).values_list("product_id", "category__path")
    for pk, path in links:
        for end in range(step, len(path) + 1, step):
            by_path[path[:end]].add(pk)

    brands = Brand.objects.filter(pk__in=by_brand).only("id", "name", "slug")
    categories = Category.objects.filter(path__in=by_path).only("id", "name", "slug", "path")
    names = dict(Attribute.objects.filter(code__in=values).values_list("code", "name"))
    return {
        "total": total,
        "brands": sorted(
            ({"id": b.pk, "name": b.name, "slug": b.slug, "count": by_brand[b.pk]} for b in brands),
            key=lambda item: (-item["count"], item["name"]),
        ),
        "categories": [
            {"id": c.pk, "name": c.name, "slug": c.slug, "count": len(by_path[c.path])}
            for c in sorted(categories, key=lambda node: node.path)
        ],
        "attributes": [
            {
                "code": code,
                "name": names.get(code, code),
                "values": sorted(
                    ({"value": value, "count": len(pks)} for value, pks in counted.items()),
                    key=lambda item: (-item["count"], item["value"]),
                ),
            }
            for code, counted in sorted(values.items())
        ],
    }


def _facet_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
