"""Real concurrent checkouts on PostgreSQL: threads with their own connections, no mocks."""

import threading
from collections import Counter

import pytest
from django.db import connection

from catalog.models import StockLevel
from channels.api_keys import api_key_create
from orders.models import Order, SandboxTransaction
from tests.factories import ChannelFactory, ShippingRateFactory
from tests.orders.conftest import ApiClient, add_line, add_ship_to, checkout_body, new_cart, sellable_sku

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers"),
]


def _run_at_once(calls) -> list:
    """Start every call at the same moment, each in its own thread (so its own connection)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def shop():
    from django.test import Client

    channel = ChannelFactory(code="web")
    ShippingRateFactory(channel=channel, code="standard")
    _, key = api_key_create(channel=channel, name="race")
    return channel, key, Client


def test_twenty_checkouts_racing_for_five_units_give_five_orders(shop):
    channel, key, client_class = shop
    api = ApiClient(client_class(), key)
    sku = sellable_sku(channel, stock=5)
    bodies = []
    for _ in range(20):
        cart = new_cart(api)
        add_line(api, cart["cartId"], sku, 1)
        bodies.append(checkout_body(add_ship_to(api, cart["cartId"])))

    responses = _run_at_once(
        [lambda body=body: ApiClient(client_class(), key).post("/api-order/checkout", body) for body in bodies]
    )

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {200: 5, 409: 15}
    codes = Counter(response.json()["errors"][0]["code"] for response in responses if response.status_code == 409)
    assert codes == {"out_of_stock": 15}
    assert Order.objects.count() == 5
    level = StockLevel.objects.get(variant__sku=sku)
    assert (level.on_hand, level.reserved, level.on_hand - level.reserved) == (5, 5, 0)
    # Losers were authorized before the stock transaction and voided after it failed.
    authorized = SandboxTransaction.objects.filter(kind="authorize").count()
    voided = SandboxTransaction.objects.filter(kind="void").count()
    assert authorized - voided == 5


def test_the_same_idempotency_key_five_times_at_once_gives_one_order_and_one_charge(shop):
    channel, key, client_class = shop
    api = ApiClient(client_class(), key)
    cart = new_cart(api)
    add_line(api, cart["cartId"], sellable_sku(channel, stock=5), 1)
    body = checkout_body(add_ship_to(api, cart["cartId"]))

    responses = _run_at_once(
        [
            lambda: ApiClient(client_class(), key).post("/api-order/checkout", body, HTTP_IDEMPOTENCY_KEY="once")
            for _ in range(5)
        ]
    )

    assert Order.objects.count() == 1
    assert SandboxTransaction.objects.filter(kind="authorize").count() == 1
    assert SandboxTransaction.objects.filter(kind="capture").count() == 1
    order_id = Order.objects.get().order_id
    for response in responses:
        assert response.status_code in (200, 409), response.content
        if response.status_code == 200:
            assert response.json() == {"checkoutComplete": True, "orderId": order_id}
        else:
            assert response.json()["errors"][0]["code"] == "idempotency_key_in_use"
    assert any(response.status_code == 200 for response in responses)
