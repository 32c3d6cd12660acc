"""Checkout completion: one entry point, `checkout_complete()`.

The order of work keeps the guarantees of specs/checkout.md:
1. read the cart and its channel prices once (constant queries), check everything that needs no lock;
2. authorize every payment at the gateway, before any stock row is locked (no network call under a lock);
3. in ONE short transaction: close the cart (a conditional UPDATE, which also locks it), write the order, its
   lines, payments, history and the `order.created` outbox event in bulk, complete the Idempotency-Key (so a
   retry replays this order even if the worker dies right after COMMIT), and last reserve stock (rows locked
   in pk order, one F() UPDATE) and record the allocations, so stock rows stay locked only until COMMIT;
4. if that fails (stock short, cart closed meanwhile), void the authorizations: nothing has changed;
5. after commit, capture the payments and mark the order paid.
Card numbers and CVVs reach only the gateway adapter (step 2).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from catalog.money import format_amount
from channels.models import Channel
from orders.exceptions import OrderError, OutOfStock, Problem
from orders.idempotency import Claim, idempotency_claim, idempotency_complete, idempotency_release
from orders.lifecycle import order_payments_captured
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
from orders.payments import CardDetails, GatewayError, PaymentGateway, gateway_for_channel
from orders.payments.cards import is_expired, luhn_valid
from orders.pricing import Tender, amount_due, tax_total, tendered
from orders.selectors import PricedCart, PricedLine, cart_get, cart_price
from orders.stock import Allocation, stock_reserve

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PaymentInput:
    card: CardDetails  # its repr hides the number and CVV
    card_identifier: str  # the last four digits the client says the card has
    payment_type: str
    payment_method: str
    payment_kind: str
    amount: Decimal
    currency: str
    conversion: Decimal
    bill_to: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    cart_id: str
    customer_email: str
    customer_phone: dict[str, Any] | None
    payments: tuple[PaymentInput, ...]
    item_taxes: tuple[tuple[int, Decimal], ...]  # (lineItemId, amount)
    ship_to_taxes: tuple[tuple[str, Decimal], ...]  # (shipToId, amount)
    ship_from: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class CheckoutResult:
    order_id: str
    replayed: bool = False

    def as_response(self) -> dict[str, Any]:
        return {"checkoutComplete": True, "orderId": self.order_id}


@dataclass(frozen=True, slots=True)
class _Authorization:
    index: int
    payment: PaymentInput
    reference: str


@dataclass(frozen=True, slots=True)
class _Plan:
    """Everything the transaction writes, computed before it starts."""

    priced: PricedCart
    line_taxes: dict[int, Decimal]
    ship_to_taxes: dict[str, Decimal]
    taxes: Decimal
    total: Decimal
    demands: dict[int, int]  # variant id → units


@sensitive_variables("request")
def checkout_complete(
    *, channel: Channel, request: CheckoutRequest, idempotency_key: str | None = None, fingerprint: str = ""
) -> CheckoutResult:
    """Check out the channel's cart and return the new order id; raise OrderError with the contract's codes.

    With an idempotency key, a retry of the same request returns the first result and does nothing else.
    """
    if idempotency_key is None:
        return _checkout(channel, request)
    claim: Claim = idempotency_claim(channel=channel, key=idempotency_key, fingerprint=fingerprint)
    if claim.replay is not None:
        return CheckoutResult(order_id=claim.replay["orderId"], replayed=True)
    try:
        return _checkout(channel, request, claim)
    except BaseException:
        # Deletes the claim only while it is in flight: once the order is written, the key replays it.
        idempotency_release(claim)
        raise


@sensitive_variables("request")
def _checkout(channel: Channel, request: CheckoutRequest, claim: Claim | None = None) -> CheckoutResult:
    cart = cart_get(channel, request.cart_id)
    if cart is None:
        raise OrderError.of("cart_not_found", f"No cart {request.cart_id} on this channel.", "cartId")
    if not cart.is_open:
        raise OrderError.of("cart_already_checked_out", "This cart has already been checked out.", "cartId")
    plan = _plan(cart_price(cart), request)
    gateway = gateway_for_channel(channel)
    authorizations = _authorize_all(gateway, request.payments)
    try:
        order = _place_order(channel, request, plan, authorizations, gateway.name, claim)
    except BaseException:
        _void_all(gateway, authorizations)
        raise
    _capture_all(gateway, order)
    return CheckoutResult(order_id=order.order_id)


# ---- checks before any payment or lock ---------------------------------------------------------------


def _plan(priced: PricedCart, request: CheckoutRequest) -> _Plan:
    _check_cart(priced)
    line_taxes, ship_to_taxes = _check_taxes(priced, request)
    taxes = tax_total([*line_taxes.values(), *ship_to_taxes.values()], priced.currency)
    total = amount_due(priced.totals, taxes, priced.currency)
    problems = [*_card_problems(request.payments), *_amount_problems(request.payments, total, priced.currency)]
    if problems:
        raise OrderError(*problems)
    _check_expiry(request.payments)
    demands: dict[int, int] = defaultdict(int)
    for priced_line in priced.lines:
        demands[priced_line.line.variant_id] += priced_line.line.quantity
    _check_stock_advisory(priced, demands)
    return _Plan(priced, line_taxes, ship_to_taxes, taxes, total, dict(demands))


def _check_cart(priced: PricedCart) -> None:
    if not priced.lines:
        raise OrderError.of("empty_cart", "The cart has no line items.", "cart.lineItems")
    if not priced.ship_tos:
        # Every line ships (there are no digital goods yet), so a cart without a ship-to cannot be sent.
        raise OrderError.of("missing_ship_to", "The cart's lines need a ship-to; add one first.", "cart.shipTos")
    unsellable = [_out_of_stock(index, line, 0) for index, line in enumerate(priced.lines) if not line.sellable]
    if unsellable:
        raise OrderError(*unsellable)


def _check_taxes(priced: PricedCart, request: CheckoutRequest) -> tuple[dict[int, Decimal], dict[str, Decimal]]:
    line_ids = {line.line.line_item_id for line in priced.lines}
    ship_to_ids = {ship_to.ship_to_id for ship_to in priced.ship_tos}
    problems = []
    line_taxes: dict[int, Decimal] = defaultdict(Decimal)
    for index, (line_item_id, amount) in enumerate(request.item_taxes):
        if line_item_id not in line_ids:
            field = f"estimatedTax.itemsTaxes[{index}].lineItemId"
            problems.append(Problem("unknown_line_item", f"The cart has no line item {line_item_id}.", field))
        line_taxes[line_item_id] += amount
    ship_to_taxes: dict[str, Decimal] = defaultdict(Decimal)
    for index, (ship_to_id, amount) in enumerate(request.ship_to_taxes):
        if ship_to_id not in ship_to_ids:
            field = f"estimatedTax.shipToTaxes[{index}].shipToId"
            problems.append(Problem("unknown_ship_to", f"The cart has no ship-to {ship_to_id}.", field))
        ship_to_taxes[ship_to_id] += amount
    if problems:
        raise OrderError(*problems)
    return dict(line_taxes), dict(ship_to_taxes)


def _card_problems(payments: tuple[PaymentInput, ...]) -> list[Problem]:
    problems = []
    for index, payment in enumerate(payments):
        card = payment.card
        if not luhn_valid(card.number):
            field = f"paymentDetails[{index}].transactionDetails.cardNumber"
            problems.append(Problem("invalid_card", "The card number is not valid.", field))
        elif card.last_four != payment.card_identifier:
            field = f"paymentDetails[{index}].paymentIdentifier.cardIdentifier"
            problems.append(
                Problem("invalid_card", "cardIdentifier does not match the card's last four digits.", field)
            )
    return problems


def _amount_problems(payments: tuple[PaymentInput, ...], total: Decimal, currency: str) -> list[Problem]:
    paid = tendered((Tender(payment.amount, payment.conversion) for payment in payments), currency)
    if paid == total:
        return []
    message = (
        f"The payments add up to {format_amount(paid, currency)} {currency}; "
        f"the amount due is {format_amount(total, currency)} {currency}."
    )
    return [Problem("amount_mismatch", message, "paymentDetails")]


def _check_expiry(payments: tuple[PaymentInput, ...]) -> None:
    today = timezone.localdate()
    expired = [
        Problem(
            "card_expired",
            f"The card expired at the end of {payment.card.exp_month:02d}/{payment.card.exp_year}.",
            f"paymentDetails[{index}].transactionDetails.expDate",
        )
        for index, payment in enumerate(payments)
        if is_expired(payment.card.exp_month, payment.card.exp_year, today)
    ]
    if expired:
        raise OrderError(*expired)


def _check_stock_advisory(priced: PricedCart, demands: dict[int, int]) -> None:
    """Fail early, before charging anyone, when stock is visibly short (the transaction decides for real)."""
    available = {line.line.variant_id: line.available for line in priced.lines}
    short = [
        _out_of_stock(index, line, available[line.line.variant_id])
        for index, line in enumerate(priced.lines)
        if demands[line.line.variant_id] > available[line.line.variant_id]
    ]
    if short:
        raise OrderError(*short)


def _out_of_stock(index: int, line: PricedLine, available: int) -> Problem:
    sku, requested = line.line.sku, line.line.quantity
    if not line.sellable:
        return Problem("out_of_stock", f"SKU {sku} is no longer sold on this channel.", f"cart.lineItems[{index}]")
    return Problem(
        "out_of_stock", f"SKU {sku}: {available} available, {requested} requested", f"cart.lineItems[{index}]"
    )


# ---- payments ----------------------------------------------------------------------------------------


@sensitive_variables("payments", "payment")
def _authorize_all(gateway: PaymentGateway, payments: tuple[PaymentInput, ...]) -> list[_Authorization]:
    """Authorize each tender; on a decline, void those already authorized so nothing stays held."""
    authorizations: list[_Authorization] = []
    for index, payment in enumerate(payments):
        field = f"paymentDetails[{index}]"
        try:
            result = gateway.authorize(card=payment.card, amount=payment.amount, currency=payment.currency)
        except GatewayError:
            _void_all(gateway, authorizations)
            raise OrderError.of("payment_declined", "The payment could not be processed; nothing was charged.", field)
        if not result.approved:
            _void_all(gateway, authorizations)
            raise OrderError.of("payment_declined", result.message or "The card was declined.", field)
        authorizations.append(_Authorization(index=index, payment=payment, reference=result.reference))
    return authorizations


def _void_all(gateway: PaymentGateway, authorizations: list[_Authorization]) -> None:
    for authorization in authorizations:
        try:
            gateway.void(reference=authorization.reference)
        except GatewayError:
            # The hold lapses at the gateway by itself; say so loudly for reconciliation.
            logger.error("Could not void authorization %s", authorization.reference)


def _capture_all(gateway: PaymentGateway, order: Order) -> None:
    """Capture after commit (a network call, so never inside the stock transaction)."""
    captured = []
    for payment in order.payments.all():
        try:
            result = gateway.capture(
                reference=payment.gateway_reference, amount=payment.amount, currency=payment.currency
            )
        except GatewayError:
            result = None
        if result is not None and result.approved:
            captured.append(payment.pk)
        else:
            logger.warning("Capture failed for order %s payment %s", order.order_id, payment.pk)
    order_payments_captured(order=order, payment_ids=captured)


# ---- the transaction ---------------------------------------------------------------------------------


# Ids are random (about 10¹³ values); a collision fails the transaction and the order is written again.
ORDER_ID_ATTEMPTS = 5


@sensitive_variables("request")
def _place_order(
    channel: Channel,
    request: CheckoutRequest,
    plan: _Plan,
    authorizations: list[_Authorization],
    gateway: str,
    claim: Claim | None,
) -> Order:
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
    plan: _Plan,
    authorizations: list[_Authorization],
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
        OrderEvent.objects.bulk_create(
            [OrderEvent(order=order, kind="placed", message=f"Placed through {channel.name}.")]
        )
        OutboxEvent.objects.bulk_create(
            [OutboxEvent(topic="order.created", key=order.order_id, payload=_event_payload(order, lines))]
        )
        if claim is not None:
            idempotency_complete(claim, status=200, body=CheckoutResult(order_id=order_id).as_response())
        try:
            allocations = stock_reserve(plan.demands)
        except OutOfStock as short:
            raise _stock_error(priced, short)
        _create_allocations(lines, allocations)
    order._prefetched_objects_cache = {"payments": payments}
    return order


def _close_cart(cart: Cart) -> None:
    """Close the cart if it is still open: one UPDATE that also locks its row until COMMIT."""
    closed = Cart.objects.filter(pk=cart.pk, status=Cart.Status.OPEN).update(
        status=Cart.Status.CHECKED_OUT, updated_at=timezone.now()
    )
    if not closed:
        raise OrderError.of("cart_already_checked_out", "This cart has already been checked out.", "cartId")


def _stock_error(priced: PricedCart, short: OutOfStock) -> OrderError:
    problems = [
        _out_of_stock(index, line, short.shortages[line.line.variant_id][1])
        for index, line in enumerate(priced.lines)
        if line.line.variant_id in short.shortages
    ]
    return OrderError(*problems)


@sensitive_variables("request")
def _create_order(channel: Channel, request: CheckoutRequest, plan: _Plan, order_id: str) -> Order:
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
    # bulk_create: one INSERT … RETURNING, without the save() signals (no reference index or search work).
    Order.objects.bulk_create([order])
    return order


def _create_ship_tos(order: Order, priced: PricedCart, plan: _Plan) -> dict[int, OrderShipTo]:
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
    OrderShipTo.objects.bulk_create(rows)
    return {cart_ship_to.pk: row for cart_ship_to, row in zip(priced.ship_tos, rows, strict=True)}


def _create_lines(order: Order, priced: PricedCart, plan: _Plan, ship_tos: dict[int, OrderShipTo]) -> list[OrderLine]:
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
    return OrderLine.objects.bulk_create(rows)


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
    StockAllocation.objects.bulk_create(rows)


def _create_payments(
    order: Order, authorizations: list[_Authorization], gateway: str, currency: str
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
    return OrderPayment.objects.bulk_create(rows)


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


__all__ = ["CheckoutRequest", "CheckoutResult", "PaymentInput", "checkout_complete"]
