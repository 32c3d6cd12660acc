"""After checkouts of every kind, no card number or CVV is anywhere: tables, logs, responses."""

import logging
import re

from django.apps import apps

from tests.orders.conftest import DECLINED, VISA, checkout_body

CVV = "7319"  # four digits, so it cannot be mistaken for a price
BAD_LUHN = "4111111111111112"
CARDS = (DECLINED, BAD_LUHN, "4111 1111 1111 1111x")  # failures first: they leave the cart open


def _found(text: str) -> list[str]:
    hits = [card for card in (VISA, DECLINED, BAD_LUHN, "4111 1111 1111 1111") if card in text]
    if re.search(rf"(?<![0-9A-Za-z]){CVV}(?![0-9A-Za-z])", text):
        hits.append("cvv")
    return hits


def _dump_every_table() -> str:
    rows = []
    for model in apps.get_models():
        for values in model._base_manager.values_list():
            rows.append(f"{model._meta.label} {values!r}")
    return "\n".join(rows)


def test_no_card_number_or_cvv_in_any_table_log_or_response(api, ready_cart, caplog):
    caplog.set_level(logging.DEBUG)
    responses = []
    for card in CARDS:
        responses.append(api.post("/api-order/checkout", checkout_body(ready_cart, card=card, cvv=CVV)))
    expired = checkout_body(ready_cart, cvv=CVV, exp="0121")
    responses.append(api.post("/api-order/checkout", expired, HTTP_IDEMPOTENCY_KEY="k-1"))
    bad_cvv = checkout_body(ready_cart, cvv="12a45")
    responses.append(api.post("/api-order/checkout", bad_cvv))
    for _ in range(2):
        responses.append(
            api.post("/api-order/checkout", checkout_body(ready_cart, card=VISA, cvv=CVV), HTTP_IDEMPOTENCY_KEY="k-2")
        )
    responses.append(api.post("/api-order/checkout", checkout_body(ready_cart, card=VISA, cvv=CVV)))

    assert [response.status_code for response in responses] == [402, 422, 400, 402, 400, 200, 200, 409]
    for response in responses:
        assert _found(response.content.decode()) == []
    assert "12a45" not in responses[4].content.decode()
    assert _found(_dump_every_table()) == []
    assert _found(caplog.text) == []
