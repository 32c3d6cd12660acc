"""The checkout contract (specs/checkout.md): the example, every row of the error table, the guarantees."""

import copy
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import StockLevel
from orders.models import Cart, IdempotencyKey, Order, OrderPayment, OutboxEvent, SandboxTransaction
from tests.orders.conftest import (
    DECLINED,
    INSUFFICIENT_FUNDS,
    VISA,
    VISA_2,
    add_line,
    add_ship_to,
    checkout_body,
    future_expiry,
    new_cart,
    payment,
    sellable_sku,
    stock_of,
)

# The request of specs/checkout.md, verbatim; tests put in the cart's and ship-to's ids.
CONTRACT_EXAMPLE = json.loads("""
{
  "cartId": "5f1b4158bb24210008b9a3f0",
  "customerEmail": "joe.demo@example.com",
  "customerPhoneNumber": {"number": "07780811973", "kind": "Mobile"},
  "paymentDetails": [
    {
      "transactionDetails": {
        "paymentType": "CARD",
        "cardNumber": "4111111111111111",
        "expDate": "1122",
        "cvv": "999",
        "cardHolderFullName": "Joe Demo",
        "metadata": {}
      },
      "paymentIdentifier": {"cardIdentifier": "1111"},
      "paymentMethod": "Visa",
      "paymentKind": "Fabric User",
      "amount": "11.27",
      "currency": "USD",
      "conversion": 1,
      "billToAddress": {
        "name": {"first": "Joe", "last": "Demo"},
        "email": "joe.demo@example.com",
        "phone": {"number": "07780811973", "kind": "Mobile"},
        "street1": "600 CONGRESS AVE",
        "street2": "",
        "city": "AUSTIN",
        "state": "TX",
        "country": "US",
        "zipCode": "1003"
      }
    }
  ],
  "estimatedTax": {
    "itemsTaxes": [
      {"lineItemId": 1, "amount": 2},
      {"lineItemId": 2, "amount": 2}
    ],
    "shipToTaxes": [
      {"shipToId": "5f1b41892e8f1c0008fc20e8", "amount": 1.5}
    ]
  },
  "shipFrom": {
    "street1": "888 Broadway",
    "street2": "",
    "city": "New York",
    "state": "NY",
    "country": "USA",
    "zipCode": "46282"
  }
}
""")


@pytest.fixture
def example_cart(api, channel, shipping_rate):
    """Lines 1 and 2 (1.25 + 2.52) and one ship-to (2.00): 5.77 + taxes 2 + 2 + 1.5 = 11.27, as the example."""
    cart = new_cart(api)
    add_line(api, cart["cartId"], sellable_sku(channel, price="1.25"), 1)
    add_line(api, cart["cartId"], sellable_sku(channel, price="2.52"), 1)
    return add_ship_to(api, cart["cartId"])


def example_for(cart: dict, *, exp: str | None = None) -> dict:
    body = copy.deepcopy(CONTRACT_EXAMPLE)
    body["cartId"] = cart["cartId"]
    body["estimatedTax"]["shipToTaxes"][0]["shipToId"] = cart["shipTos"][0]["shipToId"]
    if exp is not None:
        body["paymentDetails"][0]["transactionDetails"]["expDate"] = exp
    return body


def assert_error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["checkoutComplete"] is False
    assert code in [error["code"] for error in body["errors"]], body
    if field is not None:
        assert field in [error["field"] for error in body["errors"]], body
    return body


def nothing_changed(cart_id: str, sku: str, stock_before: tuple[int, int]) -> None:
    assert Order.objects.count() == 0
    assert Cart.objects.get(cart_id=cart_id).status == Cart.Status.OPEN
    assert stock_of(sku) == stock_before
    assert OutboxEvent.objects.count() == 0


# ---- the example --------------------------------------------------------------------------------------


def test_checkout_of_the_contract_example_with_a_future_expiry_places_the_order(api, example_cart):
    assert example_cart["totals"]["amountDueBeforeTax"] == "5.77"

    response = api.post("/api-order/checkout", example_for(example_cart, exp=future_expiry()))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["checkoutComplete"] is True
    assert set(body) == {"checkoutComplete", "orderId"}
    order = Order.objects.get(order_id=body["orderId"])
    assert order.total == Decimal("11.27")
    assert order.tax_total == Decimal("5.50")
    assert order.status == "paid"
    assert order.ship_from_address["country"] == "US"  # sent as USA
    assert [(line.line_item_id, line.tax) for line in order.lines.all()] == [(1, Decimal(2)), (2, Decimal(2))]
    payment_row = order.payments.get()
    assert (payment_row.brand, payment_row.last_four, payment_row.status) == ("Visa", "1111", "captured")


