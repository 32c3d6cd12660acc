"""The server-side response cache: a repeated read costs no query, and every change that alters a read is
visible in the very next request (the catalog version moves), whatever was cached before it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import Product, StockLevel
from channels.api_keys import api_key_create
from channels.catalog_version import catalog_changed, catalog_version
from channels.models import ProductListing, VariantListing
from tests.factories import ChannelFactory, listed_product

pytestmark = pytest.mark.django_db

LIST = "/api/v1/products"


@pytest.fixture(autouse=True)
def _response_cache_on(settings):
    settings.API_RESPONSE_CACHE = True


def _items(api) -> list[dict]:
    response = api.get(LIST)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_a_repeated_read_is_served_from_the_cache_without_a_query(api, channel):
    product = listed_product(channel)
    first = api.get(LIST)
    detail = api.get(f"/api/v1/products/{product.pk}")

    with CaptureQueriesContext(connection) as queries:
        again = api.get(LIST)
        detail_again = api.get(f"/api/v1/products/{product.pk}")

    assert (again.content, again["ETag"]) == (first.content, first["ETag"])
    assert detail_again.content == detail.content
    assert len(queries) == 0


def test_a_cached_read_still_answers_if_none_match_with_a_304(api, channel):
    listed_product(channel)
    etag = api.get(LIST)["ETag"]

    response = api.get(LIST, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response["ETag"] == etag


def test_the_cache_is_off_by_the_setting(api, channel, settings):
    settings.API_RESPONSE_CACHE = False
    listed_product(channel)
    api.get(LIST)

    with CaptureQueriesContext(connection) as queries:
        api.get(LIST)

    assert len(queries) > 0


def test_publishing_a_product_shows_it_in_the_next_request(api, channel):
    shown = listed_product(channel)
    draft = listed_product(channel, live=False)
    assert [item["id"] for item in _items(api)] == [shown.pk]

    Product.objects.get(pk=draft.pk).save_revision().publish()

    assert sorted(item["id"] for item in _items(api)) == sorted([shown.pk, draft.pk])
    assert api.get(f"/api/v1/products/{draft.pk}").status_code == 200


def test_unpublishing_a_product_hides_it_in_the_next_request(api, channel):
    product = listed_product(channel)
    assert [item["id"] for item in _items(api)] == [product.pk]
    assert api.get(f"/api/v1/products/{product.pk}").status_code == 200

    Product.objects.get(pk=product.pk).unpublish()

    assert _items(api) == []
    assert api.get(f"/api/v1/products/{product.pk}").status_code == 404


def test_a_stock_change_shows_in_the_next_request(api, channel):
    product = listed_product(channel, stock=3)
    sku = product.variants.get().sku
    assert _items(api)[0]["variants"][0]["availableQuantity"] == 3
    assert api.get(f"/api/v1/variants/{sku}").json()["variant"]["availableQuantity"] == 3

    level = StockLevel.objects.get(variant__sku=sku)
    level.on_hand = 0
    level.save()

    [item] = _items(api)
    assert (item["variants"][0]["availableQuantity"], item["availability"]) == (0, "out_of_stock")
    assert api.get(f"/api/v1/variants/{sku}").json()["variant"]["availableQuantity"] == 0


def test_a_bulk_stock_update_shows_in_the_next_request_once_announced(api, channel):
    """Writes that send no signals (QuerySet.update, as orders reserve stock) call catalog_changed()."""
    product = listed_product(channel, stock=3)
    assert _items(api)[0]["variants"][0]["availableQuantity"] == 3

    StockLevel.objects.filter(variant__product=product).update(reserved=2)
    catalog_changed()

    assert _items(api)[0]["variants"][0]["availableQuantity"] == 1


def test_a_price_change_shows_in_the_next_request(api, channel):
    product = listed_product(channel, price="24.99")
    assert _items(api)[0]["priceFrom"] == "24.99"
    detail = f"/api/v1/products/by-slug/{product.slug}"
    assert api.get(detail).json()["variants"][0]["price"] == "24.99"

    row = VariantListing.objects.get(product=product, channel=channel)
    row.price = Decimal("19.50")
    row.save()

    assert _items(api)[0]["priceFrom"] == "19.50"
    assert api.get(detail).json()["variants"][0]["price"] == "19.50"


def test_a_price_change_published_with_a_revision_shows_in_the_next_request(api, channel):
    product = listed_product(channel, price="24.99")
    assert _items(api)[0]["priceFrom"] == "24.99"

    draft = Product.objects.get(pk=product.pk)
    rows = list(draft.variant_listings.all())
    rows[0].price = Decimal("9.99")  # an editor's change in the product form, saved and published
    draft.variant_listings = rows
    draft.save_revision().publish()

    assert _items(api)[0]["priceFrom"] == "9.99"


def test_a_channel_change_shows_in_the_next_request(api, channel):
    product = listed_product(channel)
    assert _items(api)[0]["url"] != f"https://new.example.com/p/{product.slug}"

    channel.product_url_template = "https://new.example.com/p/{slug}"
    channel.save()

    assert _items(api)[0]["url"] == f"https://new.example.com/p/{product.slug}"


def test_channels_and_locales_never_share_an_entry(api, channel):
    product = listed_product(channel, price="24.99")
    other = ChannelFactory(code="pos", currency="USD", default_locale="en-US")
    VariantListing.objects.create(
        product=product, channel=other, sku=product.variants.get().sku, currency="USD", price=Decimal("30.00")
    )

    ProductListing.objects.create(product=product, channel=other, published=True)
    other_api = Client(HTTP_AUTHORIZATION=f"Bearer {api_key_create(channel=other, name='pos')[1]}")

    assert _items(api)[0]["priceFrom"] == "24.99"
    assert _items(other_api)[0]["priceFrom"] == "30.00"
    assert api.get(LIST, HTTP_ACCEPT_LANGUAGE="de-DE").json()["items"][0]["locale"] == "de-DE"
    assert _items(api)[0]["locale"] == "en-US"


def test_the_version_moves_on_every_change(channel):
    before = catalog_version()

    listed_product(channel)

    assert catalog_version() > before
