"""hub/converters.py: each column converter gives exactly what Django's converters give, value for value."""

import json
import math

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from catalog.models import Product, Variant
from channels.models import ProductListing, VariantListing
from hub.converters import column_converters, convert_rows
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def column_of(queryset, name: str):
    """The compiled column `name` of a values_list queryset: Django's converters for it and its expression."""
    connection = connections[DEFAULT_DB_ALIAS]
    compiler = queryset.values_list(name).query.get_compiler(connection=connection)
    expression = compiler.get_select()[0][0][0]
    functions = compiler.get_converters([expression])[0][0]
    return functions, expression, connection


def djangos(functions, expression, connection, values):
    converted = []
    for value in values:
        for function in functions:
            value = function(value, expression, connection)
        converted.append(value)
    return converted


def ours(functions, expression, connection, values):
    ((_, convert),) = column_converters({0: (functions, expression)}, connection)
    return convert(values)


def same(left: list, right: list) -> bool:
    """Equal values of equal types (and the same sign of a zero decimal), NaN equal to NaN."""
    if len(left) != len(right):
        return False
    pairs = zip(left, right, strict=True)
    return all(type(a) is type(b) and (a == b or (a != a and b != b)) and str(a) == str(b) for a, b in pairs)


def sqlite_only():
    if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
        pytest.skip("a SQLite converter: PostgreSQL's driver returns these values typed")


@pytest.mark.parametrize("text", ["2026-03-04 05:06:07", "2026-03-04 05:06:07.000123", "2026-3-4 5:06:07", None])
def test_sqlite_datetime_text_is_read_as_djangos_converter_reads_it(text):
    sqlite_only()
    column = column_of(Product.objects.all(), "created_at")

    assert same(ours(*column, [text]), djangos(*column, [text]))
    if text:
        assert ours(*column, [text])[0].tzinfo is not None


def test_sqlite_decimals_are_djangos_including_zeros_and_after_the_memory_starts_again():
    sqlite_only()
    column = column_of(VariantListing.objects.all(), "price")
    stored = [19.99, 19.99, 20, 20.0, 0, 0.0, -0.0, -0.0, 0.0, 1e-7, 123456789.125, None, 19.99, 2.675, -5.5]
    many = [n / 100 for n in range(12_000)] + stored  # more distinct prices than a column remembers

    assert same(ours(*column, stored), djangos(*column, stored))
    assert same(ours(*column, many), djangos(*column, many))
    assert ours(*column, [-0.0])[0].is_signed() and not ours(*column, [0.0])[0].is_signed()


def test_sqlite_booleans_are_djangos_for_whatever_the_column_holds():
    sqlite_only()
    column = column_of(ProductListing.objects.all(), "published")
    stored = [0, 1, None, True, False, 1.0, "1", 2]

    assert same(ours(*column, stored), djangos(*column, stored))


def test_a_json_column_is_decoded_as_django_decodes_it_whatever_one_value_holds():
    column = column_of(Variant.objects.all(), "options")
    usual = ['{"size": "M"}', None, "[1, 2.5, null, true]", '"text ü"']
    long_number = [*usual, json.dumps({"big": 2**70})]  # orjson would read a float: the whole column goes slowly
    not_json = [*usual, "NaN", "{nope"]  # orjson refuses both; json reads NaN, Django answers the text for the other

    for values in (usual, long_number, not_json):
        assert same(ours(*column, values), djangos(*column, values))
    big = ours(*column, long_number)[-1]["big"]
    assert big == 2**70 and isinstance(big, int)
    assert math.isnan(ours(*column, not_json)[-2])


def test_rows_keep_their_order_and_unconverted_columns():
    product = ProductFactory(attributes={"a": 1})
    rows = [(product.pk, '{"a": 1}', "x"), (product.pk + 1, None, "y")]
    column = column_of(Product.objects.all(), "attributes")

    plan = column_converters({1: column[:2]}, column[2])

    assert convert_rows(rows, plan) == [(product.pk, {"a": 1}, "x"), (product.pk + 1, None, "y")]
    assert convert_rows([], plan) == [] and convert_rows(rows, ()) is rows