def test_checkout_of_the_contract_example_as_written_is_card_expired(api, example_cart):
    response = api.post("/api-order/checkout", example_for(example_cart))

    body = assert_error(response, 402, "card_expired", "paymentDetails[0].transactionDetails.expDate")
    assert "11/2022" in body["errors"][0]["message"]
    assert Order.objects.count() == 0
    assert SandboxTransaction.objects.count() == 0  # the gateway was never asked


def test_checkout_is_also_served_at_the_alias_path(api, example_cart):
    response = api.post("/api-order-checkout", example_for(example_cart, exp=future_expiry()))

    assert response.status_code == 200, response.content
    assert response.json()["checkoutComplete"] is True


def test_checkout_order_id_has_the_contract_form_and_is_not_sequential(api, channel, shipping_rate):
    order_ids = []
    for _ in range(3):
        cart = new_cart(api)
        add_line(api, cart["cartId"], sellable_sku(channel))
        cart = add_ship_to(api, cart["cartId"])
        order_ids.append(api.post("/api-order/checkout", checkout_body(cart)).json()["orderId"])

    for order_id in order_ids:
        assert len(order_id) == 15 and order_id[4] == "-" and order_id[9] == "-"
        assert order_id.replace("-", "").isdigit()
    numbers = [int(order_id.replace("-", "")) for order_id in order_ids]
    assert numbers[1] - numbers[0] != 1 or numbers[2] - numbers[1] != 1


def test_checkout_reserves_stock_closes_the_cart_and_writes_order_created(api, ready_cart):
    response = api.post("/api-order/checkout", checkout_body(ready_cart))

    order_id = response.json()["orderId"]
    assert stock_of(ready_cart["sku"]) == (10, 2)
    assert Cart.objects.get(cart_id=ready_cart["cartId"]).status == Cart.Status.CHECKED_OUT
    event = OutboxEvent.objects.get(topic="order.created")
    assert event.key == order_id
    assert event.payload["lineItems"] == [
        {"lineItemId": 1, "sku": ready_cart["sku"], "quantity": 2, "unitPrice": "10.00"}
    ]


def test_checkout_accepts_amounts_as_strings_or_numbers(api, ready_cart):
    body = checkout_body(
        ready_cart,
        taxes={
            "itemsTaxes": [{"lineItemId": 1, "amount": 1.1}],
            "shipToTaxes": [{"shipToId": ready_cart["shipTos"][0]["shipToId"], "amount": "0.20"}],
        },
    )
    body["paymentDetails"][0]["amount"] = 23.3  # a JSON number, parsed as Decimal

    response = api.post("/api-order/checkout", body)

    assert response.status_code == 200, response.content
    assert Order.objects.get().total == Decimal("23.30")


# ---- split tender -------------------------------------------------------------------------------------


def test_checkout_split_tender_over_two_cards_and_a_converted_currency(api, ready_cart):
    body = checkout_body(ready_cart)
    body["paymentDetails"] = [
        payment(VISA, "12.00"),
        payment(VISA_2, "8.00", currency="EUR", conversion="1.25"),  # 8.00 EUR × 1.25 = 10.00 USD
    ]

    response = api.post("/api-order/checkout", body)

    assert response.status_code == 200, response.content
    payments = list(OrderPayment.objects.order_by("pk").values_list("last_four", "amount", "currency", "status"))
    assert payments == [("1111", Decimal("12.00"), "USD", "captured"), ("4242", Decimal("8.00"), "EUR", "captured")]


def test_checkout_split_tender_that_does_not_add_up_is_amount_mismatch(api, ready_cart):
    body = checkout_body(ready_cart)
    body["paymentDetails"] = [payment(VISA, "12.00"), payment(VISA_2, "9.99")]

    response = api.post("/api-order/checkout", body)

    error = assert_error(response, 422, "amount_mismatch", "paymentDetails")["errors"][0]
    assert "22.00 USD" in error["message"]
    nothing_changed(ready_cart["cartId"], ready_cart["sku"], (10, 0))


