import pytest
from django.test import Client

from channels.api_keys import api_key_create
from channels.models import ApiKey
from tests.factories import ChannelFactory, VariantListingFactory, listed_product

pytestmark = pytest.mark.django_db


def test_products_without_a_key_are_401_json():
    response = Client().get("/api/v1/products")

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unauthorized"


def test_unknown_key_is_401(channel):
    response = Client(HTTP_AUTHORIZATION="Bearer hub_not-a-key").get("/api/v1/products")

    assert response.status_code == 401


def test_revoked_key_is_401_at_once(channel):
    api_key, raw_key = api_key_create(channel=channel, name="old")
    client = Client(HTTP_X_API_KEY=raw_key)
    assert client.get("/api/v1/channel").status_code == 200

    api_key.revoke()

    assert client.get("/api/v1/channel").status_code == 401


def test_key_of_an_inactive_channel_is_401(channel, api):
    channel.active = False
    channel.save()

    assert api.get("/api/v1/channel").status_code == 401


def test_x_api_key_header_works_like_bearer(channel, raw_key):
    response = Client(HTTP_X_API_KEY=raw_key).get("/api/v1/channel")

    assert response.status_code == 200
    assert response.json()["code"] == "web"


def test_the_key_decides_the_channel_and_its_prices(channel, api):
    eu = ChannelFactory(code="web-de", currency="EUR", default_locale="de-DE", country="DE")
    product = listed_product(channel, price="10.00")
    VariantListingFactory(variant=product.variants.get(), channel=eu, price="9.00")
    eu_client = Client(HTTP_AUTHORIZATION=f"Bearer {api_key_create(channel=eu, name='de')[1]}")

    us_items = api.get("/api/v1/products").json()["items"]
    eu_items = eu_client.get("/api/v1/products").json()["items"]

    assert [(item["currency"], item["priceFrom"]) for item in us_items] == [("USD", "10.00")]
    assert eu_items == []  # no published listing on web-de: not visible there
    assert ApiKey.objects.count() == 2


def test_openapi_and_docs_are_public():
    client = Client()

    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200
    assert "/api/v1/products" in schema.json()["paths"]
    assert docs.status_code == 200
