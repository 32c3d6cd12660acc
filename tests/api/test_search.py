import os

import pytest
from django.core.management import call_command

from tests.factories import BrandFactory, category, listed_product

pytestmark = pytest.mark.django_db


def _indexed():
    call_command("update_index", stdout=open(os.devnull, "w"))  # noqa: SIM115 - silence the command's output


def test_q_finds_by_title_brand_and_sku_ranked_by_relevance(api, channel):
    trail = BrandFactory(name="Trailmaster", slug="trailmaster")
    title_hit = listed_product(channel, title="Trail running shoe")
    brand_hit = listed_product(channel, title="Rain jacket", brand=trail)
    other = listed_product(channel, title="Wool socks")
    _indexed()

    by_title = api.get("/api/v1/products?q=running").json()["items"]
    by_brand = api.get("/api/v1/products?q=trailmaster").json()["items"]
    by_sku = api.get(f"/api/v1/products?q={other.variants.get().sku}").json()["items"]

    assert [item["id"] for item in by_title] == [title_hit.pk]
    assert [item["id"] for item in by_brand] == [brand_hit.pk]
    assert [item["id"] for item in by_sku] == [other.pk]


def test_search_never_shows_products_outside_the_channel(api, channel):
    listed_product(channel, title="Hidden lamp", live=False)
    _indexed()

    assert api.get("/api/v1/products?q=lamp").json()["items"] == []


def test_relevance_pages_by_cursor(api, channel):
    for n in range(5):
        listed_product(channel, title=f"Lamp {n}")
    _indexed()

    first = api.get("/api/v1/products?q=lamp&pageSize=3").json()
    second = api.get(f"/api/v1/products?q=lamp&pageSize=3&cursor={first['nextCursor']}").json()

    seen = [item["id"] for item in first["items"] + second["items"]]
    assert len(seen) == len(set(seen)) == 5
    assert second["nextCursor"] is None


def test_relevance_ordering_without_q_is_400(api, channel):
    response = api.get("/api/v1/products?ordering=relevance")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "ordering"


def test_suggest_completes_product_brand_and_category_names(api, channel):
    listed_product(channel, title="Lantern")
    listed_product(channel, title="Hidden lantern", live=False)
    BrandFactory(name="Lanterna", slug="lanterna")
    category("Lanterns")
    _indexed()

    body = api.get("/api/v1/products/suggest?q=lant").json()

    assert [item["title"] for item in body["products"]] == ["Lantern"]
    assert [item["name"] for item in body["brands"]] == ["Lanterna"]
    assert [item["name"] for item in body["categories"]] == ["Lanterns"]


def test_facets_count_brands_categories_and_attribute_values(api, channel):
    acme = BrandFactory(name="Acme", slug="acme")
    clothing = category("Clothing")
    shirts = category("Shirts", clothing)
    first = listed_product(channel, brand=acme, attributes={"material": "Linen"})
    first.categories.set([shirts])
    first.save()
    first.save()
    second = listed_product(channel, brand=acme, attributes={"material": "Wool"})
    second.variants.update(options={"size": "M"})
    listed_product(channel, attributes={"material": "Linen"}, live=False)

    body = api.get("/api/v1/products/facets").json()

    assert body["total"] == 2
    assert body["brands"] == [{"id": acme.pk, "name": "Acme", "slug": "acme", "count": 2}]
    assert [(item["slug"], item["count"]) for item in body["categories"]] == [("clothing", 1), ("shirts", 1)]
    attributes = {item["code"]: item["values"] for item in body["attributes"]}
    assert attributes["material"] == [{"value": "Linen", "count": 1}, {"value": "Wool", "count": 1}]
    assert attributes["size"] == [{"value": "M", "count": 1}]
    assert api.get("/api/v1/products/facets?brand=nobody").json()["total"] == 0


@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs Elasticsearch (set ELASTICSEARCH_URL)")
def test_search_through_elasticsearch(api, channel):
    product = listed_product(channel, title="Elastic band")
    _indexed()

    assert [item["id"] for item in api.get("/api/v1/products?q=elastic").json()["items"]] == [product.pk]