def test_checkout_decline_of_the_second_card_voids_the_first(api, ready_cart):
    body = checkout_body(ready_cart)
    body["paymentDetails"] = [payment(VISA, "12.00"), payment(DECLINED, "10.00")]

    response = api.post("/api-order/checkout", body)

    assert_error(response, 402, "payment_declined", "paymentDetails[1]")
    first = SandboxTransaction.objects.filter(last_four="1111").get()
    assert SandboxTransaction.objects.filter(reference=first.reference, kind="void").exists()
    nothing_changed(ready_cart["cartId"], ready_cart["sku"], (10, 0))


# ---- the error table ----------------------------------------------------------------------------------


def test_checkout_rejects_a_body_that_is_not_json(api, ready_cart):
    response = api.post("/api-order/checkout", b"{not json")

    assert_error(response, 400, "invalid_request")


def test_checkout_rejects_wrong_types_with_one_error_per_field(api, ready_cart):
    body = checkout_body(ready_cart)
    body["customerEmail"] = 42
    body["paymentDetails"][0]["amount"] = "eleven"
    body["paymentDetails"][0]["transactionDetails"]["expDate"] = "13/24"
    body["estimatedTax"] = {"itemsTaxes": [{"lineItemId": "one", "amount": 1}]}

    response = api.post("/api-order/checkout", body)

    errors = assert_error(response, 400, "invalid_request")["errors"]
    assert {error["field"] for error in errors} == {
        "customerEmail",
        "paymentDetails[0].amount",
        "paymentDetails[0].transactionDetails.expDate",
        "estimatedTax.itemsTaxes[0].lineItemId",
    }
    assert {error["code"] for error in errors} == {"invalid_request"}


def test_checkout_rejects_a_missing_field_and_an_unknown_country(api, ready_cart):
    body = checkout_body(ready_cart)
    del body["cartId"]
    body["paymentDetails"][0]["billToAddress"]["country"] = "XYZ"

    errors = assert_error(api.post("/api-order/checkout", body), 400, "invalid_request")["errors"]

    assert {error["field"] for error in errors} == {"cartId", "paymentDetails[0].billToAddress.country"}


def test_checkout_ignores_unknown_extra_fields(api, ready_cart):
    body = checkout_body(ready_cart)
    body["loyaltyNumber"] = "X-1"
    body["paymentDetails"][0]["transactionDetails"]["deviceFingerprint"] = "abc"

    assert api.post("/api-order/checkout", body).status_code == 200


def test_checkout_without_an_api_key_is_unauthorized(client, ready_cart):
    response = client.post("/api-order/checkout", data=checkout_body(ready_cart), content_type="application/json")

    assert_error(response, 401, "unauthorized")


def test_checkout_with_a_bad_api_key_is_unauthorized(client, ready_cart):
    response = client.post(
        "/api-order/checkout",
        data=checkout_body(ready_cart),
        content_type="application/json",
        HTTP_X_API_KEY="hub_not-a-key",
    )

    assert_error(response, 401, "unauthorized")


def test_checkout_of_an_unknown_cart_is_cart_not_found(api, ready_cart):
    body = checkout_body(ready_cart)
    body["cartId"] = "5f1b4158bb24210008b9a3f0"

    assert_error(api.post("/api-order/checkout", body), 404, "cart_not_found", "cartId")


def test_checkout_of_another_channels_cart_is_cart_not_found(client, ready_cart):
    from channels.api_keys import api_key_create
    from tests.factories import ChannelFactory

    _, other_key = api_key_create(channel=ChannelFactory(code="pos"), name="pos")
    response = client.post(
        "/api-order/checkout",
        data=checkout_body(ready_cart),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other_key}",
    )

    assert_error(response, 404, "cart_not_found", "cartId")
    nothing_changed(ready_cart["cartId"], ready_cart["sku"], (10, 0))


def test_checkout_of_a_cart_already_checked_out_is_a_conflict(api, ready_cart):
    assert api.post("/api-order/checkout", checkout_body(ready_cart)).status_code == 200

    response = api.post("/api-order/checkout", checkout_body(ready_cart))

    assert_error(response, 409, "cart_already_checked_out", "cartId")
    assert Order.objects.count() == 1


