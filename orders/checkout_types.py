"""What a checkout takes, returns and works with: the parsed request, the result, and the plan computed
before any payment or lock (see orders/checkout.py)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orders.payments import CardDetails
from orders.selectors import PricedCart


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
class Authorization:
    index: int
    payment: PaymentInput
    reference: str


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything the transaction writes, computed before it starts."""

    priced: PricedCart
    line_taxes: dict[int, Decimal]
    ship_to_taxes: dict[str, Decimal]
    taxes: Decimal
    total: Decimal
    demands: dict[int, int]  # variant id → units
