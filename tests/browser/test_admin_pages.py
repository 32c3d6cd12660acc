"""Smoke test in a real browser: every admin page a merchandiser uses opens on the demo catalog without a
server error, an error banner, a JavaScript exception or a console error.

Screenshots of the pages that matter most land in /tmp/shots/ (outside the repository) for a human to judge.
"""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from catalog.models import Attribute, Brand, Category, Product, ProductType, StockLevel
from channels.api_keys import api_key_create
from channels.models import Channel, ChannelCompleteness
from orders.models import Order, ShippingRate
from tests.browser.helpers import assert_page_ok, log_in
from tests.factories import UserFactory
from tests.orders.conftest import ApiClient, add_line, add_ship_to, checkout_body, new_cart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots")
PRODUCT_TABS = ["Content", "Attributes", "Variants", "Images", "SEO", "Channels"]


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    UserFactory(username="root", is_superuser=True, is_staff=True)
    return _order_on("web")


def _order_on(channel_code: str) -> Order:
    """An order placed through the checkout API, so the orders pages have something to show."""
    from django.test import Client

    channel = Channel.objects.get(code=channel_code)
    ShippingRate.objects.get_or_create(channel=channel, code="standard", defaults={"name": "Standard", "price": 2})
    _, raw_key = api_key_create(channel=channel, name="smoke test")
    api = ApiClient(Client(), raw_key)
    sku = (
        Product.objects.filter(live=True, channel_listings__channel=channel, variants__stock_levels__on_hand__gt=2)
        .values_list("variants__sku", flat=True)
        .first()
    )
    assert sku, "the demo has no sellable SKU on the web channel"
    cart = new_cart(api)
    add_line(api, cart["cartId"], sku, 1)
    cart = add_ship_to(api, cart["cartId"])
    response = api.post("/api-order/checkout", checkout_body(cart))
    assert response.status_code in (200, 201), response.content
    return Order.objects.get(order_id=response.json()["orderId"])


def test_every_admin_page_a_merchandiser_uses_opens_without_errors(live_server, page, demo):
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, base, "root")
    visited, failures = [], []

    def visit(url: str, *, shot: str = "") -> None:
        """Open a page and note what is wrong with it; the test goes on, so one run lists every broken page."""
        response = page.goto(base + url)
        page.wait_for_load_state("networkidle")
        visited.append(url)
        if response is None or response.status != 200:
            failures.append(f"{url}: HTTP {response and response.status}")
        else:
            try:
                assert_page_ok(page)
            except AssertionError as error:
                failures.append(f"{url}: {error}")
        page.problems.clear()
        if shot:
            page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)

    # Dashboard, with the channel readiness panel.
    visit("/admin/", shot="dashboard")
    readiness = page.locator(".w-panel", has=page.get_by_role("heading", name="Channel readiness"))
    expect(readiness).to_contain_text("Google")

    # The product listing, unfiltered and with each filter, search and a sort.
    products = reverse("wagtailsnippets_catalog_product:list")
    visit(products, shot="product-listing")
    expect(page.locator(".channel-readiness").first).to_be_visible()
    not_ready = ChannelCompleteness.objects.filter(error_count__gt=0).select_related("channel").first()
    assert not_ready is not None, "the demo should have products that are not ready for a channel"
    filters = [
        f"brand={Brand.objects.first().pk}",
        f"category={Category.objects.order_by('path').first().pk}",
        f"product_type={ProductType.objects.first().pk}",
        *(f"status={status}" for status in ("live", "draft", "changed", "scheduled")),
        *(f"not_ready_for={channel.code}" for channel in Channel.objects.filter(active=True)),
        "q=tee",
        "ordering=-variant_count",
    ]
    for query in filters:
        visit(f"{products}?{query}")
    visit(f"{products}?not_ready_for={not_ready.channel.code}", shot="product-listing-not-ready")
    expect(page.locator("#listing-results tbody tr", has_text=not_ready.product.title)).to_be_visible()

    # The product editor, every tab, on a product with work to do; then the empty add form, every tab.
    visit(reverse("wagtailsnippets_catalog_product:edit", args=[not_ready.product_id]))
    for tab in PRODUCT_TABS:
        page.get_by_role("tab", name=tab, exact=True).click()
        expect(page.get_by_role("tabpanel", name=tab)).to_be_visible()
        if page.problems:
            failures.append(f"product editor, {tab} tab: {page.problems}")
            page.problems.clear()
    expect(page.locator(".channel-readiness-panel")).to_contain_text("not ready")
    page.screenshot(path=str(SHOTS / "product-editor-channels.png"), full_page=True)
    page.get_by_role("tab", name="Channels", exact=True).click()
    page.screenshot(path=str(SHOTS / "product-editor-channels-viewport.png"))
    visit(reverse("wagtailsnippets_catalog_product:history", args=[not_ready.product_id]))
    visit(reverse("wagtailsnippets_catalog_product:add"))
    for tab in PRODUCT_TABS:
        page.get_by_role("tab", name=tab, exact=True).click()
        if page.problems:
            failures.append(f"product add form, {tab} tab: {page.problems}")
            page.problems.clear()

    # The rest of the catalog, channels, images, API keys, feeds and orders: listings and an edit page each.
    pages = [
        ("wagtailsnippets_catalog_category:list", None),
        ("wagtailsnippets_catalog_category:edit", Category.objects.order_by("path").last()),
        ("wagtailsnippets_catalog_category:add", None),
        ("wagtailsnippets_catalog_brand:list", None),
        ("wagtailsnippets_catalog_brand:edit", Brand.objects.first()),
        ("wagtailsnippets_catalog_producttype:list", None),
        ("wagtailsnippets_catalog_producttype:edit", ProductType.objects.first()),
        ("wagtailsnippets_catalog_attribute:list", None),
        ("wagtailsnippets_catalog_attribute:edit", Attribute.objects.filter(kind="choice").first()),
        ("wagtailsnippets_catalog_stocklevel:list", None),
        ("wagtailsnippets_catalog_stocklevel:edit", StockLevel.objects.first()),
        ("wagtailimages:index", None),
        ("wagtailimages:edit", Product.objects.exclude(images=None).first().images.first().image),
        ("wagtailsnippets_channels_channel:list", None),
        ("wagtailsnippets_channels_channel:edit", Channel.objects.get(code=not_ready.channel.code)),
        ("wagtailsnippets_channels_apikey:list", None),
        ("wagtailsnippets_channels_apikey:add", None),
        ("feeds_admin:index", None),
        ("orders:index", None),
        ("orders:inspect", demo),
        ("shipping_rates:index", None),
    ]
    for name, instance in pages:
        visit(reverse(name, args=[instance.pk] if instance is not None else []))
    visit(reverse("wagtailsnippets_catalog_stocklevel:list") + "?q=" + StockLevel.objects.first().variant.sku)
    for channel in Channel.objects.filter(active=True):
        visit(reverse("feeds_admin:channel", args=[channel.code]))
    expect(page.locator("body")).to_contain_text(re.compile("feed", re.I))
    assert len(visited) > 40
    assert failures == [], "\n".join(failures)