def test_checkout_with_stock_short_is_out_of_stock_and_changes_nothing(api, channel, shipping_rate):
    sku = sellable_sku(channel, stock=1)
    cart = new_cart(api)
    add_line(api, cart["cartId"], sku, 3)
    cart = add_ship_to(api, cart["cartId"])

    response = api.post("/api-order/checkout", checkout_body(cart))

    error = assert_error(response, 409, "out_of_stock", "cart.lineItems[0]")["errors"][0]
    assert error["message"] == f"SKU {sku}: 1 available, 3 requested"
    nothing_changed(cart["cartId"], sku, (1, 0))
    assert SandboxTransaction.objects.count() == 0


def test_checkout_with_a_wrong_amount_is_amount_mismatch_with_the_expected_amount(api, ready_cart):
    response = api.post("/api-order/checkout", checkout_body(ready_cart, amount="21.99"))

    error = assert_error(response, 422, "amount_mismatch", "paymentDetails")["errors"][0]
    assert error["message"] == "The payments add up to 21.99 USD; the amount due is 22.00 USD."


def test_checkout_with_an_unknown_line_item_in_the_taxes_is_unknown_line_item(api, ready_cart):
    body = checkout_body(ready_cart, taxes={"itemsTaxes": [{"lineItemId": 7, "amount": 1}], "shipToTaxes": []})

    assert_error(
        api.post("/api-order/checkout", body), 422, "unknown_line_item", "estimatedTax.itemsTaxes[0].lineItemId"
    )


def test_checkout_with_an_unknown_ship_to_in_the_taxes_is_unknown_ship_to(api, ready_cart):
    body = checkout_body(
        ready_cart, taxes={"itemsTaxes": [], "shipToTaxes": [{"shipToId": "5f1b41892e8f1c0008fc20e8", "amount": 1}]}
    )

    assert_error(api.post("/api-order/checkout", body), 422, "unknown_ship_to", "estimatedTax.shipToTaxes[0].shipToId")


def test_checkout_of_an_empty_cart_is_empty_cart(api, shipping_rate):
    cart = new_cart(api)
    cart = add_ship_to(api, cart["cartId"])

    assert_error(api.post("/api-order/checkout", checkout_body(cart, amount="2.00")), 422, "empty_cart")


def test_checkout_of_lines_without_a_ship_to_is_missing_ship_to(api, channel):
    cart = new_cart(api)
    cart = add_line(api, cart["cartId"], sellable_sku(channel), 1)

    assert_error(api.post("/api-order/checkout", checkout_body(cart)), 422, "missing_ship_to", "cart.shipTos")


def test_checkout_rejects_a_card_number_that_fails_luhn(api, ready_cart):
    body = checkout_body(ready_cart, card="4111111111111112")

    assert_error(
        api.post("/api-order/checkout", body), 422, "invalid_card", "paymentDetails[0].transactionDetails.cardNumber"
    )
    assert SandboxTransaction.objects.count() == 0


def test_checkout_rejects_last_four_that_do_not_match_the_card(api, ready_cart):
    body = checkout_body(ready_cart)
    body["paymentDetails"][0]["paymentIdentifier"]["cardIdentifier"] = "4242"

    assert_error(
        api.post("/api-order/checkout", body), 422, "invalid_card", "paymentDetails[0].paymentIdentifier.cardIdentifier"
    )


def test_checkout_rejects_an_expired_card(api, ready_cart):
    body = checkout_body(ready_cart, exp="0120")

    assert_error(api.post("/api-order/checkout", body), 402, "card_expired")
    nothing_changed(ready_cart["cartId"], ready_cart["sku"], (10, 0))


@pytest.mark.parametrize("card", [DECLINED, INSUFFICIENT_FUNDS])
def test_checkout_declined_by_the_gateway_changes_nothing(api, ready_cart, card):
    response = api.post("/api-order/checkout", checkout_body(ready_cart, card=card))

    assert_error(response, 402, "payment_declined", "paymentDetails[0]")
    nothing_changed(ready_cart["cartId"], ready_cart["sku"], (10, 0))
    assert OrderPayment.objects.count() == 0


def test_checkout_declined_for_insufficient_funds_says_so(api, ready_cart):
    response = api.post("/api-order/checkout", checkout_body(ready_cart, card=INSUFFICIENT_FUNDS))

    assert "insufficient funds" in response.json()["errors"][0]["message"]


