"""Pure money arithmetic of carts and checkouts: no database, no request, callable from any test.

Amounts are Decimal in the cart's currency; rounding happens once per line and per total, half-up to the
currency's minor unit (catalog.money.quantize).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from catalog.money import quantize

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    discounts: Decimal
    amount_due_before_tax: Decimal


@dataclass(frozen=True, slots=True)
class Tender:
    """One payment, in its own currency, with the rate that converts it into the cart's currency."""

    amount: Decimal
    conversion: Decimal


def line_total(unit_price: Decimal, quantity: int, currency: str, discount: Decimal = ZERO) -> Decimal:
    return quantize(unit_price * quantity - discount, currency)


def cart_totals(
    *, line_totals: Iterable[Decimal], shipping_prices: Iterable[Decimal], discounts: Decimal, currency: str
) -> Totals:
    subtotal = quantize(sum(line_totals, ZERO), currency)
    shipping = quantize(sum(shipping_prices, ZERO), currency)
    discounts = quantize(discounts, currency)
    return Totals(
        subtotal=subtotal,
        shipping=shipping,
        discounts=discounts,
        amount_due_before_tax=quantize(subtotal + shipping - discounts, currency),
    )


def tax_total(tax_amounts: Iterable[Decimal], currency: str) -> Decimal:
    return quantize(sum(tax_amounts, ZERO), currency)


def amount_due(totals: Totals, taxes: Decimal, currency: str) -> Decimal:
    """What the payments must add up to: the cart's amount before tax plus the client's estimated taxes."""
    return quantize(totals.amount_due_before_tax + taxes, currency)


def tendered(tenders: Iterable[Tender], currency: str) -> Decimal:
    """The payments' sum in the cart's currency (each amount × conversion), to the currency's minor unit."""
    return quantize(sum((tender.amount * tender.conversion for tender in tenders), ZERO), currency)
