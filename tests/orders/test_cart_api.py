"""The cart API under /api-order/carts, as the checkout contract's table describes it."""

from decimal import Decimal

from channels.api_keys import api_key_create
from tests.factories import ChannelFactory, ShippingRateFactory
from tests.orders.conftest import ADDRESS, ApiClient, add_line, add_ship_to, new_cart, sellable_sku


def test_cart_create_answers_an_empty_cart_in_the_channel_currency(api):
    response = api.post("/api-order/carts", {})

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"cartId", "currency", "lineItems", "shipTos", "totals"}
    assert body["currency"] == "USD"
    assert body["lineItems"] == [] and body["shipTos"] == []
    assert body["totals"] == {"subtotal": "0.00", "shipping": "0.00", "discounts": "0.00", "amountDueBeforeTax": "0.00"}


def test_cart_create_without_a_key_is_unauthorized(client):
    response = client.post("/api-order/carts", data={}, content_type="application/json")

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unauthorized"
    assert "checkoutComplete" not in response.json()


def test_cart_lines_get_ids_1_2_3_prices_from_the_channel_and_advisory_stock(api, channel):
    cart = new_cart(api)
    first = sellable_sku(channel, price="12.50", stock=4, title="T-shirt")
    second = sellable_sku(channel, price="3.10", stock=0)

    add_line(api, cart["cartId"], first, 2)
    body = add_line(api, cart["cartId"], second, 1)

    assert [
        (line["lineItemId"], line["sku"], line["quantity"], line["unitPrice"], line["lineTotal"], line["available"])
        for line in body["lineItems"]
    ] == [
        (1, first, 2, "12.50", "25.00", 4),
        (2, second, 1, "3.10", "3.10", 0),
    ]
    assert body["lineItems"][0]["title"] == "T-shirt"
    assert body["totals"]["subtotal"] == "28.10"


def test_cart_line_ids_are_not_reused_after_a_removal(api, channel):
    cart = new_cart(api)
    sku = sellable_sku(channel)
    add_line(api, cart["cartId"], sku)
    add_line(api, cart["cartId"], sku)

    response = api.delete(f"/api-order/carts/{cart['cartId']}/items/2")
    assert response.status_code == 200
    body = add_line(api, cart["cartId"], sku)

    assert [line["lineItemId"] for line in body["lineItems"]] == [1, 3]


def test_cart_line_quantity_changes(api, channel):
    cart = new_cart(api)
    add_line(api, cart["cartId"], sellable_sku(channel, price="2.00"))

    response = api.patch(f"/api-order/carts/{cart['cartId']}/items/1", {"quantity": 5})

    assert response.status_code == 200
    assert response.json()["lineItems"][0]["quantity"] == 5
    assert response.json()["totals"]["subtotal"] == "10.00"


def test_cart_unknown_line_in_the_path_is_not_found(api):
    cart = new_cart(api)

    response = api.patch(f"/api-order/carts/{cart['cartId']}/items/9", {"quantity": 1})

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "line_item_not_found"


def test_cart_rejects_a_sku_not_sold_on_the_channel(api):
    other_channel = ChannelFactory(code="other")
    sku = sellable_sku(other_channel)
    cart = new_cart(api)

    response = api.post(f"/api-order/carts/{cart['cartId']}/items", {"sku": sku, "quantity": 1})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"code": "sku_not_sellable", "field": "sku", "message": f"SKU {sku} is not sold on this channel."}
    ]


def test_cart_rejects_bad_quantities_with_the_field_path(api, channel):
    cart = new_cart(api)

    response = api.post(f"/api-order/carts/{cart['cartId']}/items", {"sku": sellable_sku(channel), "quantity": 0})

    assert response.status_code == 400
    assert [(error["code"], error["field"]) for error in response.json()["errors"]] == [("invalid_request", "quantity")]


def test_cart_ship_to_gets_an_id_and_the_channels_flat_rate(api, channel, shipping_rate):
    cart = new_cart(api)
    add_line(api, cart["cartId"], sellable_sku(channel, price="10.00"))

    body = add_ship_to(api, cart["cartId"])

    ship_to = body["shipTos"][0]
    assert len(ship_to["shipToId"]) == 24
    assert ship_to["shippingPrice"] == "2.00"
    assert ship_to["address"]["country"] == "US"  # sent as USA
    assert body["lineItems"][0]["shipToId"] == ship_to["shipToId"]  # lines without one go to the first
    assert body["totals"] == {
        "subtotal": "10.00",
        "shipping": "2.00",
        "discounts": "0.00",
        "amountDueBeforeTax": "12.00",
    }


def test_cart_line_can_name_its_ship_to(api, channel, shipping_rate):
    ShippingRateFactory(channel=channel, code="express", price=Decimal("9.00"))
    cart = new_cart(api)
    add_ship_to(api, cart["cartId"])
    second = add_ship_to(api, cart["cartId"], "express")["shipTos"][1]["shipToId"]

    body = add_line(api, cart["cartId"], sellable_sku(channel), 1, shipToId=second)

    assert body["lineItems"][0]["shipToId"] == second
    assert body["totals"]["shipping"] == "11.00"


def test_cart_rejects_an_unknown_shipping_method_and_ship_to(api, channel):
    cart = new_cart(api)

    method = api.post(f"/api-order/carts/{cart['cartId']}/ship-tos", {"address": ADDRESS, "shippingMethod": "drone"})
    ship_to = api.post(
        f"/api-order/carts/{cart['cartId']}/items",
        {"sku": sellable_sku(channel), "quantity": 1, "shipToId": "5f1b41892e8f1c0008fc20e8"},
    )

    assert (method.status_code, method.json()["errors"][0]["code"]) == (422, "unknown_shipping_method")
    assert (ship_to.status_code, ship_to.json()["errors"][0]["code"]) == (422, "unknown_ship_to")


def test_cart_of_another_channel_is_not_found(api, client):
    cart = new_cart(api)
    _, other_key = api_key_create(channel=ChannelFactory(code="pos"), name="pos")

    response = ApiClient(client, other_key).get(f"/api-order/carts/{cart['cartId']}")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "cart_not_found"


def test_cart_in_yen_has_no_decimals(db, client):
    yen = ChannelFactory(code="jp", currency="JPY", country="JP")
    _, key = api_key_create(channel=yen, name="jp")
    jp = ApiClient(client, key)
    ShippingRateFactory(channel=yen, code="standard", price=Decimal("500"))
    cart = new_cart(jp)
    add_line(jp, cart["cartId"], sellable_sku(yen, price="1200"), 3)

    body = add_ship_to(jp, cart["cartId"])

    assert body["lineItems"][0]["unitPrice"] == "1200"
    assert body["totals"]["amountDueBeforeTax"] == "4100"


def test_unknown_path_under_the_api_prefix_is_a_json_404(api):
    response = api.get("/api-order/nothing-here")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
