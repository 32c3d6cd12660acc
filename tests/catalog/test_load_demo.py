"""The demo loader: the curated catalog, its idempotence, and synthetic products for scale tests."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import Revision
from wagtail.search.backends import get_search_backend

from catalog.demo import data
from catalog.models import Attribute, Brand, Category, Product, ProductImage, StockLevel, StockLocation, Variant
from catalog.validators import is_valid_gtin

pytestmark = pytest.mark.django_db

CURATED_PRODUCTS = 60
CURATED_VARIANTS = 180
CURATED_CATEGORIES = 16  # 4 top-level, 3 sub-categories each
CURATED_BRANDS = 8


def load_demo(**options) -> str:
    stdout = io.StringIO()
    call_command("load_demo", stdout=stdout, stderr=io.StringIO(), **options)
    return stdout.getvalue()


def catalog_counts() -> dict[str, int]:
    return {
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "categories": Category.objects.count(),
        "brands": Brand.objects.count(),
        "locations": StockLocation.objects.count(),
        "stock levels": StockLevel.objects.count(),
        "gallery images": ProductImage.objects.count(),
        "revisions": Revision.objects.count(),
    }


def test_demo_loads_the_curated_catalog_and_a_second_run_changes_nothing():
    # One test for both runs: the curated load is the slow part of this file.
    load_demo()

    assert Product.objects.count() == CURATED_PRODUCTS == len(data.PRODUCTS)
    assert Variant.objects.count() == CURATED_VARIANTS
    assert Category.objects.count() == CURATED_CATEGORIES
    assert Category.objects.filter(depth=1).count() == 4
    assert Brand.objects.count() == CURATED_BRANDS
    assert set(StockLocation.objects.values_list("code", flat=True)) == {"warehouse-east", "store-nyc"}
    assert StockLevel.objects.count() == CURATED_VARIANTS * 2
    assert StockLevel.objects.filter(on_hand=0).exists()
    gtins = list(Variant.objects.values_list("gtin", flat=True))
    assert all(is_valid_gtin(gtin) and len(gtin) == 13 for gtin in gtins)
    assert len(set(gtins)) == CURATED_VARIANTS
    assert not Product.objects.exclude(images__role=ProductImage.Role.MAIN).exists()
    assert not ProductImage.objects.filter(image__alt_text="").exists()
    # Published through revisions, with a few left in the other statuses the admin shows.
    assert Product.objects.filter(live=True, has_unpublished_changes=False).count() == 55
    assert Product.objects.filter(live=True, has_unpublished_changes=True).count() == 2  # live + draft changes
    assert Product.objects.filter(live=False, go_live_at__isnull=False).count() == 1  # scheduled
    assert Product.objects.filter(live=False, go_live_at__isnull=True).count() == 2  # drafts
    assert not Product.objects.filter(latest_revision__isnull=True).exists()
    assert not Product.objects.filter(live=True, live_revision__isnull=True).exists()
    sizes = Attribute.objects.filter(marketplace_attribute="size").values_list("code", flat=True)
    assert sorted(sizes) == ["bed_size", "diameter", "length", "shoe_size"]

    before = catalog_counts()
    output = load_demo()

    assert catalog_counts() == before  # no new rows, and no new revisions
    assert "0 products created, 60 already there" in output


def test_products_option_adds_synthetic_products_with_variants_and_stock():
    before = catalog_counts()

    load_demo(products=50)

    synthetic = Product.objects.filter(slug__startswith=data.SYNTHETIC_SLUG_PREFIX)
    assert synthetic.count() == 50
    assert synthetic.filter(live=True).count() == 50
    assert Product.objects.count() == before["products"] + 50
    assert Variant.objects.count() == before["variants"] + 150
    assert StockLevel.objects.count() == before["stock levels"] + 150 * 2
    assert Revision.objects.count() == before["revisions"]  # bulk: no per-product revision
    assert all(is_valid_gtin(gtin) for gtin in Variant.objects.values_list("gtin", flat=True))
    assert not synthetic.exclude(images__role=ProductImage.Role.MAIN).exists()


def test_synthetic_products_are_searchable_once_update_index_has_run():
    load_demo(products=10)
    search = get_search_backend().search
    assert list(search("Everyday Jacket 7", Product)) == []  # bulk inserts bypass the save signals

    call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())

    assert list(search("Everyday Jacket 7", Product)) == [Product.objects.get(slug="synthetic-product-00000007")]


def test_products_option_runs_again_without_clashes():
    load_demo(products=50)

    load_demo(products=50)

    assert Product.objects.filter(slug__startswith=data.SYNTHETIC_SLUG_PREFIX).count() == 100
    assert Variant.objects.count() == 300
    assert Variant.objects.values("gtin").distinct().count() == 300
    assert Product.objects.filter(slug="synthetic-product-00000100").exists()
