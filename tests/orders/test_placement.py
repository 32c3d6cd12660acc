"""The order transaction and the capture step (orders/placement.py, orders/lifecycle.py): PostgreSQL writes them
in a few combined statements (orders/postgres.py), SQLite table by table; both must leave the same rows."""

import logging
from decimal import Decimal

import pytest

from catalog.models import StockLevel
from orders.lifecycle import order_transition
from orders.models import (
    Cart,
    IdempotencyKey,
    Order,
    OrderLine,
    OrderPayment,
    OrderShipTo,
    OutboxEvent,
    SandboxTransaction,
    StockAllocation,
)
from orders.payments.sandbox import CAPTURE_REFUSED_NUMBER
from tests.factories import ShippingRateFactory, StockLevelFactory, StockLocationFactory
from tests.orders.conftest import ADDRESS, add_line, add_ship_to, checkout_body, new_cart, sellable_sku, stock_of


@pytest.fixture
def two_ship_to_cart(api, channel, shipping_rate):
    """Two ship-tos; SKU A on lines 1 (3 units, to the second ship-to) and 3 (2 units, to the first), its stock
    in two locations (4 + 5 units); SKU B on line 2 (no ship-to of its own: the first)."""
    ShippingRateFactory(channel=channel, code="express", name="Express", price=Decimal("7.00"))
    sku_a, sku_b = sellable_sku(channel, price="10.00", stock=4), sellable_sku(channel, price="3.50", stock=10)
    store = StockLocationFactory(code="store", name="Store")
    StockLevelFactory(variant=StockLevel.objects.get(variant__sku=sku_a).variant, location=store, on_hand=5)
    cart = new_cart(api)
    add_ship_to(api, cart["cartId"])
    second = add_ship_to(api, cart["cartId"], "express")["shipTos"][1]["shipToId"]
    add_line(api, cart["cartId"], sku_a, 3, shipToId=second)
    add_line(api, cart["cartId"], sku_b, 1)
    cart = add_line(api, cart["cartId"], sku_a, 2)
    return cart, sku_a, sku_b


def test_checkout_writes_every_row_with_each_line_on_its_ship_to_and_units_spread_over_locations(api, two_ship_to_cart):
    cart, sku_a, sku_b = two_ship_to_cart
    first, second = (ship_to["shipToId"] for ship_to in cart["shipTos"])
    taxes = {
        "itemsTaxes": [{"lineItemId": 1, "amount": "1.50"}, {"lineItemId": 3, "amount": "0.25"}],
        "shipToTaxes": [{"shipToId": second, "amount": "0.70"}],
    }

    response = api.post("/api-order/checkout", checkout_body(cart, taxes=taxes), HTTP_IDEMPOTENCY_KEY="key-1")

    assert response.status_code == 200, response.content
    order = Order.objects.get()
    assert response.json() == {"checkoutComplete": True, "orderId": order.order_id}
    # 30.00 + 3.50 + 20.00, shipping 2.00 + 7.00, taxes 1.50 + 0.25 + 0.70
    assert (order.status, order.subtotal, order.shipping_total, order.tax_total, order.total) == (
        "paid",
        Decimal("53.50"),
        Decimal("9.00"),
        Decimal("2.45"),
        Decimal("64.95"),
    )
    assert order.cart.cart_id == cart["cartId"]
    assert (order.customer_email, order.customer_phone) == (
        "joe.demo@example.com",
        {"number": "07780811973", "kind": "Mobile"},
    )
    assert order.billing_address["country"] == "US"
    ship_tos = list(OrderShipTo.objects.filter(order=order).order_by("pk"))
    assert [(s.ship_to_id, s.shipping_method, s.shipping_price, s.tax) for s in ship_tos] == [
        (first, "standard", Decimal("2.00"), Decimal("0.00")),
        (second, "express", Decimal("7.00"), Decimal("0.70")),
    ]
    assert ship_tos[0].address["city"] == ADDRESS["city"]
    lines = OrderLine.objects.filter(order=order).order_by("line_item_id")
    assert [
        (line.line_item_id, line.sku, line.quantity, line.unit_price, line.line_total, line.tax) for line in lines
    ] == [
        (1, sku_a, 3, Decimal("10.00"), Decimal("30.00"), Decimal("1.50")),
        (2, sku_b, 1, Decimal("3.50"), Decimal("3.50"), Decimal("0.00")),
        (3, sku_a, 2, Decimal("10.00"), Decimal("20.00"), Decimal("0.25")),
    ]
    assert [line.ship_to.ship_to_id for line in lines] == [second, first, first]
    levels_a = list(StockLevel.objects.filter(variant__sku=sku_a).order_by("pk"))
    assert [(level.on_hand, level.reserved) for level in levels_a] == [(4, 4), (5, 1)]
    assert stock_of(sku_b) == (10, 1)
    allocations = StockAllocation.objects.filter(line__order=order, stock_level__variant__sku=sku_a)
    assert sorted(allocations.values_list("line__line_item_id", "stock_level_id", "quantity", "released")) == [
        (1, levels_a[0].pk, 3, False),
        (3, levels_a[0].pk, 1, False),
        (3, levels_a[1].pk, 1, False),
    ]
    payment = OrderPayment.objects.get(order=order)
    assert (payment.brand, payment.last_four, payment.amount, payment.status, payment.gateway) == (
        "Visa",
        "1111",
        Decimal("64.95"),
        "captured",
        "sandbox",
    )
    assert list(order.events.values_list("kind", "message")) == [
        ("placed", "Placed through Web."),
        ("paid", "Payments captured."),
    ]
    created, paid = OutboxEvent.objects.filter(key=order.order_id).order_by("pk")
    assert (created.topic, created.payload["total"], created.payload["channel"]) == ("order.created", "64.95", "web")
    assert [item["lineItemId"] for item in created.payload["lineItems"]] == [1, 2, 3]
    assert (paid.topic, paid.payload["orderId"], paid.payload["status"]) == ("order.paid", order.order_id, "paid")
    assert Cart.objects.get(cart_id=cart["cartId"]).status == Cart.Status.CHECKED_OUT
    key = IdempotencyKey.objects.get()
    assert (key.state, key.response_status, key.response_body) == ("completed", 200, response.json())


