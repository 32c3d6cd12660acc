"""The catalog listings: filters, search, exports, query counts, and the category tree admin."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from catalog.models import Category
from tests.factories import (
    AttributeFactory,
    BrandFactory,
    ProductFactory,
    ProductImageFactory,
    ProductTypeFactory,
    StockLevelFactory,
    StockLocationFactory,
    VariantFactory,
    category,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("wagtailsnippets_catalog_product:list")
RESULTS_URL = reverse("wagtailsnippets_catalog_product:list_results")


def listed_titles(client, **params) -> list[str]:
    response = client.get(RESULTS_URL, params)
    assert response.status_code == 200
    return sorted(product.title for product in response.context["object_list"])


@pytest.fixture
def catalog(db):
    """Three products over two brands, two types and a small tree: Apparel > Tops > Shirts, and Bags."""
    alder, north = BrandFactory(name="Alder"), BrandFactory(name="Northwind")
    shirts_type, bags_type = ProductTypeFactory(name="Shirt"), ProductTypeFactory(name="Bag")
    apparel = category("Apparel")
    tops = category("Tops", apparel)
    shirts = category("Shirts", tops)
    bags = category("Bags")
    oxford = ProductFactory(title="Oxford Shirt", brand=alder, product_type=shirts_type)
    oxford.categories.set([shirts])
    oxford.save()
    tee = ProductFactory(title="Pocket Tee", brand=north, product_type=shirts_type, live=False)
    tee.categories.set([tops])
    tee.save()
    tote = ProductFactory(title="Canvas Tote", brand=north, product_type=bags_type)
    tote.categories.set([bags])
    tote.save()
    VariantFactory(product=oxford, sku="OX-1")
    VariantFactory(product=oxford, sku="OX-2")
    VariantFactory(product=tote, sku="TOTE-1")
    return {"alder": alder, "apparel": apparel, "tops": tops, "bags_type": bags_type, "tote": tote}


@pytest.fixture
def logged_in(client, merchandiser):
    client.force_login(merchandiser)
    return client


def test_filter_by_brand(logged_in, catalog):
    assert listed_titles(logged_in, brand=catalog["alder"].pk) == ["Oxford Shirt"]


def test_filter_by_category_includes_subcategories(logged_in, catalog):
    assert listed_titles(logged_in, category=catalog["apparel"].pk) == ["Oxford Shirt", "Pocket Tee"]
    assert listed_titles(logged_in, category=catalog["tops"].pk) == ["Oxford Shirt", "Pocket Tee"]


def test_filter_by_product_type(logged_in, catalog):
    assert listed_titles(logged_in, product_type=catalog["bags_type"].pk) == ["Canvas Tote"]


def test_filter_by_status(logged_in, catalog):
    assert listed_titles(logged_in, status="draft") == ["Pocket Tee"]
    assert listed_titles(logged_in, status="live") == ["Canvas Tote", "Oxford Shirt"]


def test_filter_by_status_scheduled(logged_in, catalog):
    tote = catalog["tote"]
    tote.go_live_at = timezone.now() + timedelta(days=1)
    tote.save_revision().publish()

    assert listed_titles(logged_in, status="scheduled") == ["Canvas Tote"]


def test_filter_by_status_live_with_unpublished_changes(logged_in, catalog):
    tote = catalog["tote"]
    tote.title = "Canvas Tote Bag"
    tote.save_revision()

    assert listed_titles(logged_in, status="changed") == ["Canvas Tote"]


def test_search_finds_by_title(logged_in, catalog):
    assert listed_titles(logged_in, q="oxford") == ["Oxford Shirt"]


def test_listing_shows_brand_variant_count_and_status(logged_in, catalog):
    response = logged_in.get(LIST_URL)

    rows = {product.title: product for product in response.context["object_list"]}
    assert rows["Oxford Shirt"].variant_count == 2
    html = response.content.decode()
    assert "Northwind" in html
    assert "draft" in html and "live" in html


def export(client, export_format: str, **params):
    response = client.get(LIST_URL, {"export": export_format, **params})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.getvalue()


def test_csv_export_contains_the_filtered_rows(logged_in, catalog):
    content = export(logged_in, "csv", brand=catalog["tote"].brand_id).decode()

    rows = list(csv.DictReader(io.StringIO(content)))
    assert [(row["Title"], row["Brand"], row["Variants"], row["Status"]) for row in rows] == [
        ("Canvas Tote", "Northwind", "1", "live"),
        ("Pocket Tee", "Northwind", "0", "draft"),
    ]


def test_xlsx_export_contains_the_rows(logged_in, catalog):
    workbook = load_workbook(io.BytesIO(export(logged_in, "xlsx")))

    header, *rows = list(workbook.active.iter_rows(values_only=True))
    assert header[:4] == ("Title", "Slug", "Brand", "Product type")
    assert sorted((row[0], row[2], row[4]) for row in rows) == [
        ("Canvas Tote", "Northwind", 1),
        ("Oxford Shirt", "Alder", 2),
        ("Pocket Tee", "Northwind", 0),
    ]


def make_products(count: int) -> None:
    brand, product_type = BrandFactory(), ProductTypeFactory()
    for _ in range(count):
        product = ProductFactory(brand=brand, product_type=product_type)
        VariantFactory.create_batch(2, product=product)
        ProductImageFactory(product=product)
        product.save_revision()


def listing_query_count(client) -> int:
    client.get(LIST_URL)  # the first visit renders the thumbnails; count a visit with renditions in place
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(queries)


def test_product_listing_query_count_does_not_grow_with_the_catalog(logged_in):
    make_products(5)
    with_5 = listing_query_count(logged_in)
    make_products(20)
    with_25 = listing_query_count(logged_in)

    assert with_5 == with_25


def test_stock_listing_filters_by_location_and_searches_by_sku(logged_in):
    north, south = StockLocationFactory(code="north", name="North"), StockLocationFactory(code="south", name="South")
    StockLevelFactory(variant=VariantFactory(sku="AA-1"), location=north)
    StockLevelFactory(variant=VariantFactory(sku="BB-1"), location=south)
    url = reverse("wagtailsnippets_catalog_stocklevel:list_results")

    by_location = logged_in.get(url, {"location": north.pk}).context["object_list"]
    by_sku = logged_in.get(url, {"q": "BB"}).context["object_list"]

    assert [level.variant.sku for level in by_location] == ["AA-1"]
    assert [level.variant.sku for level in by_sku] == ["BB-1"]


@pytest.mark.parametrize("model", ["brand", "category", "producttype", "attribute", "stocklevel", "product"])
def test_catalog_admin_pages_open(logged_in, model):
    AttributeFactory()
    assert logged_in.get(reverse(f"wagtailsnippets_catalog_{model}:list")).status_code == 200
    assert logged_in.get(reverse(f"wagtailsnippets_catalog_{model}:add")).status_code == 200


def test_a_merchandiser_marks_an_attribute_as_standing_for_the_marketplace_size(logged_in):
    shoe_size = AttributeFactory(code="shoe_size", name="Shoe size")
    edit = reverse("wagtailsnippets_catalog_attribute:edit", args=[shoe_size.pk])
    form = {"name": "Shoe size", "code": "shoe_size", "kind": "text", "unit": "", "options-TOTAL_FORMS": "0"}
    form |= {"options-INITIAL_FORMS": "0", "options-MIN_NUM_FORMS": "0", "options-MAX_NUM_FORMS": "1000"}

    refused = logged_in.post(edit, {**form, "marketplace_attribute": "shoe_size"})
    saved = logged_in.post(edit, {**form, "marketplace_attribute": "size"})

    assert refused.status_code == 200 and "marketplace_attribute" in refused.context["form"].errors
    assert saved.status_code == 302
    shoe_size.refresh_from_db()
    assert shoe_size.marketplace_attribute == "size"
    listing = logged_in.get(reverse("wagtailsnippets_catalog_attribute:list"))
    assert "Sent to marketplaces as" in listing.content.decode()


# --- The category tree --------------------------------------------------------------------------

CATEGORY_ADD = reverse("wagtailsnippets_catalog_category:add")


def category_edit(node: Category) -> str:
    return reverse("wagtailsnippets_catalog_category:edit", args=[node.pk])


def tree() -> list[str]:
    return [node.indented_name for node in Category.get_tree()]


def category_data(node: Category | None = None, **fields) -> dict:
    data = {
        "name": node.name if node else "",
        "slug": node.slug if node else "",
        "description": "",
        "parent": "",
        "position": "keep" if node else "last-child",
        "sibling": "",
    }
    return data | {key: "" if value is None else str(value) for key, value in fields.items()}


@pytest.fixture
def small_tree(db):
    apparel = category("Apparel")
    return {
        "apparel": apparel,
        "tops": category("Tops", apparel),
        "shoes": category("Shoes", apparel),
        "bags": category("Bags"),
    }


def test_category_listing_is_in_tree_order_with_indentation(logged_in, small_tree):
    html = logged_in.get(reverse("wagtailsnippets_catalog_category:list")).content.decode()

    positions = [html.index(name) for name in ["Apparel", "— Tops", "— Shoes", "Bags"]]
    assert positions == sorted(positions)


def test_category_is_created_under_a_parent_as_first_child(logged_in, small_tree):
    response = logged_in.post(
        CATEGORY_ADD,
        category_data(name="Dresses", slug="dresses", parent=small_tree["apparel"].pk, position="first-child"),
    )

    assert response.status_code == 302
    assert tree() == ["Apparel", "— Dresses", "— Tops", "— Shoes", "Bags"]


def test_category_is_created_as_a_root(logged_in, small_tree):
    logged_in.post(CATEGORY_ADD, category_data(name="Home", slug="home"))

    assert tree() == ["Apparel", "— Tops", "— Shoes", "Bags", "Home"]


def test_category_moves_before_a_sibling_under_a_new_parent(logged_in, small_tree):
    bags = small_tree["bags"]

    response = logged_in.post(
        category_edit(bags),
        category_data(bags, parent=small_tree["apparel"].pk, position="left", sibling=small_tree["shoes"].pk),
    )

    assert response.status_code == 302
    assert tree() == ["Apparel", "— Tops", "— Bags", "— Shoes"]


def test_category_edit_without_a_new_place_keeps_sibling_order(logged_in, small_tree):
    tops = small_tree["tops"]

    logged_in.post(category_edit(tops), category_data(tops, name="Tops & Tees", parent=small_tree["apparel"].pk))

    assert tree() == ["Apparel", "— Tops & Tees", "— Shoes", "Bags"]


def test_category_cannot_move_under_its_own_subcategory(logged_in, small_tree):
    apparel = small_tree["apparel"]

    response = logged_in.post(
        category_edit(apparel), category_data(apparel, parent=small_tree["tops"].pk, position="last-child")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == [
        "A category cannot move under itself or one of its own subcategories."
    ]
    assert tree() == ["Apparel", "— Tops", "— Shoes", "Bags"]


def test_category_sibling_must_be_under_the_chosen_parent(logged_in, small_tree):
    bags = small_tree["bags"]

    response = logged_in.post(category_edit(bags), category_data(bags, position="right", sibling=small_tree["tops"].pk))

    assert response.status_code == 200
    assert response.context["form"].errors["sibling"] == ["“Tops” is not a category at the top level."]
    assert tree() == ["Apparel", "— Tops", "— Shoes", "Bags"]
