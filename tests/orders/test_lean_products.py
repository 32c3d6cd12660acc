"""Carts and checkouts price their lines through `resolve_variants_by_skus`, which on PostgreSQL reads the lean
products in one statement instead of the loader's five: the stand-ins must be the loader's, value for value and
type for type, so that the one resolver answers the same."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import StockLevel
from channels.bulk import load_children, product_from_row
from channels.selectors import _lean_products_in_one_statement, _live_products_with_skus, resolve_variants_by_skus
from hub.statements import Texts, rows_for
from tests.factories import (
    ChannelFactory,
    ProductFactory,
    ProductListingFactory,
    ProductTranslationFactory,
    StockLevelFactory,
    StockLocationFactory,
    VariantFactory,
    VariantListingFactory,
    listed_product,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's"),
]

AT = datetime(2030, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)


def _typed(value):
    """A value with the types of everything in it, so that 10 and Decimal('10.0000') compare unequal."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return (type(value).__name__ if not hasattr(value, "_fields") else "row", [_typed(item) for item in value])
    if hasattr(value, "__dict__"):
        return {key: _typed(item) for key, item in sorted(vars(value).items())}
    return (type(value).__name__, value)


def _loader_products(channel, skus, locale=None):
    rows = rows_for(("products-by-skus",), _live_products_with_skus, Texts(sorted(skus)))
    return load_children([product_from_row(row) for row in rows], channel=channel, locale=locale, lean=True)


def _by_pk(products) -> dict:
    return {product.pk: _typed(product) for product in products}


@pytest.fixture
def web(db):
    return ChannelFactory(code="web", currency="USD", default_locale="en-US")


@pytest.fixture
def rich_skus(web) -> list[str]:
    """Products with every kind of value the lean load reads: sales with windows, several locations, options and
    attributes with floats and a 23-digit integer, translations of several locales, rows of other channels."""
    other = ChannelFactory(code="pos", currency="EUR", default_locale="de-DE")
    product = ProductFactory(attributes={"material": "cotton", "ratio": 0.1, "big": 12345678901234567890123})
    first = VariantFactory(
        product=product, sort_order=2, weight=Decimal("1.250"), options={"size": "M", "n": 1.5}, mpn="M-1"
    )
    second = VariantFactory(product=product, sort_order=1, options={"size": "L"})
    VariantFactory(product=product, sort_order=3, active=False)
    StockLevelFactory(variant=first, on_hand=7, reserved=2)
    StockLevelFactory(variant=first, location=StockLocationFactory(code="store", name="Store"), on_hand=4)
    StockLevelFactory(variant=second, on_hand=1, reserved=3)  # more reserved than on hand
    ProductListingFactory(
        product=product,
        channel=web,
        title="Web title",
        attributes={"google_category": "Apparel"},
        available_from=AT,
        available_until=datetime(2031, 1, 1, tzinfo=UTC),
    )
    ProductListingFactory(product=product, channel=other, title="POS title")
    VariantListingFactory(
        variant=first,
        channel=web,
        price=Decimal("24.99"),
        sale_price=Decimal("19.5"),
        sale_start=AT,
        sale_end=datetime(2030, 6, 1, tzinfo=UTC),
        availability="backorder",
        availability_date=datetime(2030, 7, 1, 8, tzinfo=UTC),
    )
    VariantListingFactory(variant=second, channel=web, currency="", price=None, published=False)
    VariantListingFactory(variant=first, channel=other, price=Decimal("22.00"))
    for locale in ("en", "en-GB", "de-DE", "EN-us", "eng"):
        ProductTranslationFactory(product=product, locale=locale, title=f"Title {locale}")
    brandless = listed_product(web, variants=2, brand=None)
    draft = listed_product(web, live=False)
    return [
        first.sku,
        second.sku,
        *(variant.sku for variant in brandless.variants.all()),
        draft.variants.get().sku,
        "NO-SUCH-SKU",
    ]


@pytest.mark.parametrize("locale", [None, "de-CH"])
def test_the_one_statement_makes_the_loader_s_stand_ins(web, rich_skus, locale):
    ours = _lean_products_in_one_statement(sorted(rich_skus), web, locale)
    loaders = _loader_products(web, rich_skus, locale)

    assert len(ours) == 2  # the draft and the unknown SKU are absent
    assert _by_pk(ours) == _by_pk(loaders)


def test_skus_resolve_as_the_loader_s_products_do(web, rich_skus):
    from channels.resolver import resolve_many

    found = resolve_variants_by_skus(web, rich_skus)
    expected = {
        variant.sku: (product, variant)
        for product in resolve_many(_loader_products(web, rich_skus), web)
        for variant in product.variants
        if variant.sku in rich_skus
    }

    assert found == expected
    assert sorted(found) == sorted(rich_skus[:4])


def test_the_lean_load_is_one_statement_whatever_the_number_of_skus(web, rich_skus):
    more = [listed_product(web, variants=3) for _ in range(5)]
    skus = [*rich_skus, *(variant.sku for product in more for variant in product.variants.all())]

    with CaptureQueriesContext(connection) as queries:
        found = resolve_variants_by_skus(web, skus)

    assert len(queries.captured_queries) == 1
    assert len(found) == 4 + 15
    level = StockLevel.objects.filter(variant__product=more[0]).first()
    assert found[level.variant.sku][1].available_quantity == level.on_hand - level.reserved
