"""The order transaction of a checkout: one short transaction that closes the cart, writes the order, its
lines, payments, history and `order.created` outbox event, completes the Idempotency-Key, and last reserves
stock, so stock rows stay locked only for the reservation, the allocations and COMMIT.

On PostgreSQL that is two statements (orders/postgres.py): everything before the stock and, last, the stock lock
in one, the reservation and its allocation records in the other. SQLite, which has no data-modifying CTEs,
writes the same values table by table. Both paths take their values from one `OrderRows`, computed before
the transaction starts.

Called by orders/checkout.py once everything that needs no lock is checked and the payments are authorized.
Card data never reaches here beyond the brand, last four digits, expiry and holder name.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from catalog.money import format_amount
from channels.catalog_version import catalog_changed_at_commit
from channels.models import Channel
from hub.prefetch import cache_related
from hub.statements import insert, update_for
from orders import postgres
from orders.checkout_types import Authorization, CheckoutRequest, CheckoutResult, Plan
from orders.exceptions import OrderError
from orders.idempotency import Claim, idempotency_complete
from orders.models import (
    Cart,
    Order,
    OrderEvent,
    OrderLine,
    OrderPayment,
    OrderShipTo,
    OrderStatus,
    OutboxEvent,
    PaymentStatus,
    StockAllocation,
)
from orders.models.order import new_order_id
from orders.stock import Allocation, allocate_from_locked, stock_reserve, units_per_level

# Ids are random (about 10¹³ values); a collision fails the transaction and the order is written again.
ORDER_ID_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class OrderRows:
    """The values the order transaction writes before the stock, whichever way they are written."""

    order: dict[str, Any]  # Order fields, without channel, cart, status and timestamps
    ship_tos: list[dict[str, Any]]  # OrderShipTo fields
    lines: list[dict[str, Any]]  # OrderLine fields; `ship_to` is the cart ship-to's public id
    payments: list[dict[str, Any]]  # OrderPayment fields, without status and timestamps
    placed_message: str
    created_event: dict[str, Any]  # the `order.created` payload


class _WrittenLine(NamedTuple):
    pk: int
    variant_id: int
    quantity: int


@sensitive_variables("request")
def place_order(
    channel: Channel,
    request: CheckoutRequest,
    plan: Plan,
    authorizations: list[Authorization],
    gateway: str,
    claim: Claim | None,
) -> Order:
    """Write the order in one transaction; on an order id collision, again with a fresh id. Raises OutOfStock
    (everything rolled back) when the stock is short, and OrderError when the cart was closed meanwhile.
    The order comes back with its payments loaded (the capture step reads them)."""
    for _ in range(ORDER_ID_ATTEMPTS):
        rows = _order_rows(channel, request, plan, authorizations, gateway, new_order_id())
        try:
            return _write_order(channel, plan, rows, claim)
        except IntegrityError:
            if not Order.objects.filter(order_id=rows.order["order_id"]).exists():
                raise
    raise RuntimeError("Could not draw a free order id")


def _write_order(channel: Channel, plan: Plan, rows: OrderRows, claim: Claim | None) -> Order:
    """One short transaction. The cart row is closed first (it serialises two checkouts of one cart); the
    stock rows are locked last, so they stay locked only for the reservation, the allocations and COMMIT."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            order, lines, levels = _write_rows_in_one_statement(channel, plan, rows, claim)  # locks the stock too
            allocations = allocate_from_locked(plan.demands, levels)  # OutOfStock: the whole transaction rolls back
            postgres.reserve_and_record(units_per_level(allocations), _allocation_records(lines, allocations))
            catalog_changed_at_commit()  # not now: the rows are still locked (a shared cache is a network call)
        else:
            order, lines = _write_rows(channel, plan.priced.cart, rows, claim)
            allocations = stock_reserve(plan.demands)  # raises OutOfStock: the whole transaction rolls back
            records = _allocation_records(lines, allocations)
            insert(
                [StockAllocation(line_id=line, stock_level_id=level, quantity=units) for line, level, units in records]
            )
    return order


