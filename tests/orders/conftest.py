"""Fixtures for the order module: a channel with a key, priced products with stock, and an API client."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from catalog.models import StockLevel
from channels.api_keys import api_key_create
from tests.factories import ChannelFactory, ShippingRateFactory, listed_product

VISA = "4111111111111111"
VISA_2 = "4242424242424242"
DECLINED = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
CVV = "999"


def future_expiry() -> str:
    """MMYY two years ahead, so the card is valid whenever the suite runs."""
    today = date.today()
    return f"{today.month:02d}{(today.year + 2) % 100:02d}"


@dataclass
class ApiClient:
    """The Django test client speaking JSON with a channel key."""

    client: Client
    key: str

    def _headers(self, headers: dict | None) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.key}", **(headers or {})}

    def get(self, path: str, **headers):
        return self.client.get(path, **self._headers(headers))

    def post(self, path: str, body=None, **headers):
        data = body if isinstance(body, bytes | str) else json.dumps(body if body is not None else {})
        return self.client.post(path, data=data, content_type="application/json", **self._headers(headers))

    def patch(self, path: str, body, **headers):
        return self.client.patch(path, data=json.dumps(body), content_type="application/json", **self._headers(headers))

    def delete(self, path: str, **headers):
        return self.client.delete(path, **self._headers(headers))


@pytest.fixture
def channel(db):
    return ChannelFactory(code="web", name="Web", currency="USD")


@pytest.fixture
def api(channel):
    _, raw_key = api_key_create(channel=channel, name="tests")
    return ApiClient(Client(), raw_key)


@pytest.fixture
def shipping_rate(channel):
    return ShippingRateFactory(channel=channel, code="standard", name="Standard", price=Decimal("2.00"))


def sellable_sku(channel, *, price: str = "10.00", stock: int = 10, title: str | None = None) -> str:
    """A SKU of a live product, listed and priced on the channel, with `stock` units on hand."""
    kwargs = {"title": title} if title else {}
    product = listed_product(channel, variants=1, stock=stock, price=price, **kwargs)
    return product.variants.get().sku


def stock_of(sku: str) -> tuple[int, int]:
    level = StockLevel.objects.get(variant__sku=sku)
    return level.on_hand, level.reserved


def new_cart(api: ApiClient) -> dict:
    response = api.post("/api-order/carts", {})
    assert response.status_code == 201, response.content
    return response.json()


def add_line(api: ApiClient, cart_id: str, sku: str, quantity: int = 1, **extra) -> dict:
    response = api.post(f"/api-order/carts/{cart_id}/items", {"sku": sku, "quantity": quantity, **extra})
    assert response.status_code == 201, response.content
    return response.json()


ADDRESS = {
    "name": {"first": "Joe", "last": "Demo"},
    "street1": "600 CONGRESS AVE",
    "street2": "",
    "city": "AUSTIN",
    "state": "TX",
    "country": "USA",
    "zipCode": "78701",
}


def add_ship_to(api: ApiClient, cart_id: str, method: str = "standard") -> dict:
    response = api.post(f"/api-order/carts/{cart_id}/ship-tos", {"address": ADDRESS, "shippingMethod": method})
    assert response.status_code == 201, response.content
    return response.json()


def checkout_body(
    cart: dict,
    *,
    amount: str | None = None,
    card: str = VISA,
    exp: str | None = None,
    cvv: str = CVV,
    taxes: dict | None = None,
) -> dict:
    """A valid checkout request for a cart (one card paying amountDueBeforeTax plus the given taxes)."""
    due = Decimal(cart["totals"]["amountDueBeforeTax"])
    tax = taxes or {"itemsTaxes": [], "shipToTaxes": []}
    due += sum(Decimal(str(item["amount"])) for item in tax["itemsTaxes"] + tax["shipToTaxes"])
    return {
        "cartId": cart["cartId"],
        "customerEmail": "joe.demo@example.com",
        "customerPhoneNumber": {"number": "07780811973", "kind": "Mobile"},
        "paymentDetails": [payment(card, amount or f"{due:.2f}", exp=exp, cvv=cvv)],
        "estimatedTax": tax,
    }


def payment(
    card: str, amount: str, *, exp: str | None = None, cvv: str = CVV, currency: str = "USD", conversion=1
) -> dict:
    return {
        "transactionDetails": {
            "paymentType": "CARD",
            "cardNumber": card,
            "expDate": exp or future_expiry(),
            "cvv": cvv,
            "cardHolderFullName": "Joe Demo",
            "metadata": {},
        },
        "paymentIdentifier": {"cardIdentifier": card[-4:]},
        "paymentMethod": "Visa",
        "paymentKind": "Fabric User",
        "amount": amount,
        "currency": currency,
        "conversion": conversion,
        "billToAddress": {
            **ADDRESS,
            "email": "joe.demo@example.com",
            "phone": {"number": "07780811973", "kind": "Mobile"},
        },
    }


@pytest.fixture
def ready_cart(api, channel, shipping_rate):
    """A cart with one line (2 × 10.00) and a ship-to (2.00): amount due before tax 22.00."""
    sku = sellable_sku(channel, price="10.00", stock=10)
    cart = new_cart(api)
    add_line(api, cart["cartId"], sku, 2)
    cart = add_ship_to(api, cart["cartId"])
    cart["sku"] = sku
    return cart
