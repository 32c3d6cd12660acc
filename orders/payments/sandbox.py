"""The built-in test gateway: the common test card numbers, with a ledger table a test can count."""

import secrets
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from hub.prepared import prepared_cursor
from orders.models import SandboxTransaction
from orders.payments.base import GatewayResult
from orders.payments.cards import CardDetails

DECLINED_NUMBERS = {
    "4000000000000002": ("card_declined", "The card was declined."),
    "4000000000009995": ("insufficient_funds", "The card was declined for insufficient funds."),
}

# Authorized, but every capture of it is refused (like Stripe's 4000000000000341): to try a failed capture.
CAPTURE_REFUSED_NUMBER = "4000000000000341"
CAPTURE_REFUSED = "capture_refused"  # kept on the approved authorization's ledger row, which captures check
_NOTHING_REFUSED = "-"  # what voids and refunds check for instead: no row has it

_TABLE = SandboxTransaction._meta.db_table
_COLUMNS = "reference, kind, approved, amount, currency, last_four, decline_reason, created_at"
# One statement per gateway call: the ledger row, or for a follow-up (capture, void, refund) the row only if
# the reference is an approved authorization (the amount and currency default to the authorization's).
# {no_flush} is where `_execute` joins the setting that spares the statement a WAL flush on PostgreSQL.
_AUTHORIZE_SQL = f"INSERT INTO {_TABLE} ({_COLUMNS}) SELECT %s, %s, %s, %s, %s, %s, %s, %s {{no_flush}}"  # noqa: S608
_FOLLOW_UP_SQL = (
    f"INSERT INTO {_TABLE} ({_COLUMNS}) "  # noqa: S608 (table and columns are ours, values are parameters)
    "SELECT %s, %s, %s, COALESCE(%s, amount), COALESCE(%s, currency), '', '', %s "
    f"FROM {_TABLE} {{no_flush}} WHERE reference = %s AND kind = %s AND approved AND decline_reason <> %s LIMIT 1"
)
# set_config(…, true) is SET LOCAL as an expression: it holds for this statement's own transaction only. It
# is one statement with the INSERT, as a prepared statement (server-side binding) must be.
_NO_FLUSH = {
    _AUTHORIZE_SQL: "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS no_flush",
    _FOLLOW_UP_SQL: "CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS no_flush",
}


class SandboxGateway:
    """Approves 4111111111111111, 4242424242424242 and any other Luhn-valid number; declines the two
    decline test numbers; authorizes 4000000000000341 but refuses its captures. Records every call in
    SandboxTransaction, as a real gateway's dashboard would."""

    name = "sandbox"

    def authorize(self, *, card: CardDetails, amount: Decimal, currency: str) -> GatewayResult:
        decline = DECLINED_NUMBERS.get(card.number)
        reference = f"sbx_{secrets.token_hex(12)}"
        params = [
            reference,
            SandboxTransaction.Kind.AUTHORIZE.value,
            decline is None,
            amount,
            currency,
            card.last_four,
            decline[0] if decline else (CAPTURE_REFUSED if card.number == CAPTURE_REFUSED_NUMBER else ""),
            connection.ops.adapt_datetimefield_value(timezone.now()),
        ]
        _execute(_AUTHORIZE_SQL, params)
        if decline:
            return GatewayResult(approved=False, reference=reference, decline_code=decline[0], message=decline[1])
        return GatewayResult(approved=True, reference=reference)

    def capture(self, *, reference: str, amount: Decimal, currency: str) -> GatewayResult:
        result = self._follow_up(reference, SandboxTransaction.Kind.CAPTURE, amount, currency, refused=CAPTURE_REFUSED)
        if not result.approved and _refuses_captures(reference):
            # As a real gateway's dashboard shows a declined capture (the failure path only: one more write).
            SandboxTransaction.objects.create(
                reference=reference,
                kind=SandboxTransaction.Kind.CAPTURE,
                approved=False,
                amount=amount,
                currency=currency,
                decline_reason=CAPTURE_REFUSED,
            )
            return GatewayResult(
                approved=False,
                reference=reference,
                decline_code=CAPTURE_REFUSED,
                message="The test gateway refuses captures of this card.",
            )
        return result

    def void(self, *, reference: str) -> GatewayResult:
        return self._follow_up(reference, SandboxTransaction.Kind.VOID, None, None)

    def refund(self, *, reference: str, amount: Decimal, currency: str) -> GatewayResult:
        return self._follow_up(reference, SandboxTransaction.Kind.REFUND, amount, currency)

    @staticmethod
    def _follow_up(
        reference: str, kind: str, amount: Decimal | None, currency: str | None, refused: str = _NOTHING_REFUSED
    ) -> GatewayResult:
        params = [
            reference,
            str(kind),
            True,
            amount,
            currency,
            connection.ops.adapt_datetimefield_value(timezone.now()),
            reference,
            SandboxTransaction.Kind.AUTHORIZE.value,
            refused,
        ]
        if not _execute(_FOLLOW_UP_SQL, params):
            return GatewayResult(approved=False, reference=reference, decline_code="unknown_reference")
        return GatewayResult(approved=True, reference=reference)


def _refuses_captures(reference: str) -> bool:
    authorizations = SandboxTransaction.objects.filter(reference=reference, kind=SandboxTransaction.Kind.AUTHORIZE)
    return authorizations.filter(approved=True, decline_reason=CAPTURE_REFUSED).exists()


def _execute(sql: str, params: list) -> int:
    """Run one ledger statement; the number of rows written.

    The ledger stands in for a remote gateway's dashboard, so outside a transaction of ours it need not wait
    for a WAL flush (a flush costs milliseconds, and a checkout makes two gateway calls): on PostgreSQL the
    statement turns synchronous_commit off for its own implicit transaction. Inside a caller's transaction (a
    cancellation) it is simply part of it.
    """
    no_flush = connection.vendor == "postgresql" and not connection.in_atomic_block
    with prepared_cursor() as cursor:
        cursor.execute(sql.format(no_flush=_NO_FLUSH[sql] if no_flush else ""), params)
        return cursor.rowcount
