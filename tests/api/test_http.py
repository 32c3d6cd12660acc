import pytest
from django.test import override_settings

from tests.factories import listed_product

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/api/v1/products", "/api/v1/categories", "/api/v1/brands", "/api/v1/channel", "/api/v1/pages"]
)
def test_every_read_has_etag_last_modified_and_cache_control(api, channel, url):
    listed_product(channel)

    response = api.get(url)

    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert "Last-Modified" in response or url == "/api/v1/pages"
    assert response["Cache-Control"] == "max-age=60"
    assert "Authorization" in response["Vary"]


def test_if_none_match_gives_304_and_a_change_gives_200(api, channel):
    product = listed_product(channel)
    first = api.get(f"/api/v1/products/{product.pk}")

    again = api.get(f"/api/v1/products/{product.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    product.title = "Renamed"
    product.save()
    changed = api.get(f"/api/v1/products/{product.pk}", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert changed.status_code == 200
    assert changed.json()["title"] == "Renamed"


def test_if_modified_since_gives_304(api, channel):
    product = listed_product(channel)
    first = api.get(f"/api/v1/products/{product.pk}")

    again = api.get(f"/api/v1/products/{product.pk}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("pageSize=101", "pageSize"),
        ("pageSize=0", "pageSize"),
        ("pageSize=ten", "pageSize"),
        ("minPrice=cheap", "minPrice"),
        ("minPrice=-1", "minPrice"),
        ("minPrice=NaN", "minPrice"),
        ("inStock=maybe", "inStock"),
        ("updatedSince=yesterday", "updatedSince"),
        ("ordering=random", "ordering"),
        ("cursor=garbage", "cursor"),
        ("locale=zz-ZZ", "locale"),
        ("colour=red", "colour"),
        ("image=fill-9999x9999", "image"),
        ("q=%00", None),
    ],
)
def test_bad_parameters_are_400_json_never_500(api, channel, query, field):
    listed_product(channel)

    response = api.get(f"/api/v1/products?{query}")

    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert set(error) == {"code", "field", "message"}
    assert error["field"] == field


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/products/99999999999999999999999",
        "/api/v1/products/0",
        "/api/v1/products/by-slug/nope",
        "/api/v1/variants/%20",
        "/api/v1/pages/123",
        "/api/v1/unknown",
    ],
)
def test_missing_things_are_404_json(api, channel, url):
    response = api.get(url)

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_image_renditions_from_the_allowlist_with_absolute_urls(api, channel):
    product = listed_product(channel)

    image = api.get(f"/api/v1/products/{product.pk}?image=fill-400x400|format-webp").json()["images"][0]

    [rendition] = image["renditions"]
    assert rendition["spec"] == "fill-400x400|format-webp"
    assert rendition["url"].startswith("http://testserver/") and rendition["url"].endswith(".webp")
    assert (rendition["width"], rendition["height"]) == (400, 400)


def test_an_arbitrary_image_spec_is_400_and_renders_nothing(api, channel):
    product = listed_product(channel)

    response = api.get(f"/api/v1/products/{product.pk}?image=fill-1234x1234")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "image"
    assert not product.images.get().image.renditions.exists()


@override_settings(API_IMAGE_RENDITIONS=["fill-100x100"])
def test_the_allowlist_comes_from_settings(api, channel):
    product = listed_product(channel)

    assert api.get(f"/api/v1/products/{product.pk}?image=fill-100x100").status_code == 200
    assert api.get(f"/api/v1/products/{product.pk}?image=fill-400x400|format-webp").status_code == 400