# ---- idempotency --------------------------------------------------------------------------------------


def test_checkout_retried_with_the_same_key_returns_the_first_response_and_creates_one_order(api, ready_cart):
    body = checkout_body(ready_cart)

    first = api.post("/api-order/checkout", body, HTTP_IDEMPOTENCY_KEY="key-1")
    second = api.post("/api-order/checkout", body, HTTP_IDEMPOTENCY_KEY="key-1")

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert Order.objects.count() == 1
    assert SandboxTransaction.objects.filter(kind="authorize").count() == 1
    assert SandboxTransaction.objects.filter(kind="capture").count() == 1


def test_checkout_that_fails_after_its_order_is_committed_replays_that_order_on_retry(api, ready_cart, monkeypatch):
    """The key is completed in the order's own transaction: a request that dies after COMMIT (here in the capture
    step) leaves a key that replays its order, not one a retry spends on a cart that is already closed."""

    def capture_that_dies(gateway, order):
        raise RuntimeError("the worker died after COMMIT")

    body = checkout_body(ready_cart)
    monkeypatch.setattr("orders.checkout._capture_all", capture_that_dies)
    failed = api.post("/api-order/checkout", body, HTTP_IDEMPOTENCY_KEY="key-1")
    monkeypatch.undo()
    retry = api.post("/api-order/checkout", body, HTTP_IDEMPOTENCY_KEY="key-1")

    assert failed.status_code == 500
    order = Order.objects.get()
    assert retry.status_code == 200
    assert retry.json() == {"checkoutComplete": True, "orderId": order.order_id}
    assert SandboxTransaction.objects.filter(kind="authorize").count() == 1
    key = IdempotencyKey.objects.get()
    assert (key.state, key.response_body) == (IdempotencyKey.State.COMPLETED, retry.json())


def test_checkout_with_a_reused_key_and_a_different_body_is_idempotency_key_reused(api, ready_cart):
    api.post("/api-order/checkout", checkout_body(ready_cart), HTTP_IDEMPOTENCY_KEY="key-1")
    other = checkout_body(ready_cart)
    other["customerEmail"] = "someone.else@example.com"

    response = api.post("/api-order/checkout", other, HTTP_IDEMPOTENCY_KEY="key-1")

    assert_error(response, 422, "idempotency_key_reused", "Idempotency-Key")
    assert Order.objects.count() == 1


def test_checkout_with_a_key_still_in_flight_is_idempotency_key_in_use(api, ready_cart, channel):
    from orders.idempotency import idempotency_claim, request_fingerprint

    body = json.dumps(checkout_body(ready_cart))
    idempotency_claim(channel=channel, key="key-1", fingerprint=request_fingerprint(channel, body.encode()))

    response = api.post("/api-order/checkout", body, HTTP_IDEMPOTENCY_KEY="key-1")

    assert_error(response, 409, "idempotency_key_in_use", "Idempotency-Key")
    assert Order.objects.count() == 0


def test_checkout_keys_are_scoped_to_the_channel(api, ready_cart, client, channel, shipping_rate):
    from channels.api_keys import api_key_create
    from tests.factories import ChannelFactory, ShippingRateFactory
    from tests.orders.conftest import ApiClient

    other = ChannelFactory(code="app")
    ShippingRateFactory(channel=other, code="standard", price=Decimal("2.00"))
    _, other_key = api_key_create(channel=other, name="app")
    other_api = ApiClient(client, other_key)
    other_cart = new_cart(other_api)
    add_line(other_api, other_cart["cartId"], sellable_sku(other), 1)
    other_cart = add_ship_to(other_api, other_cart["cartId"])

    first = api.post("/api-order/checkout", checkout_body(ready_cart), HTTP_IDEMPOTENCY_KEY="same")
    second = other_api.post("/api-order/checkout", checkout_body(other_cart), HTTP_IDEMPOTENCY_KEY="same")

    assert first.status_code == second.status_code == 200
    assert first.json()["orderId"] != second.json()["orderId"]


