"""The order API under /api-order/: carts, checkout and orders. Views parse, call a service, respond.

One NinjaAPI with one router; errors go through hub.api_errors (the checkout's errors also carry
`"checkoutComplete": false`, as its contract says). The channel comes from the API key.
"""

import json
from decimal import Decimal
from typing import Annotated, Any

import orjson
from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from ninja import Body, Header, NinjaAPI, Path, Router, Status
from ninja.parser import Parser
from ninja.renderers import BaseRenderer
from ninja.security import APIKeyHeader

from channels.api.auth import channel_for_raw_key
from channels.api_keys import raw_key_from_request
from channels.models import Channel
from hub.api_errors import ApiError, ErrorDetail, ErrorResponse, register_exception_handlers
from orders import services
from orders.checkout import CheckoutRequest, PaymentInput, checkout_complete
from orders.exceptions import OrderError
from orders.idempotency import request_fingerprint
from orders.models import Cart
from orders.payments.cards import CardDetails, parse_expiry
from orders.responses import cart_out, order_out
from orders.schemas import (
    AddressIn,
    CartCreateIn,
    CartOut,
    CheckoutErrorOut,
    CheckoutIn,
    CheckoutOut,
    LineAddIn,
    LineUpdateIn,
    OrderOut,
    ShipToIn,
)
from orders.selectors import cart_get, cart_price, order_get

CHECKOUT_URL_NAMES = {"checkout", "checkout_alias"}

# The contract's status for each error code.
STATUS_BY_CODE = {
    "invalid_request": 400,
    "cart_not_found": 404,
    "order_not_found": 404,
    "line_item_not_found": 404,
    "cart_already_checked_out": 409,
    "out_of_stock": 409,
    "idempotency_key_in_use": 409,
    "card_expired": 402,
    "payment_declined": 402,
}
DEFAULT_ERROR_STATUS = 422


