"""The order status lifecycle: only the allowed transitions, each with its side effects called directly.

placed → paid → fulfilled → shipped → delivered; placed and paid may be cancelled (reserved stock is
released, authorizations voided, captures refunded); shipped and delivered orders may be refunded.
Gateway calls happen before any stock row is locked.
"""

import logging

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from hub.statements import Ids, insert, update_for
from orders import postgres
from orders.exceptions import OrderError
from orders.models import (
    Order,
    OrderEvent,
    OrderPayment,
    OrderStatus,
    OutboxEvent,
    PaymentStatus,
    StockAllocation,
)
from orders.payments import GatewayError, gateway_named
from orders.stock import Allocation, stock_fulfil, stock_release

logger = logging.getLogger(__name__)

PAID_MESSAGE = "Payments captured."

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.FULFILLED, OrderStatus.CANCELLED}),
    OrderStatus.FULFILLED: frozenset({OrderStatus.SHIPPED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.REFUNDED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}


def allowed_transitions(order: Order) -> list[str]:
    return [status for status in OrderStatus.values if status in ALLOWED_TRANSITIONS[order.status]]


def order_transition(*, order: Order, to_status: str, user=None, note: str = "") -> Order:
    """Move the order to `to_status` if the lifecycle allows it, or raise OrderError(invalid_transition)."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().select_related("channel").get(pk=order.pk)
        if to_status not in ALLOWED_TRANSITIONS.get(locked.status, ()):
            raise OrderError.of(
                "invalid_transition", f"An order that is {locked.status} cannot become {to_status}.", "status"
            )
        # Gateway first (the order row is locked, no stock row is), then the stock.
        _settle_payments(locked, to_status)
        _move_stock(locked, to_status)
        _record(locked, to_status, user, note)
    return locked


def order_payments_captured(*, order: Order, payment_ids: list[int]) -> None:
    """After checkout's captures: mark those payments captured, and the order paid when all of them are."""
    captured = set(payment_ids)
    # The checkout hands over the order with its payments already loaded: no query to learn what is pending.
    uncaptured = [
        payment
        for payment in order.payments.all()
        if payment.pk not in captured and payment.status != PaymentStatus.CAPTURED
    ]
    if not uncaptured and connection.vendor == "postgresql":
        # One statement, its own transaction (orders/postgres.py): no BEGIN and COMMIT round trips around four.
        paid = postgres.mark_captured_and_paid(
            order_pk=order.pk,
            payment_pks=sorted(captured),
            message=PAID_MESSAGE,
            event=_status_event(order, OrderStatus.PAID),
            now=timezone.now(),
        )
        if paid:
            order.status = OrderStatus.PAID
        return
    # The statements are compiled once (hub/statements.py): this runs after every checkout.
    with transaction.atomic():
        if captured:
            update_for(("orders.payments_captured",), _payments_to_capture, Ids(sorted(captured)))
        if uncaptured:
            _record_capture_failed(order, uncaptured)
            return
        paid = update_for(("orders.order_paid",), _order_to_mark_paid, order.pk)
        if not paid:
            return  # moved on meanwhile (cancelled in the admin): no "paid" in its history or outbox
        order.status = OrderStatus.PAID
        _record_event(order, OrderStatus.PAID, None, PAID_MESSAGE)


def _record_capture_failed(order: Order, uncaptured: list[OrderPayment]) -> None:
    """A payment the checkout authorized could not be captured: the order stays placed, its history says so,
    and an `order.capture_failed` event (delivered to the order webhooks like every other) and an error log
    tell someone, who captures it again ("Mark paid" in the admin) or cancels the order (which voids the holds)."""
    if not Order.objects.filter(pk=order.pk, status=OrderStatus.PLACED).exists():
        return  # moved on meanwhile (cancelled in the admin, which voided the holds): nothing to capture now
    insert([OrderEvent(order=order, kind="capture_failed", message="A payment could not be captured.")])
    payments = [{"reference": p.gateway_reference, "amount": str(p.amount), "currency": p.currency} for p in uncaptured]
    payload = _status_event(order, OrderStatus.PLACED) | {"payments": payments}
    insert([OutboxEvent(topic="order.capture_failed", key=order.order_id, payload=payload)])
    logger.error("Order %s is placed but %d payment(s) could not be captured", order.order_id, len(uncaptured))


def _payments_to_capture(payment_pks: Ids) -> tuple[QuerySet, dict]:
    return OrderPayment.objects.filter(pk__in_ids=payment_pks), {"status": PaymentStatus.CAPTURED, "updated_at": Now()}


def _order_to_mark_paid(order_pk: int) -> tuple[QuerySet, dict]:
    """Only a placed order becomes paid: one cancelled meanwhile (in the admin) stays cancelled."""
    return Order.objects.filter(pk=order_pk, status=OrderStatus.PLACED), {
        "status": OrderStatus.PAID,
        "updated_at": Now(),
    }


def _settle_payments(order: Order, to_status: str) -> None:
    payments = list(order.payments.all())
    for payment in payments:
        action = _payment_action(payment.status, to_status)
        if action is None:
            continue
        gateway = gateway_named(payment.gateway)
        try:
            if action == PaymentStatus.CAPTURED:
                result = gateway.capture(
                    reference=payment.gateway_reference, amount=payment.amount, currency=payment.currency
                )
            elif action == PaymentStatus.VOIDED:
                result = gateway.void(reference=payment.gateway_reference)
            else:
                result = gateway.refund(
                    reference=payment.gateway_reference, amount=payment.amount, currency=payment.currency
                )
        except GatewayError:
            result = None
        if result is None or not result.approved:
            verb = _GATEWAY_VERBS[action]
            raise OrderError.of("payment_failed", f"The gateway refused to {verb} payment …{payment.last_four}.")
        payment.status = action
        payment.save(update_fields=["status", "updated_at"])


_GATEWAY_VERBS = {PaymentStatus.CAPTURED: "capture", PaymentStatus.VOIDED: "void", PaymentStatus.REFUNDED: "refund"}


def _payment_action(payment_status: str, to_status: str) -> str | None:
    if to_status == OrderStatus.PAID and payment_status == PaymentStatus.AUTHORIZED:
        return PaymentStatus.CAPTURED
    if to_status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        if payment_status == PaymentStatus.AUTHORIZED:
            return PaymentStatus.VOIDED
        if payment_status == PaymentStatus.CAPTURED:
            return PaymentStatus.REFUNDED
    return None


def _move_stock(order: Order, to_status: str) -> None:
    if to_status not in (OrderStatus.CANCELLED, OrderStatus.FULFILLED):
        return
    rows = list(StockAllocation.objects.filter(line__order=order, released=False).select_related("line"))
    allocations = [Allocation(row.line.variant_id or 0, row.stock_level_id, row.quantity) for row in rows]
    if to_status == OrderStatus.CANCELLED:
        stock_release(allocations)
    else:
        stock_fulfil(allocations)
    StockAllocation.objects.filter(pk__in=[row.pk for row in rows]).update(released=True)


def _record(order: Order, to_status: str, user, note: str) -> None:
    order.status = to_status
    order.save(update_fields=["status", "updated_at"])
    _record_event(order, to_status, user, note)


def _record_event(order: Order, to_status: str, user, note: str) -> None:
    insert([OrderEvent(order=order, kind=to_status, message=note or f"Order {to_status}.", user=user)])
    insert([OutboxEvent(topic=f"order.{to_status}", key=order.order_id, payload=_status_event(order, to_status))])


def _status_event(order: Order, to_status: str) -> dict[str, str]:
    return {"orderId": order.order_id, "status": to_status, "at": timezone.now().isoformat()}
