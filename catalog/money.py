"""Money is a Decimal plus an ISO 4217 code; this module is the one place that knows currency decimals."""

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision, list_currencies
from django.core.exceptions import ValidationError

_KNOWN_CURRENCIES = frozenset(list_currencies())


def is_currency(code: str) -> bool:
    return code in _KNOWN_CURRENCIES


@cache  # ISO 4217 minor units are fixed data; feeds and pages ask for them once per price
def currency_decimals(code: str) -> int:
    """Minor-unit digits of a currency: 2 for USD and EUR, 0 for JPY, 3 for KWD."""
    return get_currency_precision(code)


@cache
def _minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-currency_decimals(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round once, at the edge, half-up to the currency's minor unit."""
    return amount.quantize(_minor_unit(currency), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, currency: str) -> str:
    """A decimal string with exactly the currency's decimals, as our JSON and feeds carry it."""
    return f"{quantize(amount, currency):f}"


def format_optional_amount(amount: Decimal | None, currency: str) -> str | None:
    """`format_amount`, or None for a missing amount (a variant without a price on a channel)."""
    return None if amount is None else format_amount(amount, currency)


def validate_currency_code(code: str) -> None:
    if not is_currency(code):
        raise ValidationError(f"“{code}” is not an ISO 4217 currency code.", code="invalid_currency")


def validate_amount_for_currency(amount: Decimal | None, currency: str, field: str) -> dict[str, str]:
    """Errors for an amount that is negative or has more decimals than its currency allows."""
    if amount is None or not is_currency(currency):
        return {}
    if amount < 0:
        return {field: "Must not be negative."}
    allowed = currency_decimals(currency)
    exponent = amount.normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals > allowed:
        return {field: f"{currency} allows {allowed} decimal place{'s' if allowed != 1 else ''}; got {decimals}."}
    return {}