def test_checkout_that_failed_validation_stores_nothing_so_the_key_can_be_retried(api, ready_cart):
    wrong = api.post("/api-order/checkout", checkout_body(ready_cart, amount="1.00"), HTTP_IDEMPOTENCY_KEY="k")
    assert wrong.status_code == 422
    assert IdempotencyKey.objects.count() == 0

    fixed = api.post("/api-order/checkout", checkout_body(ready_cart), HTTP_IDEMPOTENCY_KEY="k")

    assert fixed.status_code == 200
    assert IdempotencyKey.objects.get().state == "completed"


def test_checkout_whose_body_fails_validation_stores_no_idempotency_key(api, ready_cart):
    body = checkout_body(ready_cart)
    body["customerEmail"] = "not an email"

    response = api.post("/api-order/checkout", body, HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("card", "exp", "status", "code"),
    [
        (DECLINED, None, 402, "payment_declined"),
        (VISA, "1122", 402, "card_expired"),
        ("4111111111111112", None, 422, "invalid_card"),
    ],
)
def test_checkout_failing_on_the_card_stores_no_idempotency_key(api, ready_cart, card, exp, status, code):
    response = api.post("/api-order/checkout", checkout_body(ready_cart, card=card, exp=exp), HTTP_IDEMPOTENCY_KEY="k")

    assert_error(response, status, code)
    assert not IdempotencyKey.objects.exists()


def test_checkout_out_of_stock_stores_no_idempotency_key(api, ready_cart):
    StockLevel.objects.filter(variant__sku=ready_cart["sku"]).update(on_hand=1)

    response = api.post("/api-order/checkout", checkout_body(ready_cart), HTTP_IDEMPOTENCY_KEY="k")

    assert_error(response, 409, "out_of_stock")
    assert not IdempotencyKey.objects.exists()
    assert stock_of(ready_cart["sku"]) == (1, 0)


# ---- queries ------------------------------------------------------------------------------------------


def _cart_with_lines(api, channel, count: int) -> dict:
    cart = new_cart(api)
    for _ in range(count):
        add_line(api, cart["cartId"], sellable_sku(channel, price="1.00"), 1)
    return add_ship_to(api, cart["cartId"])


def test_checkout_queries_do_not_grow_with_the_number_of_lines(api, channel, shipping_rate):
    one, ten = _cart_with_lines(api, channel, 1), _cart_with_lines(api, channel, 10)

    with CaptureQueriesContext(connection) as one_line:
        assert api.post("/api-order/checkout", checkout_body(one)).status_code == 200
    with CaptureQueriesContext(connection) as ten_lines:
        assert api.post("/api-order/checkout", checkout_body(ten)).status_code == 200

    assert len(ten_lines.captured_queries) == len(one_line.captured_queries)
    assert StockLevel.objects.filter(reserved=1).count() == 11


# The budget of a warm checkout (key cached): cart 2 (its lines with the cart, its ship-tos), the lean resolver (1 on
# PostgreSQL: channels/selectors.py reads products and children in one statement; the loader's 5 elsewhere),
# authorize 1, the order's transaction plus its savepoint pair (in tests; BEGIN and COMMIT outside them), capture 1,
# marking it paid. PostgreSQL writes the order before the stock and then locks the stock rows in one statement, and
# writes the reservation with its allocations in one more (2), and marks it paid in one statement of its own
# transaction (orders/postgres.py); SQLite writes table by table (10), and marks it paid in 4 plus a savepoint pair.
CHECKOUT_QUERIES = {"postgresql": 2 + 1 + 1 + (2 + 2) + 1 + 1, "sqlite": 2 + 5 + 1 + (10 + 2) + 1 + (4 + 2)}


def test_checkout_query_count_is_pinned(api, channel, shipping_rate):
    """A change that adds a query to the checkout has to say so here."""
    first, second = _cart_with_lines(api, channel, 1), _cart_with_lines(api, channel, 2)
    assert api.post("/api-order/checkout", checkout_body(first)).status_code == 200  # warms the key cache

    with CaptureQueriesContext(connection) as queries:
        assert api.post("/api-order/checkout", checkout_body(second)).status_code == 200

    expected = CHECKOUT_QUERIES[connection.vendor]
    assert len(queries.captured_queries) == expected, "\n".join(
        query["sql"][:120] for query in queries.captured_queries
    )
    assert not any("channels_apikey" in query["sql"] for query in queries.captured_queries)
    assert not any("catalog_productimage" in query["sql"] for query in queries.captured_queries)


