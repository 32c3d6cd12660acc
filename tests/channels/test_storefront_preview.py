"""The admin's Preview button opens the channel's storefront with a token, and the API returns the draft for it."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from channels.api_keys import api_key_create
from tests.factories import ChannelFactory, listed_product, product_form_data_for


@pytest.fixture
def storefront(db):
    return ChannelFactory(
        code="web", name="Web", kind="storefront", product_url_template="https://shop.example.com/p/{slug}?sku={sku}"
    )


def test_preview_button_offers_the_admin_and_each_storefront(storefront, superuser, client):
    product = listed_product(storefront, title="Trail Shoe")
    client.force_login(superuser)

    response = client.get(reverse("wagtailsnippets_catalog_product:edit", args=[product.pk]))

    assert response.status_code == 200
    assert product.preview_modes == [("", "In the admin"), ("web", "Storefront: Web")]


def test_storefront_preview_opens_the_channel_url_with_a_token_the_api_answers_with_the_draft(
    storefront, superuser, client
):
    product = listed_product(storefront, title="Trail Shoe")
    _, key = api_key_create(channel=storefront, name="storefront")
    client.force_login(superuser)
    preview_url = reverse("wagtailsnippets_catalog_product:preview_on_edit", args=[product.pk])

    posted = client.post(preview_url, product_form_data_for(product, title="Trail Shoe (new season)"))
    assert posted.json()["is_valid"] is True
    framed = client.get(preview_url, {"mode": "web"})

    iframe_src = html.unescape(re.search(r'<iframe src="([^"]+)"', framed.content.decode()).group(1))
    assert iframe_src.startswith(f"https://shop.example.com/p/{product.slug}?sku=")
    query = parse_qs(urlsplit(iframe_src).query)
    assert query["content_type"] == ["catalog.product"]
    token = query["token"][0]

    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    draft = client.get("/api/v1/products/preview", {"token": token}, **auth)
    live = client.get(f"/api/v1/products/{product.pk}", **auth)

    assert draft.status_code == 200
    assert draft.json()["title"] == "Trail Shoe (new season)"
    assert live.json()["title"] == "Trail Shoe"  # the draft never leaks into a live read


def test_preview_in_the_admin_still_renders_the_product_here(storefront, superuser, client):
    product = listed_product(storefront, title="Trail Shoe")
    client.force_login(superuser)
    preview_url = reverse("wagtailsnippets_catalog_product:preview_on_edit", args=[product.pk])

    client.post(preview_url, product_form_data_for(product, title="Trail Shoe draft"))
    rendered = client.get(preview_url, {"mode": ""})

    assert rendered.status_code == 200
    assert "<h1>Trail Shoe draft</h1>" in rendered.content.decode()
