"""The payment gateway adapter interface. Real gateways plug in behind it; checkout knows only this."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from orders.payments.cards import CardDetails


@dataclass(frozen=True, slots=True)
class GatewayResult:
    approved: bool
    reference: str = ""
    decline_code: str = ""  # e.g. card_declined, insufficient_funds
    message: str = ""


class GatewayError(Exception):
    """The gateway could not be reached or answered nonsense: not a decline, but nothing was charged."""


class PaymentGateway(Protocol):
    name: str

    def authorize(self, *, card: CardDetails, amount: Decimal, currency: str) -> GatewayResult:
        """Hold the amount on the card. The only call that receives card data."""
        ...

    def capture(self, *, reference: str, amount: Decimal, currency: str) -> GatewayResult: ...

    def void(self, *, reference: str) -> GatewayResult: ...

    def refund(self, *, reference: str, amount: Decimal, currency: str) -> GatewayResult: ...
