"""The order transaction of a checkout: one short transaction that closes the cart, writes the order, its
lines, payments, history and `order.created` outbox event in bulk, completes the Idempotency-Key, and last
reserves stock, so stock rows stay locked only for the reservation, the allocations and COMMIT.

Called by orders/checkout.py once everything that needs no lock is checked and the payments are authorized.
Card data never reaches here beyond the brand, last four digits, expiry and holder name.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.views.decorators.debug import sensitive_variables

from catalog.money import format_amount
from channels.models import Channel
from hub.prefetch import cache_related
from hub.statements import insert, update_for
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
    OutboxEvent,
    PaymentStatus,
    StockAllocation,
)
from orders.models.order import new_order_id
from orders.selectors import PricedCart
from orders.stock import Allocation, stock_reserve

# Ids are random (about 10¹³ values); a collision fails the transaction and the order is written again.
ORDER_ID_ATTEMPTS = 5


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
    (everything rolled back) when the stock is short, and OrderError when the cart was closed meanwhile."""
    for _ in range(ORDER_ID_ATTEMPTS):
        order_id = new_order_id()
        try:
            return _write_order(channel, request, plan, authorizations, gateway, order_id, claim)
        except IntegrityError:
            if not Order.objects.filter(order_id=order_id).exists():
                raise
    raise RuntimeError("Could not draw a free order id")


@sensitive_variables("request")
def _write_order(
    channel: Channel,
    request: CheckoutRequest,
    plan: Plan,
    authorizations: list[Authorization],
    gateway: str,
    order_id: str,
    claim: Claim | None,
) -> Order:
    """One short transaction. The cart row is closed first (it serialises two checkouts of one cart); the
    stock rows are locked last, so they stay locked only for the reservation, the allocations and COMMIT."""
    priced = plan.priced
    with transaction.atomic():
        _close_cart(priced.cart)
        order = _create_order(channel, request, plan, order_id)
        ship_tos = _create_ship_tos(order, priced, plan)
        lines = _create_lines(order, priced, plan, ship_tos)
        payments = _create_payments(order, authorizations, gateway, priced.currency)
        insert([OrderEvent(order=order, kind="placed", message=f"Placed through {channel.name}.")])
        insert([OutboxEvent(topic="order.created", key=order.order_id, payload=_event_payload(order, lines))])
        if claim is not None:
            idempotency_complete(claim, status=200, body=CheckoutResult(order_id=order_id).as_response())
        allocations = stock_reserve(plan.demands)  # raises OutOfStock: the whole transaction rolls back
        _create_allocations(lines, allocations)
    cache_related(order, "payments", OrderPayment, {"order": order}, payments)
    return order


def _close_cart(cart: Cart) -> None:
    """Close the cart if it is still open: one UPDATE that also locks its row until COMMIT."""
    closed = update_for(("orders.close_cart",), _open_cart, cart.pk)
    if not closed:
        raise OrderError.of("cart_already_checked_out", "This cart has already been checked out.", "cartId")


def _open_cart(cart_pk: int) -> tuple[QuerySet, dict]:
    return Cart.objects.filter(pk=cart_pk, status=Cart.Status.OPEN), {
        "status": Cart.Status.CHECKED_OUT,
        "updated_at": Now(),
    }


@sensitive_variables("request")
def _create_order(channel: Channel, request: CheckoutRequest, plan: Plan, order_id: str) -> Order:
    totals, currency = plan.priced.totals, plan.priced.currency
    order = Order(
        order_id=order_id,
        channel=channel,
        cart=plan.priced.cart,
        currency=currency,
        customer_email=request.customer_email,
        customer_phone=request.customer_phone or {},
        billing_address=request.payments[0].bill_to,
        ship_from_address=request.ship_from or {},
        subtotal=totals.subtotal,
        shipping_total=totals.shipping,
        discount_total=totals.discounts,
        tax_total=plan.taxes,
        total=plan.total,
    )
    # One INSERT … RETURNING, without the save() signals (no reference index or search work).
    insert([order])
    return order


def _create_ship_tos(order: Order, priced: PricedCart, plan: Plan) -> dict[int, OrderShipTo]:
    rows = [
        OrderShipTo(
            order=order,
            ship_to_id=ship_to.ship_to_id,
            address=ship_to.address,
            shipping_method=ship_to.shipping_rate.code,
            shipping_method_name=ship_to.shipping_rate.name,
            shipping_price=ship_to.shipping_rate.price,
            tax=plan.ship_to_taxes.get(ship_to.ship_to_id, Decimal(0)),
        )
        for ship_to in priced.ship_tos
    ]
    insert(rows)
    return {cart_ship_to.pk: row for cart_ship_to, row in zip(priced.ship_tos, rows, strict=True)}


def _create_lines(order: Order, priced: PricedCart, plan: Plan, ship_tos: dict[int, OrderShipTo]) -> list[OrderLine]:
    rows = [
        OrderLine(
            order=order,
            line_item_id=line.line.line_item_id,
            ship_to=ship_tos[line.ship_to.pk],
            variant_id=line.line.variant_id,
            sku=line.line.sku,
            title=line.title,
            options=line.options,
            quantity=line.line.quantity,
            unit_price=line.unit_price,
            line_total=line.line_total,
            tax=plan.line_taxes.get(line.line.line_item_id, Decimal(0)),
        )
        for line in priced.lines
    ]
    return insert(rows)


def _create_allocations(lines: list[OrderLine], allocations: list[Allocation]) -> None:
    """Spread each variant's allocations over its lines (a SKU may be on several lines)."""
    pending: dict[int, list[list[int]]] = defaultdict(list)
    for allocation in allocations:
        pending[allocation.variant_id].append([allocation.stock_level_id, allocation.quantity])
    rows = []
    for line in lines:
        wanted = line.quantity
        for slot in pending[line.variant_id]:
            take = min(wanted, slot[1])
            if take:
                rows.append(StockAllocation(line=line, stock_level_id=slot[0], quantity=take))
                slot[1] -= take
                wanted -= take
    insert(rows)


def _create_payments(
    order: Order, authorizations: list[Authorization], gateway: str, currency: str
) -> list[OrderPayment]:
    rows = []
    for authorization in authorizations:
        payment = authorization.payment
        rows.append(
            OrderPayment(
                order=order,
                method=payment.payment_type,
                brand=payment.card.brand,
                last_four=payment.card.last_four,
                exp_month=payment.card.exp_month,
                exp_year=payment.card.exp_year,
                holder_name=payment.card.holder_name,
                amount=payment.amount,
                currency=payment.currency,
                conversion=payment.conversion,
                gateway=gateway,
                gateway_reference=authorization.reference,
                status=PaymentStatus.AUTHORIZED,
            )
        )
    return insert(rows)


def _event_payload(order: Order, lines: list[OrderLine]) -> dict[str, Any]:
    """What shipping, accounting and invoicing need; never card data."""
    currency = order.currency
    return {
        "orderId": order.order_id,
        "channel": order.channel.code,
        "currency": currency,
        "total": format_amount(order.total, currency),
        "customerEmail": order.customer_email,
        "lineItems": [
            {
                "lineItemId": line.line_item_id,
                "sku": line.sku,
                "quantity": line.quantity,
                "unitPrice": format_amount(line.unit_price, currency),
            }
            for line in lines
        ],
    }
