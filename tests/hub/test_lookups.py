"""The `in_ids` lookup (hub/lookups.py): the same rows as `__in`, with the list bound as one parameter."""

import pytest

from catalog.models import Product, Variant
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_in_ids_finds_what_in_finds_on_keys_and_foreign_keys():
    products = [ProductFactory() for _ in range(4)]
    for number, product in enumerate(products):
        VariantFactory(product=product, sort_order=number * 10)
    wanted = [products[0].pk, products[2].pk, 10**9]

    assert set(Product.objects.filter(pk__in_ids=wanted)) == set(Product.objects.filter(pk__in=wanted))
    by_fk = Variant.objects.filter(product_id__in_ids=wanted).values_list("pk", flat=True)
    assert set(by_fk) == set(Variant.objects.filter(product_id__in=wanted).values_list("pk", flat=True))
    assert len(by_fk) == 2
    assert not Product.objects.filter(pk__in_ids=[]).exists()
    # A 32-bit integer column against the ids (on PostgreSQL the array's text cast to bigint[])
    by_int = Variant.objects.filter(sort_order__in_ids=[0, 20, 25]).values_list("pk", flat=True)
    assert set(by_int) == set(Variant.objects.filter(sort_order__in=[0, 20, 25]).values_list("pk", flat=True))
    assert len(by_int) == 2


def test_in_ids_sends_one_parameter_and_the_same_sql_whatever_the_number_of_ids():
    few_sql, few_params = Product.objects.filter(pk__in_ids=range(1, 6)).query.sql_with_params()
    many_sql, many_params = Product.objects.filter(pk__in_ids=range(1, 5001)).query.sql_with_params()

    assert few_sql == many_sql
    assert len(few_params) == len(many_params) == 1


def test_in_ids_refuses_what_is_not_an_integer():
    with pytest.raises((TypeError, ValueError)):
        list(Product.objects.filter(pk__in_ids=["1; DROP TABLE catalog_product"]))


def test_in_texts_finds_what_in_finds_with_one_parameter():
    product = ProductFactory()
    skus = [VariantFactory(product=product, sku=sku).sku for sku in ("A-1", "B-2", "C'3")]
    wanted = ["A-1", "C'3", "missing"]

    found = Variant.objects.filter(sku__in_texts=wanted).values_list("sku", flat=True)
    assert set(found) == set(Variant.objects.filter(sku__in=wanted).values_list("sku", flat=True)) == {skus[0], skus[2]}
    few_sql, few_params = Variant.objects.filter(sku__in_texts=["A"]).query.sql_with_params()
    many_sql, many_params = Variant.objects.filter(sku__in_texts=[str(n) for n in range(500)]).query.sql_with_params()
    assert few_sql == many_sql and len(few_params) == len(many_params) == 1
    assert not Variant.objects.filter(sku__in_texts=[]).exists()


def test_texts_with_non_ascii_and_lone_surrogates_match_as_in_matches():
    """SQLite gets a JSON array: orjson's, or the standard library's for what orjson refuses (a lone surrogate,
    which PostgreSQL's driver cannot send at all)."""
    plain, accented = VariantFactory(sku="SKU-ÄÖÜ-1"), VariantFactory(sku="SKU-plain")
    wanted = ["SKU-ÄÖÜ-1", "SKU-plain", 'quote"back\\slash']
    if connection_vendor() == "sqlite":
        wanted.append("no\ud800such")

    found = set(Variant.objects.filter(sku__in_texts=wanted).values_list("pk", flat=True))

    assert found == {plain.pk, accented.pk}


def test_ids_beyond_64_bits_find_nothing_and_break_nothing():
    product = ProductFactory()
    if connection_vendor() == "postgresql":
        pytest.skip("a bigint parameter cannot hold it on PostgreSQL; Django's __in refuses it too")

    assert list(Product.objects.filter(pk__in_ids=[product.pk, 2**70]).values_list("pk", flat=True)) == [product.pk]


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor
