"""The orders admin: Customer service changes statuses; merchandisers only look."""

import pytest
from django.urls import reverse

from orders.models import Order
from orders.payments.sandbox import CAPTURE_REFUSED_NUMBER
from tests.factories import UserFactory
from tests.orders.conftest import add_line, add_ship_to, checkout_body, new_cart


@pytest.fixture
def order(api, ready_cart) -> Order:
    response = api.post("/api-order/checkout", checkout_body(ready_cart))
    return Order.objects.get(order_id=response.json()["orderId"])


@pytest.fixture
def customer_service(db):
    return UserFactory(username="cs", groups=["Customer service"])


def test_orders_listing_filters_searches_and_exports_for_customer_service(client, customer_service, order):
    client.force_login(customer_service)
    index = reverse("orders:index")

    listing = client.get(index, {"status": "paid", "channel": order.channel_id})
    search = client.get(index, {"q": order.order_id})
    by_email = client.get(index, {"q": "joe.demo@"})
    nothing = client.get(index, {"status": "cancelled"})
    csv = client.get(index, {"export": "csv"})
    xlsx = client.get(index, {"export": "xlsx"})

    assert listing.status_code == 200 and order.order_id in listing.content.decode()
    assert order.order_id in search.content.decode()
    assert order.order_id in by_email.content.decode()
    assert order.order_id not in nothing.content.decode()
    assert csv.status_code == 200 and order.order_id in b"".join(csv.streaming_content).decode()
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_customer_service_finds_the_orders_whose_capture_failed(client, customer_service, api, ready_cart, order):
    # `order` was captured and paid; this one's card is authorized and its capture refused (sandbox)
    cart = new_cart(api)
    add_line(api, cart["cartId"], ready_cart["sku"], 1)
    cart = add_ship_to(api, cart["cartId"])
    response = api.post("/api-order/checkout", checkout_body(cart, card=CAPTURE_REFUSED_NUMBER))
    held = Order.objects.get(order_id=response.json()["orderId"])
    client.force_login(customer_service)

    not_captured = client.get(reverse("orders:index"), {"payment": "not_captured"}).content.decode()
    everything = client.get(reverse("orders:index")).content.decode()

    assert held.order_id in not_captured and order.order_id not in not_captured
    assert held.order_id in everything and order.order_id in everything
    assert "Not captured" in everything  # the filter is offered

    # "Mark paid" captures again through the gateway; this card's captures are always refused: nothing changes
    response = client.post(reverse("orders:status", args=[held.pk]), {"status": "paid"}, follow=True)
    assert "The gateway refused to capture payment …0341." in response.content.decode()
    held.refresh_from_db()
    assert held.status == "placed" and held.payments.get().status == "authorized"


def test_order_detail_shows_lines_payments_addresses_history_and_actions(client, customer_service, order):
    client.force_login(customer_service)

    response = client.get(reverse("orders:inspect", args=[order.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        order.lines.get().sku,
        "…1111",
        "600 CONGRESS AVE",
        "placed",
        'value="fulfilled"',
        'value="cancelled"',
    ):
        assert text in content


def test_customer_service_cancels_an_order_from_the_admin(client, customer_service, order):
    client.force_login(customer_service)

    response = client.post(reverse("orders:status", args=[order.pk]), {"status": "cancelled"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.events.last().user == customer_service


def test_merchandisers_see_orders_but_cannot_change_them(client, merchandiser, order):
    client.force_login(merchandiser)

    listing = client.get(reverse("orders:index"))
    detail = client.get(reverse("orders:inspect", args=[order.pk]))
    change = client.post(reverse("orders:status", args=[order.pk]), {"status": "cancelled"})

    assert listing.status_code == 200 and order.order_id in listing.content.decode()
    assert detail.status_code == 200 and 'value="cancelled"' not in detail.content.decode()
    assert (change.status_code, change.url) == (302, "/admin/")  # Wagtail's answer to PermissionDenied
    order.refresh_from_db()
    assert order.status == "paid"


def test_shipping_rates_admin_lists_rates(client, superuser, shipping_rate):
    client.force_login(superuser)

    response = client.get(reverse("shipping_rates:index"))

    assert response.status_code == 200
    assert "Standard" in response.content.decode()
