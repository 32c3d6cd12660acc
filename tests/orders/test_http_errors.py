"""Every answer under /api-order/ is JSON: a wrong method too (405 in the errors shape, never HTML)."""

import pytest

from tests.orders.conftest import checkout_body


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api-order/carts", "POST"),
        ("put", "/api-order/carts/abc", "GET"),
        ("get", "/api-order/carts/abc/items", "POST"),
        ("post", "/api-order/carts/abc/items/1", "PATCH, DELETE"),
        ("delete", "/api-order/orders/1234-5678-12345", "GET"),
    ],
)
def test_a_wrong_method_is_a_json_405_with_allow(api, method, path, allowed):
    response = getattr(api.client, method)(path, HTTP_AUTHORIZATION=f"Bearer {api.key}")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert set(response["Allow"].split(", ")) == set(allowed.split(", "))
    [error] = response.json()["errors"]
    assert error["code"] == "method_not_allowed" and error["field"] is None
    assert method.upper() in error["message"]


@pytest.mark.parametrize("path", ["/api-order/checkout", "/api-order-checkout"])
def test_a_get_on_the_checkout_is_a_json_405_in_the_checkout_shape(api, path):
    response = api.get(path)

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "POST"
    body = response.json()
    assert body["checkoutComplete"] is False
    assert [error["code"] for error in body["errors"]] == ["method_not_allowed"]


def test_a_wrong_method_needs_no_key_to_get_json(client, db):
    response = client.put("/api-order/checkout")

    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"


def test_the_right_method_still_reaches_the_endpoint(api, ready_cart):
    response = api.post("/api-order/checkout", checkout_body(ready_cart))

    assert response.status_code == 200
