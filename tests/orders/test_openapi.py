"""Every order endpoint is in the OpenAPI document, in camelCase, with its error responses."""


def test_openapi_document_lists_every_endpoint_with_camel_case_and_errors(client, db):
    response = client.get("/api-order/openapi.json")

    assert response.status_code == 200
    document = response.json()
    operations = {
        operation["operationId"]: (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == {
        "cart_create",
        "cart_get",
        "cart_add_line",
        "cart_update_line",
        "cart_remove_line",
        "cart_add_ship_to",
        "checkout_complete",
        "order_get",
    }
    checkout_path, _, checkout = operations["checkout_complete"]
    assert checkout_path == "/api-order/checkout"
    assert {"200", "400", "401", "402", "404", "409", "422"} <= set(checkout["responses"])
    schemas = document["components"]["schemas"]
    assert {"cartId", "customerEmail", "paymentDetails", "estimatedTax", "shipFrom"} <= set(
        schemas["CheckoutIn"]["properties"]
    )
    assert "amountDueBeforeTax" in schemas["TotalsOut"]["properties"]
    assert "/api-order/orders/{orderId}" in document["paths"]
