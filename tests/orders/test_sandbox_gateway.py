"""The built-in test gateway's ledger (orders/payments/sandbox.py): one statement per call."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import SandboxTransaction
from orders.payments.cards import CardDetails
from orders.payments.sandbox import SandboxGateway


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as the other transactional tests
def test_each_call_is_one_statement_that_skips_the_flush_only_for_itself():
    """Outside a transaction of ours the ledger row need not wait for a WAL flush (PostgreSQL); the setting
    must not outlive the gateway call's own statement."""
    gateway = SandboxGateway()
    card = CardDetails(number="4111111111111111", cvv="123", exp_month=12, exp_year=2099, holder_name="T")

    with CaptureQueriesContext(connection) as queries:
        authorized = gateway.authorize(card=card, amount=Decimal("12.50"), currency="USD")
        captured = gateway.capture(reference=authorized.reference, amount=Decimal("12.50"), currency="USD")

    assert authorized.approved and captured.approved
    assert len(queries) == 2
    assert list(SandboxTransaction.objects.order_by("pk").values_list("kind", "amount", "last_four")) == [
        ("authorize", Decimal("12.50"), "1111"),
        ("capture", Decimal("12.50"), ""),
    ]
    if connection.vendor == "postgresql":
        assert all("set_config('synchronous_commit', 'off', true)" in query["sql"] for query in queries)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
