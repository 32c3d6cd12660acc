"""The built-in test gateway: the common test card numbers, with a ledger table a test can count."""

import secrets
from decimal import Decimal

from orders.models import SandboxTransaction
from orders.payments.base import GatewayResult
from orders.payments.cards import CardDetails

DECLINED_NUMBERS = {
    "4000000000000002": ("card_declined", "The card was declined."),
    "4000000000009995": ("insufficient_funds", "The card was declined for insufficient funds."),
}


class SandboxGateway:
    """Approves 4111111111111111, 4242424242424242 and any other Luhn-valid number; declines the two
    decline test numbers. Records every call in SandboxTransaction, as a real gateway's dashboard would."""

    name = "sandbox"

    def authorize(self, *, card: CardDetails, amount: Decimal, currency: str) -> GatewayResult:
        decline = DECLINED_NUMBERS.get(card.number)
        reference = f"sbx_{secrets.token_hex(12)}"
        self._record(reference, SandboxTransaction.Kind.AUTHORIZE, amount, currency, card.last_four, decline)
        if decline:
            return GatewayResult(approved=False, reference=reference, decline_code=decline[0], message=decline[1])
        return GatewayResult(approved=True, reference=reference)

    def capture(self, *, reference: str, amount: Decimal, currency: str) -> GatewayResult:
        return self._follow_up(reference, SandboxTransaction.Kind.CAPTURE, amount, currency)

    def void(self, *, reference: str) -> GatewayResult:
        authorization = self._authorization(reference)
        if authorization is None:
            return GatewayResult(approved=False, reference=reference, decline_code="unknown_reference")
        return self._follow_up(reference, SandboxTransaction.Kind.VOID, authorization.amount, authorization.currency)

    def refund(self, *, reference: str, amount: Decimal, currency: str) -> GatewayResult:
        return self._follow_up(reference, SandboxTransaction.Kind.REFUND, amount, currency)

    def _follow_up(self, reference: str, kind: str, amount: Decimal, currency: str) -> GatewayResult:
        if self._authorization(reference) is None:
            return GatewayResult(approved=False, reference=reference, decline_code="unknown_reference")
        self._record(reference, kind, amount, currency, "", None)
        return GatewayResult(approved=True, reference=reference)

    @staticmethod
    def _authorization(reference: str) -> SandboxTransaction | None:
        return SandboxTransaction.objects.filter(
            reference=reference, kind=SandboxTransaction.Kind.AUTHORIZE, approved=True
        ).first()

    @staticmethod
    def _record(reference, kind, amount, currency, last_four, decline) -> None:
        SandboxTransaction.objects.create(
            reference=reference,
            kind=kind,
            approved=decline is None,
            amount=amount,
            currency=currency,
            last_four=last_four,
            decline_reason=decline[0] if decline else "",
        )
