"""The checkout's statements compiled once (hub/statements.py): each call binds its own values, and the
rows read and written are what the ORM would read and write."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models.functions import Now
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from catalog.models import StockLevel
from hub import statements
from hub.statements import Ids
from orders.models import Cart, CartShipTo, ShippingRate
from orders.stock import stock_reserve
from tests.factories import ChannelFactory
from tests.orders.conftest import sellable_sku, stock_of


@pytest.fixture
def carts(channel) -> list[Cart]:
    return [Cart.objects.create(channel=channel, currency="USD") for _ in range(3)]


def _ship_tos_of(cart_pk: int):
    return CartShipTo.objects.filter(cart_id=cart_pk).order_by("pk").values_list("address", "shipping_rate__price")


def _carts_to_close(pks: Ids, channel_id: int):
    return Cart.objects.filter(pk__in_ids=list(pks), channel_id=channel_id), {
        "status": "checked_out",
        "updated_at": Now(),
    }


def test_insert_writes_the_rows_and_sets_their_pks_defaults_and_timestamps(channel):
    rates = [
        ShippingRate(channel=channel, code=f"rate-{index}", name="Rate", price=Decimal("2.50")) for index in range(3)
    ]

    assert statements.insert(rates) is rates

    assert all(rate.pk is not None and not rate._state.adding and rate.active for rate in rates)
    assert [(rate.pk, rate.code) for rate in rates] == list(
        ShippingRate.objects.filter(channel=channel).order_by("pk").values_list("pk", "code")
    )
    cart = Cart(channel=channel, currency="USD")
    statements.insert([cart])
    stored = Cart.objects.get(pk=cart.pk)
    assert (stored.cart_id, stored.status, stored.created_at) == (cart.cart_id, "open", cart.created_at)


def test_select_binds_each_call_s_values_and_converts_columns_as_django_does(carts, shipping_rate):
    CartShipTo.objects.create(cart=carts[0], address={"city": "Austin"}, shipping_rate=shipping_rate)
    CartShipTo.objects.create(cart=carts[1], address={"city": "Berlin"}, shipping_rate=shipping_rate)

    with CaptureQueriesContext(connection) as queries:
        rows = [statements.rows_for(("test.ship_tos",), _ship_tos_of, cart.pk) for cart in carts]

    assert rows == [list(_ship_tos_of(cart.pk)) for cart in carts]
    assert rows[0] == [({"city": "Austin"}, Decimal("2.0000"))]
    assert rows[2] == []
    assert len(queries.captured_queries) == 3


def test_update_changes_only_the_rows_of_its_values_and_counts_them(channel, carts):
    other = Cart.objects.create(channel=ChannelFactory(code="pos", currency="USD"), currency="USD")

    closed = statements.update_for(("test.close",), _carts_to_close, Ids([carts[0].pk, other.pk]), channel.pk)
    closed_again = statements.update_for(("test.close",), _carts_to_close, Ids([carts[1].pk]), channel.pk)

    assert (closed, closed_again) == (1, 1)
    assert dict(Cart.objects.values_list("pk", "status")) == {
        carts[0].pk: "checked_out",
        carts[1].pk: "checked_out",
        carts[2].pk: "open",
        other.pk: "open",
    }
    assert Cart.objects.get(pk=carts[0].pk).updated_at >= carts[0].updated_at


def test_a_value_that_is_not_an_int_a_str_or_ids_is_refused(carts):
    """A boolean, say, would be found among the compiled parameters where another True or 1 is."""
    with pytest.raises(TypeError):
        statements.rows_for(("test.bool",), _ship_tos_of, True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_stock_reserve_refuses_to_run_outside_a_transaction():
    """The compiled SELECT … FOR UPDATE does not repeat the check a queryset makes on every call."""
    sku = sellable_sku(ChannelFactory(code="web", currency="USD"), stock=3)
    level = StockLevel.objects.get(variant__sku=sku)

    with pytest.raises(TransactionManagementError):
        stock_reserve({level.variant_id: 1})
    with transaction.atomic():
        allocations = stock_reserve({level.variant_id: 1})

    assert [(allocation.stock_level_id, allocation.quantity) for allocation in allocations] == [(level.pk, 1)]
    assert stock_of(sku) == (3, 1)