# ---- the values, computed before the transaction --------------------------------------------------------


@sensitive_variables("request")
def _order_rows(
    channel: Channel,
    request: CheckoutRequest,
    plan: Plan,
    authorizations: list[Authorization],
    gateway: str,
    order_id: str,
) -> OrderRows:
    priced = plan.priced
    totals, currency = priced.totals, priced.currency
    order = {
        "order_id": order_id,
        "currency": currency,
        "customer_email": request.customer_email,
        "customer_phone": request.customer_phone or {},
        "billing_address": request.payments[0].bill_to,
        "ship_from_address": request.ship_from or {},
        "subtotal": totals.subtotal,
        "shipping_total": totals.shipping,
        "discount_total": totals.discounts,
        "tax_total": plan.taxes,
        "total": plan.total,
    }
    ship_tos = [
        {
            "ship_to_id": ship_to.ship_to_id,
            "address": ship_to.address,
            "shipping_method": ship_to.shipping_rate.code,
            "shipping_method_name": ship_to.shipping_rate.name,
            "shipping_price": ship_to.shipping_rate.price,
            "tax": plan.ship_to_taxes.get(ship_to.ship_to_id, Decimal(0)),
        }
        for ship_to in priced.ship_tos
    ]
    lines = [
        {
            "line_item_id": line.line.line_item_id,
            "ship_to": line.ship_to.ship_to_id,
            "variant_id": line.line.variant_id,
            "sku": line.line.sku,
            "title": line.title,
            "options": line.options,
            "quantity": line.line.quantity,
            "unit_price": line.unit_price,
            "line_total": line.line_total,
            "tax": plan.line_taxes.get(line.line.line_item_id, Decimal(0)),
        }
        for line in priced.lines
    ]
    return OrderRows(
        order=order,
        ship_tos=ship_tos,
        lines=lines,
        payments=[_payment_row(authorization, gateway) for authorization in authorizations],
        placed_message=f"Placed through {channel.name}.",
        created_event=_created_event(channel, order, lines),
    )


def _payment_row(authorization: Authorization, gateway: str) -> dict[str, Any]:
    """Brand, last four, expiry and holder: never the card number or CVV."""
    payment = authorization.payment
    card = payment.card
    return {
        "method": payment.payment_type,
        "brand": card.brand,
        "last_four": card.last_four,
        "exp_month": card.exp_month,
        "exp_year": card.exp_year,
        "holder_name": card.holder_name,
        "amount": payment.amount,
        "currency": payment.currency,
        "conversion": payment.conversion,
        "gateway": gateway,
        "gateway_reference": authorization.reference,
    }


