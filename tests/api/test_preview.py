import pytest
from django.test import Client, RequestFactory, override_settings

from catalog.models import Product
from channels.api.preview import product_preview_create, serve_product_preview
from tests.factories import listed_product

pytestmark = pytest.mark.django_db


def _draft(product: Product, title: str) -> Product:
    product.title = title
    revision = product.save_revision()
    return revision.as_object()


def test_preview_token_returns_the_draft_and_live_reads_do_not(api, channel):
    product = listed_product(channel, title="Live title")
    token = product_preview_create(_draft(Product.objects.get(pk=product.pk), "Draft title"))

    preview = api.get("/api/v1/products/preview", {"token": token})
    by_id = api.get(f"/api/v1/products/{product.pk}", {"previewToken": token})
    live = api.get(f"/api/v1/products/{product.pk}")

    assert preview.status_code == 200
    assert preview.json()["title"] == "Draft title"
    assert preview["Cache-Control"] == "no-store"
    assert by_id.json()["title"] == "Draft title"
    assert live.json()["title"] == "Live title"


def test_preview_works_for_a_product_not_yet_listed(api, channel):
    product = listed_product(channel, live=False, title="Unreleased")
    token = product_preview_create(product)

    assert api.get(f"/api/v1/products/{product.pk}").status_code == 404
    assert api.get("/api/v1/products/preview", {"token": token}).json()["title"] == "Unreleased"


def test_preview_token_reads_only_the_object_it_was_made_for(api, channel):
    product = listed_product(channel)
    other = listed_product(channel)
    token = product_preview_create(_draft(Product.objects.get(pk=product.pk), "Draft"))

    response = api.get(f"/api/v1/products/{other.pk}", {"previewToken": token})
    by_slug = api.get(f"/api/v1/products/by-slug/{other.slug}", {"previewToken": token})

    assert response.status_code == 404
    assert by_slug.status_code == 404


@override_settings(API_PREVIEW_MAX_AGE=0)
def test_an_expired_preview_token_is_refused(api, channel):
    product = listed_product(channel)
    token = product_preview_create(product)

    response = api.get("/api/v1/products/preview", {"token": token})

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "preview_expired"


def test_a_forged_preview_token_is_refused(api, channel):
    response = api.get("/api/v1/products/preview", {"token": "id=1:forged:signature"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_preview_token"


def test_preview_still_needs_the_channel_key(channel):
    product = listed_product(channel)
    token = product_preview_create(product)

    assert Client().get("/api/v1/products/preview", {"token": token}).status_code == 401


def test_admin_preview_opens_the_channel_storefront_url_with_a_token(channel):
    product = listed_product(channel, slug="linen-shirt")
    request = RequestFactory().get("/admin/")

    response = serve_product_preview(product, request, "web")

    html = response.content.decode()
    assert "https://shop.example.com/p/linen-shirt?sku=" in html
    assert "content_type=catalog.product" in html and "token=" in html
