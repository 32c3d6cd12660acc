"""Product search goes through Wagtail's search backend: the database backend by default."""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.search.backends import get_search_backend

from catalog.models import Product
from tests.factories import BrandFactory, ProductFactory, VariantFactory


@pytest.fixture
def products(db):
    trail = ProductFactory(title="Trail Runner Shoe", brand=BrandFactory(name="Northpeak"))
    VariantFactory(product=trail, sku="TRAIL-42")
    mug = ProductFactory(title="Enamel Camping Mug", brand=BrandFactory(name="Campfire Co"))
    VariantFactory(product=mug, sku="MUG-350")
    call_command("update_index", stdout=StringIO())
    return trail, mug


def search_titles(query: str) -> list[str]:
    return [product.title for product in get_search_backend().search(query, Product)]


def test_search_finds_products_by_title_brand_and_sku(products):
    assert search_titles("runner") == ["Trail Runner Shoe"]
    assert search_titles("Campfire") == ["Enamel Camping Mug"]
    assert search_titles("MUG-350") == ["Enamel Camping Mug"]


def test_autocomplete_matches_a_title_prefix(products):
    results = get_search_backend().autocomplete("Ena", Product)
    assert [product.title for product in results] == ["Enamel Camping Mug"]


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="No Elasticsearch server can be installed on these machines; set ELASTICSEARCH_URL to run this.",
)
def test_elasticsearch_backend_indexes_and_finds_products(products, settings):
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch9",
            "URLS": [os.environ["ELASTICSEARCH_URL"]],
            "INDEX": "hub-test",
        }
    }
    call_command("update_index", stdout=StringIO())
    assert search_titles("runner") == ["Trail Runner Shoe"]