def test_checkout_with_an_idempotency_key_adds_only_the_claim(api, channel, shipping_rate):
    """The key costs its claim (an INSERT in its own savepoint, committed at once outside tests so concurrent
    requests see it) and its completion inside the order's transaction, before the stock rows are locked (an
    UPDATE of its own on SQLite, part of the order's one statement on PostgreSQL): no write, and no commit, of
    its own after the order."""
    warm, plain_cart, keyed_cart = (_cart_with_lines(api, channel, 1) for _ in range(3))
    assert api.post("/api-order/checkout", checkout_body(warm)).status_code == 200  # warms the key cache
    with CaptureQueriesContext(connection) as plain:
        assert api.post("/api-order/checkout", checkout_body(plain_cart)).status_code == 200

    with CaptureQueriesContext(connection) as keyed:
        response = api.post("/api-order/checkout", checkout_body(keyed_cart), HTTP_IDEMPOTENCY_KEY="key-q")

    assert response.status_code == 200
    sqls = [query["sql"] for query in keyed.captured_queries]
    own_update = 0 if connection.vendor == "postgresql" else 1
    assert len(sqls) - len(plain.captured_queries) == 3 + own_update, sqls  # savepoint, INSERT, release (, UPDATE)
    completed = next(i for i, sql in enumerate(sqls) if re.search(r'UPDATE "?orders_idempotencykey"?\s', sql))
    if connection.vendor == "postgresql":
        # One statement: the key's completion is a part of it, and the stock lock its last (orders/postgres.py).
        [order_statement] = [sql for sql in sqls if "FOR NO KEY UPDATE" in sql]
        assert sqls.index(order_statement) == completed
        assert order_statement.index("orders_idempotencykey") < order_statement.index("FROM catalog_stocklevel")
    else:
        locked = next(i for i, sql in enumerate(sqls) if sql.startswith('SELECT "catalog_stocklevel"'))
        assert completed < locked


def test_cart_is_read_in_two_queries_when_it_has_lines(api, channel, shipping_rate):
    from orders.selectors import cart_get

    cart = _cart_with_lines(api, channel, 3)
    empty = new_cart(api)

    with CaptureQueriesContext(connection) as with_lines:
        loaded = cart_get(channel, cart["cartId"])
        lines, ship_tos, loaded_channel = list(loaded.lines.all()), list(loaded.ship_tos.all()), loaded.channel
    with CaptureQueriesContext(connection) as without_lines:
        loaded_empty = cart_get(channel, empty["cartId"])
        assert list(loaded_empty.lines.all()) == list(loaded_empty.ship_tos.all()) == []

    assert len(with_lines.captured_queries) == 2
    assert len(without_lines.captured_queries) == 3
    assert [line.line_item_id for line in lines] == [1, 2, 3]
    assert [ship_to.ship_to_id for ship_to in ship_tos] == [cart["shipTos"][0]["shipToId"]]
    assert loaded_channel == channel
    # A relation served from the cache stays scoped to its cart.
    assert loaded.lines.filter(line_item_id=2).get().pk == lines[1].pk


def test_cart_of_another_channel_or_unknown_is_none(api, channel, shipping_rate):
    from orders.selectors import cart_get
    from tests.factories import ChannelFactory

    cart = _cart_with_lines(api, channel, 1)
    empty = new_cart(api)
    other = ChannelFactory(code="other")

    assert cart_get(other, cart["cartId"]) is None
    assert cart_get(other, empty["cartId"]) is None
    assert cart_get(channel, "0" * 24) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_idempotency_claim_outside_a_transaction_is_one_insert_committed_at_once():
    """In production the claim is no transaction's part: one INSERT, no BEGIN and COMMIT round trips; a second
    claim of the key finds it (its failed INSERT aborts nothing)."""
    from orders.exceptions import OrderError
    from orders.idempotency import idempotency_claim
    from tests.factories import ChannelFactory

    channel = ChannelFactory(code="web")

    with CaptureQueriesContext(connection) as queries:
        claim = idempotency_claim(channel=channel, key="key-1", fingerprint="f")
    with pytest.raises(OrderError) as second:
        idempotency_claim(channel=channel, key="key-1", fingerprint="f")

    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["INSERT"]
    assert IdempotencyKey.objects.get().pk == claim.record_id
    assert second.value.code == "idempotency_key_in_use"
