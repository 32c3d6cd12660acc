"""Checkout completion: one entry point, `checkout_complete()`.

The order of work keeps the guarantees of specs/checkout.md:
1. read the cart and its channel prices once (constant queries), check everything that needs no lock;
2. authorize every payment at the gateway, before any stock row is locked (no network call under a lock);
3. in ONE short transaction (orders/placement.py): close the cart (a conditional UPDATE, which also locks
   it), write the order, its lines, payments, history and the `order.created` outbox event in bulk, complete
   the Idempotency-Key (so a retry replays this order even if the worker dies right after COMMIT), and last
   reserve stock (rows locked in pk order, one F() UPDATE) and record the allocations, so stock rows stay
   locked only until COMMIT;
4. if that fails (stock short, cart closed meanwhile), void the authorizations: nothing has changed;
5. after commit, capture the payments and mark the order paid.
Card numbers and CVVs reach only the gateway adapter (step 2).
"""

import logging
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from catalog.money import format_amount
from channels.models import Channel
from orders.checkout_types import Authorization, CheckoutRequest, CheckoutResult, PaymentInput, Plan
from orders.exceptions import OrderError, OutOfStock, Problem
from orders.idempotency import Claim, idempotency_claim, idempotency_release
from orders.lifecycle import order_payments_captured
from orders.models import Order
from orders.payments import GatewayError, PaymentGateway, gateway_for_channel
from orders.payments.cards import is_expired, luhn_valid
from orders.placement import place_order
from orders.pricing import Tender, amount_due, tax_total, tendered
from orders.selectors import PricedCart, PricedLine, cart_get, cart_price

logger = logging.getLogger(__name__)


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
        order = place_order(channel, request, plan, authorizations, gateway.name, claim)
    except BaseException as failure:
        _void_all(gateway, authorizations)
        if isinstance(failure, OutOfStock):
            raise _stock_error(plan.priced, failure) from None
        raise
    _capture_all(gateway, order)
    return CheckoutResult(order_id=order.order_id)


# ---- checks before any payment or lock ---------------------------------------------------------------


def _plan(priced: PricedCart, request: CheckoutRequest) -> Plan:
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
    return Plan(priced, line_taxes, ship_to_taxes, taxes, total, dict(demands))


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
def _authorize_all(gateway: PaymentGateway, payments: tuple[PaymentInput, ...]) -> list[Authorization]:
    """Authorize each tender; on a decline, void those already authorized so nothing stays held."""
    authorizations: list[Authorization] = []
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
        authorizations.append(Authorization(index=index, payment=payment, reference=result.reference))
    return authorizations


def _void_all(gateway: PaymentGateway, authorizations: list[Authorization]) -> None:
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


def _stock_error(priced: PricedCart, short: OutOfStock) -> OrderError:
    problems = [
        _out_of_stock(index, line, short.shortages[line.line.variant_id][1])
        for index, line in enumerate(priced.lines)
        if line.line.variant_id in short.shortages
    ]
    return OrderError(*problems)


__all__ = ["CheckoutRequest", "CheckoutResult", "PaymentInput", "checkout_complete"]
