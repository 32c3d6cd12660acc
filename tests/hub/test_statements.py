"""hub/statements.py: a statement compiled once gives, for any ids, the rows `values_list()` gives."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import CharField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import NullIf
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Product, Variant
from channels.models import VariantListing
from hub import statements
from hub.statements import Texts, rows_for, rows_for_ids
from tests.factories import ChannelFactory, ProductFactory, VariantFactory, VariantListingFactory

pytestmark = pytest.mark.django_db


def variant_rows(ids):
    return Variant.objects.filter(product_id__in_ids=ids).order_by("pk").values_list("pk", "options", "weight")


def test_rows_match_values_list_for_each_set_of_ids_with_one_compilation(monkeypatch):
    products = [ProductFactory() for _ in range(3)]
    for n, product in enumerate(products):
        VariantFactory(product=product, options={"size": str(n)}, weight=Decimal("1.250"))
    compiled = []
    real_compile = statements._compile_select
    monkeypatch.setattr(statements, "_compile_select", lambda *args: compiled.append(1) or real_compile(*args))
    key = ("test-variants", object())  # a fresh key: nothing compiled for it yet

    for ids in ([products[0].pk], [products[1].pk, products[2].pk], [10**9]):
        rows = rows_for_ids(key, variant_rows, ids)
        assert rows == list(variant_rows(ids))  # converters applied: dicts and Decimals, not JSON text
    assert rows == [] and len(compiled) == 1
    assert isinstance(rows_for_ids(key, variant_rows, [products[0].pk])[0][1], dict)


def test_a_statement_without_an_ids_filter_is_refused():
    with pytest.raises(ValueError, match="do not reach the statement"):
        rows_for_ids(("test-no-ids", object()), lambda ids: Variant.objects.values_list("pk"), [1])


def products_after(at, title, last_pk):
    """A list page's shape: a time, then a keyset cursor (title, pk)."""
    return (
        Product.objects.filter(Q(created_at__lte=at), Q(title__gt=title) | Q(title=title, pk__gt=last_pk))
        .order_by("title", "pk")
        .values_list("pk", "title", "created_at")
    )


def test_times_strings_and_ints_are_bound_like_the_querysets_values(monkeypatch):
    products = [ProductFactory(title=title) for title in ("Apple", "Banana", "Banana", "Cherry")]
    compiled = []
    real_compile = statements._compile_select
    monkeypatch.setattr(statements, "_compile_select", lambda *args: compiled.append(1) or real_compile(*args))
    key = ("test-page", object())
    later, earlier = timezone.now() + timedelta(hours=1), timezone.now() - timedelta(days=1)

    for values in [(later, "Apple", products[0].pk), (later, "Banana", products[1].pk), (earlier, "", 0)]:
        assert rows_for(key, products_after, *values) == list(products_after(*values))
    assert len(compiled) == 1
    assert [row[0] for row in rows_for(key, products_after, later, "Banana", products[1].pk)] == [
        products[2].pk,
        products[3].pk,
    ]


def test_without_a_key_nothing_is_kept_and_the_least_recently_used_statements_go(monkeypatch):
    ProductFactory(title="Apple")
    monkeypatch.setattr(statements, "MAX_STATEMENTS", 3)
    now = timezone.now()
    kept = statements._statements(connections[DEFAULT_DB_ALIAS])
    kept.clear()

    rows_for(None, products_after, now, "", 0)
    assert not kept
    for n in range(3):
        rows_for(("test-bounded", n), products_after, now, "", 0)
    rows_for(("test-bounded", 0), products_after, now, "", 0)  # used again: now the most recent
    for n in range(3, 5):
        rows_for(("test-bounded", n), products_after, now, "", 0)
    assert list(kept) == [("test-bounded", 0), ("test-bounded", 3), ("test-bounded", 4)]


def test_a_value_that_a_lookup_changes_is_refused():
    """`istartswith` sends a LIKE pattern, not the value: such a value must be part of the key instead."""
    with pytest.raises(ValueError, match="do not reach the statement"):
        rows_for(
            ("test-like", object()),
            lambda prefix: Product.objects.filter(title__istartswith=prefix).values_list("pk"),
            "A",
        )