def test_checkout_of_a_cart_closed_after_it_was_read_writes_nothing_and_voids_the_payment(api, ready_cart, monkeypatch):
    """Another checkout of the same cart commits between our read and our order transaction."""
    from orders import checkout

    authorize_all = checkout._authorize_all

    def authorize_then_lose_the_race(gateway, payments):
        authorizations = authorize_all(gateway, payments)
        Cart.objects.filter(cart_id=ready_cart["cartId"]).update(status=Cart.Status.CHECKED_OUT)
        return authorizations

    monkeypatch.setattr("orders.checkout._authorize_all", authorize_then_lose_the_race)

    response = api.post("/api-order/checkout", checkout_body(ready_cart), HTTP_IDEMPOTENCY_KEY="key-1")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "cart_already_checked_out"
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists() and not OrderPayment.objects.exists()
    assert not OutboxEvent.objects.exists() and not StockAllocation.objects.exists()
    assert stock_of(ready_cart["sku"]) == (10, 0)
    authorization = SandboxTransaction.objects.get(kind="authorize")
    assert SandboxTransaction.objects.filter(reference=authorization.reference, kind="void").exists()
    assert not IdempotencyKey.objects.exists()


def test_checkout_whose_order_id_is_taken_writes_the_order_once_under_a_fresh_id(api, ready_cart, monkeypatch):
    taken = Order.objects.create(
        channel_id=Cart.objects.get(cart_id=ready_cart["cartId"]).channel_id,
        currency="USD",
        customer_email="first@example.com",
        subtotal=0,
        shipping_total=0,
        tax_total=0,
        total=0,
    )
    ids = iter([taken.order_id, "1234-5678-90123"])
    monkeypatch.setattr("orders.placement.new_order_id", lambda: next(ids))

    response = api.post("/api-order/checkout", checkout_body(ready_cart))

    assert response.status_code == 200, response.content
    assert response.json()["orderId"] == "1234-5678-90123"
    order = Order.objects.get(order_id="1234-5678-90123")
    assert (order.lines.count(), order.payments.count(), order.status) == (1, 1, "paid")
    assert OutboxEvent.objects.filter(topic="order.created").count() == 1
    assert StockAllocation.objects.count() == 1
    assert stock_of(ready_cart["sku"]) == (10, 2)


def test_checkout_whose_capture_fails_keeps_the_order_placed_and_tells_someone(api, ready_cart, caplog):
    # The sandbox's 4000000000000341 is authorized, and its captures are refused (as a real gateway may).
    with caplog.at_level(logging.ERROR, logger="orders.lifecycle"):
        response = api.post("/api-order/checkout", checkout_body(ready_cart, card=CAPTURE_REFUSED_NUMBER))

    assert response.status_code == 200
    assert response.json()["checkoutComplete"] is True
    order = Order.objects.get()
    payment = order.payments.get()
    assert (order.status, payment.status) == ("placed", "authorized")
    assert list(order.events.values_list("kind", flat=True)) == ["placed", "capture_failed"]
    assert not OutboxEvent.objects.filter(topic="order.paid").exists()
    event = OutboxEvent.objects.get(topic="order.capture_failed")
    assert event.key == order.order_id
    assert event.payload["status"] == "placed"
    assert event.payload["payments"] == [
        {"reference": payment.gateway_reference, "amount": f"{payment.amount:.2f}", "currency": "USD"}
    ]
    assert [record.getMessage() for record in caplog.records] == [
        f"Order {order.order_id} is placed but 1 payment(s) could not be captured"
    ]
    assert stock_of(ready_cart["sku"]) == (10, 2)
    # the test gateway's ledger shows the declined capture, as a real gateway's dashboard would
    ledger = SandboxTransaction.objects.filter(reference=payment.gateway_reference)
    assert list(ledger.values_list("kind", "approved", "decline_reason")) == [
        ("authorize", True, "capture_refused"),
        ("capture", False, "capture_refused"),
    ]
    # cancelling it voids the hold (the sandbox refuses only its captures) and releases the stock
    cancelled = order_transition(order=order, to_status="cancelled")
    assert cancelled.payments.get().status == "voided"
    assert stock_of(ready_cart["sku"]) == (10, 0)
