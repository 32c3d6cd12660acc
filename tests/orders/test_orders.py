"""Orders after checkout: the API read, the status lifecycle and its side effects."""

import pytest

from channels.api_keys import api_key_create
from orders.exceptions import OrderError
from orders.lifecycle import order_transition
from orders.models import Order, OutboxEvent, SandboxTransaction
from tests.factories import ChannelFactory
from tests.orders.conftest import ApiClient, checkout_body, stock_of


@pytest.fixture
def order(api, ready_cart) -> Order:
    response = api.post("/api-order/checkout", checkout_body(ready_cart))
    assert response.status_code == 200, response.content
    return Order.objects.get(order_id=response.json()["orderId"])


def test_order_get_returns_the_snapshot_without_card_data(api, order, ready_cart):
    response = api.get(f"/api-order/orders/{order.order_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["orderId"] == order.order_id
    assert body["status"] == "paid"
    assert body["lineItems"][0] | {"options": None} == {
        "lineItemId": 1,
        "sku": ready_cart["sku"],
        "title": body["lineItems"][0]["title"],
        "options": None,
        "quantity": 2,
        "unitPrice": "10.00",
        "discount": "0.00",
        "lineTotal": "20.00",
        "tax": "0.00",
        "shipToId": ready_cart["shipTos"][0]["shipToId"],
    }
    assert body["payments"][0] | {"expMonth": 0, "expYear": 0} == {
        "paymentType": "CARD",
        "brand": "Visa",
        "lastFour": "1111",
        "expMonth": 0,
        "expYear": 0,
        "holderName": "Joe Demo",
        "amount": "22.00",
        "currency": "USD",
        "status": "captured",
    }
    assert body["totals"] == {
        "subtotal": "20.00",
        "shipping": "2.00",
        "discounts": "0.00",
        "tax": "0.00",
        "total": "22.00",
    }
    assert body["billingAddress"]["country"] == "US"
    assert [event["kind"] for event in body["history"]] == ["placed", "paid"]


def test_order_of_another_channel_is_not_found(order, client):
    _, other_key = api_key_create(channel=ChannelFactory(code="pos"), name="pos")

    response = ApiClient(client, other_key).get(f"/api-order/orders/{order.order_id}")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "order_not_found"


def test_order_follows_the_lifecycle_and_fulfilment_takes_the_stock(order, ready_cart):
    for status in ("fulfilled", "shipped", "delivered"):
        order_transition(order=order, to_status=status)

    order.refresh_from_db()
    assert order.status == "delivered"
    assert stock_of(ready_cart["sku"]) == (8, 0)
    assert list(OutboxEvent.objects.values_list("topic", flat=True)) == [
        "order.created",
        "order.paid",
        "order.fulfilled",
        "order.shipped",
        "order.delivered",
    ]


def test_order_rejects_a_transition_the_lifecycle_does_not_allow(order):
    with pytest.raises(OrderError) as error:
        order_transition(order=order, to_status="delivered")

    assert error.value.code == "invalid_transition"
    order.refresh_from_db()
    assert order.status == "paid"


def test_order_cancel_releases_the_stock_and_refunds_the_capture(order, ready_cart):
    assert stock_of(ready_cart["sku"]) == (10, 2)

    order_transition(order=order, to_status="cancelled", note="Customer asked")

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert stock_of(ready_cart["sku"]) == (10, 0)
    payment = order.payments.get()
    assert payment.status == "refunded"
    assert SandboxTransaction.objects.filter(reference=payment.gateway_reference, kind="refund").count() == 1
    assert order.events.last().message == "Customer asked"


def test_order_cancelled_cannot_be_cancelled_twice(order, ready_cart):
    order_transition(order=order, to_status="cancelled")

    with pytest.raises(OrderError):
        order_transition(order=order, to_status="cancelled")
    assert stock_of(ready_cart["sku"]) == (10, 0)


def test_capture_of_an_order_cancelled_meanwhile_records_no_paid(api, ready_cart, monkeypatch):
    from orders.lifecycle import order_payments_captured

    monkeypatch.setattr("orders.checkout._capture_all", lambda gateway, order: None)  # capture comes later
    response = api.post("/api-order/checkout", checkout_body(ready_cart))
    order = Order.objects.prefetch_related("payments").get(order_id=response.json()["orderId"])
    order_transition(order=Order.objects.get(pk=order.pk), to_status="cancelled")

    order_payments_captured(order=order, payment_ids=[payment.pk for payment in order.payments.all()])

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert not order.events.filter(kind="paid").exists()
    assert not OutboxEvent.objects.filter(topic="order.paid").exists()


def test_stock_reservation_moves_the_catalog_version_after_commit_not_under_the_lock(
    channel, django_capture_on_commit_callbacks
):
    """With a shared cache the version is a network call: none may run while stock rows are locked."""
    from django.db import transaction

    from catalog.models import StockLevel
    from channels.catalog_version import catalog_version
    from orders.stock import stock_reserve
    from tests.orders.conftest import sellable_sku

    level = StockLevel.objects.get(variant__sku=sellable_sku(channel, stock=3))
    before = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            stock_reserve({level.variant_id: 2})
            assert catalog_version() == before

    assert catalog_version() > before
    assert stock_of(level.variant.sku) == (3, 2)
