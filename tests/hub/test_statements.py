"""hub/statements.py: a statement compiled once gives, for any ids, the rows `values_list()` gives."""

from decimal import Decimal

import pytest

from catalog.models import Variant
from hub import statements
from hub.statements import rows_for_ids
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def variant_rows(ids):
    return Variant.objects.filter(product_id__in_ids=ids).order_by("pk").values_list("pk", "options", "weight")


def test_rows_match_values_list_for_each_set_of_ids_with_one_compilation(monkeypatch):
    products = [ProductFactory() for _ in range(3)]
    for n, product in enumerate(products):
        VariantFactory(product=product, options={"size": str(n)}, weight=Decimal("1.250"))
    compiled = []
    real_compile = statements._compile
    monkeypatch.setattr(statements, "_compile", lambda queryset: compiled.append(1) or real_compile(queryset))
    key = ("test-variants", object())  # a fresh key: nothing compiled for it yet

    for ids in ([products[0].pk], [products[1].pk, products[2].pk], [10**9]):
        rows = rows_for_ids(key, variant_rows, ids)
        assert rows == list(variant_rows(ids))  # converters applied: dicts and Decimals, not JSON text
    assert rows == [] and len(compiled) == 1
    assert isinstance(rows_for_ids(key, variant_rows, [products[0].pk])[0][1], dict)


def test_a_statement_without_an_ids_filter_is_refused():
    with pytest.raises(ValueError, match="in_ids"):
        rows_for_ids(("test-no-ids", object()), lambda ids: Variant.objects.values_list("pk"), [1])
