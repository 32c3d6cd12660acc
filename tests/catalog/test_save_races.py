"""A product saved while another editor takes its SKU or slug: the form again with the error on that field, naming
the other product, and nothing of the losing save kept (no 500 from the unique constraint).

The race is reproduced with real writes: the other product is written between the form's validation and its
save (on SQLite and PostgreSQL), and, on PostgreSQL, by two admin requests in two threads that both pass
validation before either writes.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify
from wagtail.models import ModelLogEntry, Revision

from catalog.models import Product, SkuClaim, Variant
from catalog.views import ProductCreateView, ProductEditView
from tests.catalog.publishing import edit_url
from tests.factories import BrandFactory, apparel_type, product_form_data, product_form_data_for, variant_row

ADD_URL = reverse("wagtailsnippets_catalog_product:add")


@pytest.fixture
def apparel(db):
    return apparel_type()


def new_product_data(title: str, *skus: str, product_type) -> dict:
    variants = [variant_row(sku, options="size: S") for sku in skus]
    return product_form_data(
        title=title, slug=slugify(title), product_type=product_type, brand=BrandFactory(), variants=variants
    )


def another_editor_creates(title: str, sku: str, product_type, slug: str = "") -> Product:
    """What saving a new product in the admin writes: its row, its variant rows and claims, a first revision."""
    product = Product(title=title, slug=slug or slugify(title), product_type=product_type, live=False)
    product.variants = [Variant(sku=sku, options={"size": "M"}, price=Decimal("9.00"))]
    product.save()
    product.save_revision()
    return product


def write_after_validation(monkeypatch, view_class, write) -> None:
    """Run `write` when the admin view has validated the product form, before the view's save transaction
    begins: the write is kept whatever that transaction does, as another editor's committed save would be."""
    is_valid = view_class.is_valid

    def validate_then_let_the_other_editor_write(view, form):
        valid = is_valid(view, form)
        write()
        return valid

    monkeypatch.setattr(view_class, "is_valid", validate_then_let_the_other_editor_write)


def variant_errors(response, index: int) -> dict:
    return response.context["form"].formsets["variants"].forms[index].errors


def variant_rows() -> list[tuple[str, str]]:
    return sorted(Variant.objects.values_list("sku", "product__title"))


def claims() -> dict[str, str]:
    return dict(SkuClaim.objects.values_list("sku", "product__title"))


@pytest.mark.django_db
def test_new_product_whose_sku_is_taken_after_validation_is_an_error_on_sku_and_saves_nothing(
    client, merchandiser, apparel, monkeypatch
):
    client.force_login(merchandiser)
    write_after_validation(
        monkeypatch, ProductCreateView, lambda: another_editor_creates("Canvas Tote", "LS-1", apparel)
    )

    response = client.post(ADD_URL, new_product_data("Linen Shirt", "LS-0", "LS-1", product_type=apparel))

    assert response.status_code == 200
    assert "sku" not in variant_errors(response, 0)
    assert variant_errors(response, 1)["sku"] == ["SKU “LS-1” is already used in a draft of the product “Canvas Tote”."]
    assert "The product could not be created due to errors." in response.text
    assert list(Product.objects.values_list("title", flat=True)) == ["Canvas Tote"]
    assert variant_rows() == [("LS-1", "Canvas Tote")]
    assert claims() == {"LS-1": "Canvas Tote"}
    assert Revision.objects.count() == 1  # the other product's
    assert not ModelLogEntry.objects.filter(label="Linen Shirt").exists()
    assert response.context["form"].instance.pk is None  # shown as the new product it still is


@pytest.mark.django_db
def test_new_product_whose_slug_is_taken_after_validation_is_an_error_on_slug(
    client, merchandiser, apparel, monkeypatch
):
    client.force_login(merchandiser)
    write_after_validation(
        monkeypatch, ProductCreateView, lambda: another_editor_creates("Linen Shirt", "OTHER-1", apparel)
    )

    response = client.post(ADD_URL, new_product_data("Linen Shirt", "LS-1", product_type=apparel))

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [
        "Slug “linen-shirt” is already used in a draft of the product “Linen Shirt”."
    ]
    assert variant_rows() == [("OTHER-1", "Linen Shirt")]
    assert claims() == {"OTHER-1": "Linen Shirt"}


@pytest.mark.django_db
def test_draft_of_a_never_published_product_losing_a_sku_race_keeps_its_previous_draft(
    client, merchandiser, apparel, monkeypatch
):
    shirt = another_editor_creates("Linen Shirt", "LS-1", apparel)
    revisions_before = Revision.objects.for_instance(shirt).count()
    client.force_login(merchandiser)
    data = product_form_data_for(shirt, **{"variants-0-sku": "LS-2"})
    write_after_validation(monkeypatch, ProductEditView, lambda: another_editor_creates("Canvas Tote", "LS-2", apparel))

    response = client.post(edit_url(shirt), data)

    assert response.status_code == 200
    assert variant_errors(response, 0)["sku"] == ["SKU “LS-2” is already used in a draft of the product “Canvas Tote”."]
    assert Revision.objects.for_instance(shirt).count() == revisions_before
    assert variant_rows() == [("LS-1", "Linen Shirt"), ("LS-2", "Canvas Tote")]
    assert claims() == {"LS-1": "Linen Shirt", "LS-2": "Canvas Tote"}


# --- Two editors at once, on PostgreSQL (SQLite lets one writer in at a time) ---------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
def test_two_new_products_saved_at_once_with_one_sku_give_one_product_and_one_form_error(
    merchandiser, apparel, monkeypatch
):
    # Both requests validate (the SKU is free), then both write: the second insert of LS-1 fails on the
    # unique index (at once, or when the first transaction commits).
    both_validated = threading.Barrier(2, timeout=30)
    write_after_validation(monkeypatch, ProductCreateView, both_validated.wait)
    posts = [new_product_data(title, "LS-1", product_type=apparel) for title in ("Linen Shirt", "Canvas Tote")]
    responses: list = [None, None]

    def editor_saves(index: int) -> None:
        try:
            editor = Client()
            editor.force_login(merchandiser)
            responses[index] = editor.post(ADD_URL, posts[index])
        finally:
            connection.close()

    threads = [threading.Thread(target=editor_saves, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [winner] = Product.objects.values_list("title", flat=True)
    [loser] = [response for response in responses if response.status_code != 302]
    assert sorted(response.status_code for response in responses) == [200, 302]
    assert variant_errors(loser, 0)["sku"] == [f"SKU “LS-1” is already used in a draft of the product “{winner}”."]
    assert variant_rows() == [("LS-1", winner)]
    assert claims() == {"LS-1": winner}
    assert Revision.objects.count() == 1