def _created_event(channel: Channel, order: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
    """What shipping, accounting and invoicing need; never card data."""
    currency = order["currency"]
    return {
        "orderId": order["order_id"],
        "channel": channel.code,
        "currency": currency,
        "total": format_amount(order["total"], currency),
        "customerEmail": order["customer_email"],
        "lineItems": [
            {
                "lineItemId": line["line_item_id"],
                "sku": line["sku"],
                "quantity": line["quantity"],
                "unitPrice": format_amount(line["unit_price"], currency),
            }
            for line in lines
        ],
    }


def _allocation_records(lines: list[_WrittenLine], allocations: list[Allocation]) -> list[tuple[int, int, int]]:
    """(line pk, stock level pk, units): each variant's allocations spread over its lines (a SKU may be on
    several lines)."""
    pending: dict[int, list[list[int]]] = defaultdict(list)
    for allocation in allocations:
        pending[allocation.variant_id].append([allocation.stock_level_id, allocation.quantity])
    records = []
    for line in lines:
        wanted = line.quantity
        for slot in pending[line.variant_id]:
            take = min(wanted, slot[1])
            if take:
                records.append((line.pk, slot[0], take))
                slot[1] -= take
                wanted -= take
    return records


# ---- PostgreSQL: one statement ---------------------------------------------------------------------------


def _write_rows_in_one_statement(
    channel: Channel, plan: Plan, rows: OrderRows, claim: Claim | None
) -> tuple[Order, list[_WrittenLine], list[tuple[int, int, int, int]]]:
    """The order's rows written and the demanded variants' stock rows locked, in one statement (orders/postgres.py);
    the locked rows come back for the allocation."""
    now = timezone.now()
    cart = plan.priced.cart
    written = postgres.place_order_rows(
        cart_pk=cart.pk,
        channel_pk=channel.pk,
        order=rows.order,
        ship_tos=rows.ship_tos,
        lines=rows.lines,
        payments=rows.payments,
        placed_message=rows.placed_message,
        created_event=rows.created_event,
        claim_pk=claim.record_id if claim is not None else None,
        response=CheckoutResult(order_id=rows.order["order_id"]).as_response(),
        variant_ids=list(plan.demands),
        now=now,
    )
    if written is None:
        raise _cart_closed()
    order = Order(
        pk=written.order_pk, channel=channel, cart=cart, status=OrderStatus.PLACED, created_at=now, **rows.order
    )
    payments = [
        OrderPayment(
            pk=written.payment_pks[row["gateway_reference"]],
            order=order,
            status=PaymentStatus.AUTHORIZED,
            created_at=now,
            **row,
        )
        for row in rows.payments
    ]
    for payment in payments:
        payment._state.adding = False
    order._state.adding = False
    cache_related(order, "payments", OrderPayment, {"order": order}, payments)
    lines = [
        _WrittenLine(written.line_pks[line["line_item_id"]], line["variant_id"], line["quantity"])
        for line in rows.lines
    ]
    return order, lines, written.levels


# ---- SQLite (and any database without data-modifying CTEs): the ORM, table by table -------------------


def _write_rows(channel: Channel, cart: Cart, rows: OrderRows, claim: Claim | None) -> tuple[Order, list[_WrittenLine]]:
    _close_cart(cart)
    order = Order(channel=channel, cart=cart, **rows.order)
    # One INSERT … RETURNING per table, without the save() signals (no reference index or search work).
    insert([order])
    ship_tos = insert([OrderShipTo(order=order, **row) for row in rows.ship_tos])
    ship_to_by_public_id = {ship_to.ship_to_id: ship_to for ship_to in ship_tos}
    lines = insert(
        [OrderLine(order=order, **{**row, "ship_to": ship_to_by_public_id[row["ship_to"]]}) for row in rows.lines]
    )
    payments = insert([OrderPayment(order=order, status=PaymentStatus.AUTHORIZED, **row) for row in rows.payments])
    insert([OrderEvent(order=order, kind="placed", message=rows.placed_message)])
    insert([OutboxEvent(topic="order.created", key=order.order_id, payload=rows.created_event)])
    if claim is not None:
        idempotency_complete(claim, status=200, body=CheckoutResult(order_id=order.order_id).as_response())
    cache_related(order, "payments", OrderPayment, {"order": order}, payments)
    return order, [_WrittenLine(line.pk, line.variant_id, line.quantity) for line in lines]


def _close_cart(cart: Cart) -> None:
    """Close the cart if it is still open: one UPDATE that also locks its row until COMMIT."""
    closed = update_for(("orders.close_cart",), _open_cart, cart.pk)
    if not closed:
        raise _cart_closed()


def _open_cart(cart_pk: int) -> tuple[QuerySet, dict]:
    return Cart.objects.filter(pk=cart_pk, status=Cart.Status.OPEN), {
        "status": Cart.Status.CHECKED_OUT,
        "updated_at": Now(),
    }


def _cart_closed() -> OrderError:
    return OrderError.of("cart_already_checked_out", "This cart has already been checked out.", "cartId")
