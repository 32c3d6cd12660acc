"""The checkout's statements are prepared on PostgreSQL (hub/prepared.py), as PostgreSQL itself reports."""

import pytest

from tests.hub.test_prepared import on_postgresql, prepared_texts
from tests.orders.conftest import checkout_body


@on_postgresql
@pytest.mark.django_db
def test_the_checkout_s_writes_and_pricing_read_are_prepared(api, ready_cart):
    response = api.post("/api-order/checkout", checkout_body(ready_cart))
    assert response.status_code == 200, response.content

    texts = prepared_texts()
    for part in (
        "INSERT INTO orders_orderline",  # the order statement
        "INSERT INTO orders_stockallocation",  # the reservation
        "UPDATE orders_orderpayment SET status = 'captured'",  # the capture
        "SELECT p.id, p.slug, p.live",  # the pricing read
        'FROM "orders_cartline"',  # the cart's lines (a compiled read: hub/statements.py)
        'FROM "orders_cartshipto"',  # its ship-tos
    ):
        assert sum(part in text for text in texts) == 1, part
    assert sum("INSERT INTO orders_sandboxtransaction" in text for text in texts) == 2  # authorize, capture