class DecimalJSONParser(Parser):
    """JSON numbers with a fraction become Decimal, never float (money must not pass through binary floats)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json.loads(request.body, parse_float=Decimal)


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=str)


class ChannelApiKey(APIKeyHeader):
    """The channel's API key, as `X-Api-Key: <key>` or `Authorization: Bearer <key>`.

    The look-up is the content API's cached one (no query per request; revoking a key clears it)."""

    param_name = "X-Api-Key"

    def _get_key(self, request: HttpRequest) -> str | None:
        return raw_key_from_request(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Channel | None:
        return channel_for_raw_key(key)


def error_envelope(request: HttpRequest) -> dict[str, Any]:
    url_name = getattr(getattr(request, "resolver_match", None), "url_name", None)
    return {"checkoutComplete": False} if url_name in CHECKOUT_URL_NAMES else {}


api = NinjaAPI(
    title="Hub order API",
    version="1.0.0",
    description="Carts, checkout and orders for every sales channel (specs/checkout.md). "
    "The checkout is also served at /api-order-checkout.",
    urls_namespace="orders_api",
    parser=DecimalJSONParser(),
    renderer=ORJSONRenderer(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)
register_exception_handlers(api, envelope=error_envelope)
router = Router(auth=ChannelApiKey(), by_alias=True)
api.add_router("", router)

_ERRORS = {400: ErrorResponse, 401: ErrorResponse}
_CART_ERRORS = {**_ERRORS, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse}
_CHECKOUT_ERRORS = {status: CheckoutErrorOut for status in (400, 401, 402, 404, 409, 422)}


def _channel(request: HttpRequest) -> Channel:
    return request.auth


def _api_error(error: OrderError) -> ApiError:
    status = STATUS_BY_CODE.get(error.code, DEFAULT_ERROR_STATUS)
    return ApiError(status, [ErrorDetail(code=p.code, message=p.message, field=p.field) for p in error.problems])


@api.exception_handler(OrderError)
def _on_order_error(request: HttpRequest, error: OrderError) -> HttpResponse:
    """A domain refusal from the services becomes the API's JSON error, through the shared ApiError handler."""
    return api.on_exception(request, _api_error(error))


def _open_cart(request: HttpRequest, cart_id: str) -> Cart:
    cart = cart_get(_channel(request), cart_id)
    if cart is None:
        raise ApiError.single(404, "cart_not_found", f"No cart {cart_id} on this channel.", "cartId")
    return cart


def _cart_response(request: HttpRequest, cart_id: str) -> CartOut:
    return cart_out(cart_price(_open_cart(request, cart_id)))


# ---- carts -------------------------------------------------------------------------------------------


@router.post(
    "/carts",
    response={201: CartOut, **_ERRORS},
    operation_id="cart_create",
    url_name="cart_create",
    summary="Create a cart for the key's channel",
)
def cart_create(request: HttpRequest, payload: Annotated[CartCreateIn | None, Body()] = None):
    cart = services.cart_create(channel=_channel(request))
    return Status(201, _cart_response(request, cart.cart_id))


@router.get(
    "/carts/{cartId}",
    response={200: CartOut, **_CART_ERRORS},
    operation_id="cart_get",
    url_name="cart_get",
    summary="A cart, priced for its channel now",
)
def cart_detail(request: HttpRequest, cart_id: str = Path(..., alias="cartId", max_length=64)):
    return _cart_response(request, cart_id)


@router.post(
    "/carts/{cartId}/items",
    response={201: CartOut, **_CART_ERRORS},
    operation_id="cart_add_line",
    url_name="cart_add_line",
    summary="Add a line (the next lineItemId)",
)
def cart_add_line(request: HttpRequest, payload: LineAddIn, cart_id: str = Path(..., alias="cartId", max_length=64)):
    cart = _open_cart(request, cart_id)
    services.cart_add_line(cart=cart, sku=payload.sku, quantity=payload.quantity, ship_to_id=payload.ship_to_id)
    return Status(201, _cart_response(request, cart_id))


@router.patch(
    "/carts/{cartId}/items/{lineItemId}",
    response={200: CartOut, **_CART_ERRORS},
    operation_id="cart_update_line",
    url_name="cart_update_line",
    summary="Change a line's quantity",
)
def cart_update_line(
    request: HttpRequest,
    payload: LineUpdateIn,
    cart_id: str = Path(..., alias="cartId", max_length=64),
    line_item_id: int = Path(..., alias="lineItemId", ge=1, le=2**31 - 1),
):
    cart = _open_cart(request, cart_id)
    services.cart_update_line(cart=cart, line_item_id=line_item_id, quantity=payload.quantity)
    return _cart_response(request, cart_id)


@router.delete(
    "/carts/{cartId}/items/{lineItemId}",
    response={200: CartOut, **_CART_ERRORS},
    operation_id="cart_remove_line",
    url_name="cart_remove_line",
    summary="Remove a line",
)
def cart_remove_line(
    request: HttpRequest,
    cart_id: str = Path(..., alias="cartId", max_length=64),
    line_item_id: int = Path(..., alias="lineItemId", ge=1, le=2**31 - 1),
):
    cart = _open_cart(request, cart_id)
    services.cart_remove_line(cart=cart, line_item_id=line_item_id)
    return _cart_response(request, cart_id)


@router.post(
    "/carts/{cartId}/ship-tos",
    response={201: CartOut, **_CART_ERRORS},
    operation_id="cart_add_ship_to",
    url_name="cart_add_ship_to",
    summary="Add a ship-to group (address and shipping method)",
)
def cart_add_ship_to(request: HttpRequest, payload: ShipToIn, cart_id: str = Path(..., alias="cartId", max_length=64)):
    cart = _open_cart(request, cart_id)
    services.cart_add_ship_to(cart=cart, address=_address(payload.address), shipping_method=payload.shipping_method)
    return Status(201, _cart_response(request, cart_id))


# ---- checkout ----------------------------------------------------------------------------------------


@router.post(
    "/checkout",
    response={200: CheckoutOut, **_CHECKOUT_ERRORS},
    operation_id="checkout_complete",
    url_name="checkout",
    summary="Check out a cart (also at /api-order-checkout)",
)
@sensitive_post_parameters()
@sensitive_variables()
def checkout(
    request: HttpRequest,
    payload: CheckoutIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    channel = _channel(request)
    fingerprint = request_fingerprint(channel, request.body) if idempotency_key is not None else ""
    result = checkout_complete(
        channel=channel,
        request=_checkout_request(payload),
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
    )
    return result.as_response()


@sensitive_variables()
def _checkout_request(payload: CheckoutIn) -> CheckoutRequest:
    taxes = payload.estimated_tax
    return CheckoutRequest(
        cart_id=payload.cart_id,
        customer_email=payload.customer_email,
        customer_phone=payload.customer_phone_number.model_dump(by_alias=True)
        if payload.customer_phone_number
        else None,
        payments=tuple(_payment_input(detail) for detail in payload.payment_details),
        item_taxes=tuple((tax.line_item_id, tax.amount) for tax in taxes.items_taxes),
        ship_to_taxes=tuple((tax.ship_to_id, tax.amount) for tax in taxes.ship_to_taxes),
        ship_from=_address(payload.ship_from) if payload.ship_from else None,
    )


@sensitive_variables()
def _payment_input(detail) -> PaymentInput:
    transaction = detail.transaction_details
    exp_month, exp_year = parse_expiry(transaction.exp_date)
    card = CardDetails(
        number=transaction.card_number.get_secret_value(),
        cvv=transaction.cvv.get_secret_value(),
        exp_month=exp_month,
        exp_year=exp_year,
        holder_name=transaction.card_holder_full_name,
    )
    return PaymentInput(
        card=card,
        card_identifier=detail.payment_identifier.card_identifier,
        payment_type=transaction.payment_type,
        payment_method=detail.payment_method,
        payment_kind=detail.payment_kind,
        amount=detail.amount,
        currency=detail.currency,
        conversion=detail.conversion,
        bill_to=_address(detail.bill_to_address),
    )


# ---- orders ------------------------------------------------------------------------------------------


@router.get(
    "/orders/{orderId}",
    response={200: OrderOut, **_ERRORS, 404: ErrorResponse},
    operation_id="order_get",
    url_name="order_get",
    summary="An order placed by the key's channel",
)
def order_detail(request: HttpRequest, order_id: str = Path(..., alias="orderId", max_length=15)):
    order = order_get(_channel(request), order_id)
    if order is None:
        raise ApiError.single(404, "order_not_found", f"No order {order_id} on this channel.", "orderId")
    return order_out(order)


# ---- responses ---------------------------------------------------------------------------------------


def _address(address: AddressIn) -> dict[str, Any]:
    return address.model_dump(by_alias=True, exclude_none=True)