def test_texts_are_bound_as_one_list():
    product = ProductFactory()
    skus = [VariantFactory(product=product, sku=f"SKU-{n}").sku for n in range(3)]

    def by_skus(wanted):
        return Variant.objects.filter(sku__in_texts=list(wanted)).order_by("sku").values_list("sku", flat=True)

    key = ("test-texts", object())
    assert rows_for(key, by_skus, Texts(skus[:2])) == [(skus[0],), (skus[1],)]
    assert rows_for(key, by_skus, Texts([skus[2], "nope"])) == [(skus[2],)]


def test_json_columns_decode_as_django_decodes_them_even_where_orjson_refuses():
    unusual = {"big": 2**70, "text": "ü\u2028<&>", "list": [1, 2.5, None, True], "gtin": "04006381333931"}
    plain = {"size": "M", "nested": {"a": [1, "b"]}}
    odd, usual = ProductFactory(attributes=unusual), ProductFactory(attributes=plain)

    def attributes_of(ids):
        return Product.objects.filter(pk__in_ids=ids).order_by("pk").values_list("pk", "attributes")

    rows = rows_for_ids(("test-json", object()), attributes_of, [odd.pk, usual.pk])

    assert rows[1] == (usual.pk, plain)
    read = rows[0][1]  # orjson would make an integer beyond 64 bits a float: Django's json.loads decodes it
    assert read == unusual and isinstance(read["big"], int)


def listing_rows(ids):
    """A row of every kind of converted column: decimals, datetimes, a boolean, NULLs among them."""
    return (
        VariantListing.objects.filter(product_id__in_ids=ids)
        .order_by("pk")
        .values_list("pk", "price", "sale_price", "sale_start", "sale_end", "availability_date", "published")
    )


def test_the_drivers_cursor_and_djangos_give_the_same_rows_and_the_queries_are_still_seen():
    channel = ChannelFactory()
    product = ProductFactory()
    start = timezone.now().replace(microsecond=123456)
    VariantListingFactory(product=product, channel=channel, sku="A-1", price=Decimal("19.99"), published=True)
    VariantListingFactory(
        product=product,
        channel=channel,
        sku="A-2",
        price=Decimal("5.00"),
        sale_price=Decimal("4.50"),
        sale_start=start,
        sale_end=start + timedelta(days=3),
        availability_date=start + timedelta(days=7),
        published=False,
    )
    key = ("test-listings", object())

    unwatched = rows_for_ids(key, listing_rows, [product.pk])  # no DEBUG, nothing capturing: the driver's cursor
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as watched:
        seen = rows_for_ids(key, listing_rows, [product.pk])  # Django's cursor, which logs the query

    assert unwatched == seen == list(listing_rows([product.pk]))
    assert len(watched) == 1 and "channels_variantlisting" in watched[0]["sql"]
    first, second = unwatched
    assert first[2:6] == (None, None, None, None) and first[6] is True
    assert second[3] == start and second[3].tzinfo is not None and second[5] == start + timedelta(days=7)


class NullAsText(CharField):
    """A field whose value for NULL is not None: its converter must run on NULLs too."""

    def from_db_value(self, value, expression, connection):
        return "(none)" if value is None else value


def test_a_converter_that_turns_null_into_a_value_still_runs_on_nulls():
    with_gtin, without = VariantFactory(gtin="04006381333931"), VariantFactory(gtin="")

    def gtins(ids):
        return (
            Variant.objects.filter(pk__in_ids=ids)
            .order_by("pk")
            .annotate(shown=ExpressionWrapper(NullIf(F("gtin"), Value("")), output_field=NullAsText()))
            .values_list("pk", "shown")
        )

    rows = rows_for_ids(("test-null-as-text", object()), gtins, [with_gtin.pk, without.pk])

    assert rows == [(with_gtin.pk, "04006381333931"), (without.pk, "(none)")] == list(gtins([with_gtin.pk, without.pk]))
