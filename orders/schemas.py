"""Request and response schemas of the order API: camelCase on the wire, snake_case in Python.

Input validation lives here (types, formats, ranges: a failure is a 400 `invalid_request` per field);
business rules (Luhn, expiry, amounts, stock) live in the services. Validators never put the input into
their messages, because the input may be a card number.
"""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, StrictInt
from pydantic.alias_generators import to_camel

from catalog.money import is_currency
from catalog.validators import SKU_MAX_LENGTH
from hub.api_errors import ErrorItem
from orders.addresses import is_email, normalise_country

MAX_AMOUNT = Decimal("1e12")
MAX_QUANTITY = 9999


class CamelSchema(Schema):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class CamelIn(BaseModel):
    """A request body read from JSON. ninja's Schema runs every nested object through a getter made for ORM
    instances, which parsed JSON does not need: a plain model parses the checkout's body in less than half the time."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


# ---- field types -------------------------------------------------------------------------------------


def _amount(value: Any) -> Decimal:
    """A decimal string or a JSON number (parsed as Decimal by the API's parser): never a float."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError('Must be a decimal amount, as a string ("11.27") or a number.')
    try:
        amount = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise ValueError('Must be a decimal amount, as a string ("11.27") or a number.')
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise ValueError("Must be a finite amount below 10¹².")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -8:
        raise ValueError("At most 8 decimal places.")
    return amount


def _not_negative(amount: Decimal) -> Decimal:
    if amount < 0:
        raise ValueError("Must not be negative.")
    return amount


def _positive(amount: Decimal) -> Decimal:
    if amount <= 0:
        raise ValueError("Must be greater than zero.")
    return amount


def _country(value: str) -> str:
    code = normalise_country(value)
    if code is None:
        raise ValueError("Must be an ISO 3166 country code, alpha-2 (US) or alpha-3 (USA).")
    return code


def _currency(value: str) -> str:
    if not is_currency(value):
        raise ValueError("Must be an ISO 4217 currency code, e.g. USD.")
    return value


def _email(value: str) -> str:
    value = value.strip()
    if not is_email(value):
        raise ValueError("Must be an email address.")
    return value


def _card_number(value: Any) -> SecretStr:
    # Spaces and dashes are how people type card numbers; anything else is not a card number.
    if not isinstance(value, str):
        raise ValueError("Must be a string of digits.")
    digits = re.sub(r"[ -]", "", value)
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        raise ValueError("Must be 12 to 19 digits.")
    return SecretStr(digits)


def _cvv(value: Any) -> SecretStr:
    if not isinstance(value, str) or not value.isdigit() or not 3 <= len(value) <= 4:
        raise ValueError("Must be 3 or 4 digits.")
    return SecretStr(value)


Amount = Annotated[Decimal, BeforeValidator(_amount), AfterValidator(_not_negative)]
PositiveAmount = Annotated[Decimal, BeforeValidator(_amount), AfterValidator(_positive)]
Country = Annotated[str, Field(min_length=2, max_length=3), AfterValidator(_country)]
Currency = Annotated[str, Field(min_length=3, max_length=3), AfterValidator(_currency)]
Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
CardNumber = Annotated[SecretStr, BeforeValidator(_card_number)]
Cvv = Annotated[SecretStr, BeforeValidator(_cvv)]
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]
LineItemId = Annotated[StrictInt, Field(ge=1)]
PublicId = Annotated[str, Field(min_length=1, max_length=SKU_MAX_LENGTH)]


# ---- addresses ---------------------------------------------------------------------------------------


class NameIn(CamelIn):
    first: str = Field(max_length=100)
    last: str = Field(max_length=100)


class PhoneIn(CamelIn):
    number: str = Field(min_length=1, max_length=30)
    kind: str = Field(default="", max_length=20)


class AddressIn(CamelIn):
    name: NameIn | None = None
    email: Email | None = None
    phone: PhoneIn | None = None
    street1: str = Field(min_length=1, max_length=200)
    street2: str = Field(default="", max_length=200)
    city: str = Field(min_length=1, max_length=100)
    state: str = Field(default="", max_length=100)
    country: Country
    zip_code: str = Field(default="", max_length=20)


class ShipToAddressIn(AddressIn):
    name: NameIn


class AddressOut(CamelSchema):
    name: NameIn | None = None
    email: str | None = None
    phone: PhoneIn | None = None
    street1: str
    street2: str = ""
    city: str
    state: str = ""
    country: str
    zip_code: str = ""


# ---- cart --------------------------------------------------------------------------------------------


class CartCreateIn(CamelSchema):
    """Nothing is needed: the channel (and so the currency) comes from the API key."""


class LineAddIn(CamelSchema):
    sku: str = Field(min_length=1, max_length=SKU_MAX_LENGTH)
    quantity: Quantity
    ship_to_id: PublicId | None = None


class LineUpdateIn(CamelSchema):
    quantity: Quantity


class ShipToIn(CamelSchema):
    address: ShipToAddressIn
    shipping_method: str = Field(min_length=1, max_length=40)


class LineItemOut(CamelSchema):
    line_item_id: int
    sku: str
    title: str
    quantity: int
    unit_price: str | None = Field(description="Channel price now; null when the SKU is no longer sold there.")
    line_total: str | None
    ship_to_id: str | None = Field(description="The line's ship-to (lines without one go to the first).")
    available: int = Field(description="Advisory: units available now (the checkout decides).")


class ShipToOut(CamelSchema):
    ship_to_id: str
    address: AddressOut
    shipping_method: str
    shipping_method_name: str
    shipping_price: str


class TotalsOut(CamelSchema):
    subtotal: str
    shipping: str
    discounts: str
    amount_due_before_tax: str


class CartOut(CamelSchema):
    cart_id: str
    currency: str
    status: Literal["open", "checked_out"]
    line_items: list[LineItemOut]
    ship_tos: list[ShipToOut]
    totals: TotalsOut


# ---- checkout ----------------------------------------------------------------------------------------


class TransactionDetailsIn(CamelIn):
    payment_type: Literal["CARD"]
    card_number: CardNumber
    exp_date: str = Field(pattern=r"^(0[1-9]|1[0-2])[0-9]{2}$", description="MMYY")
    cvv: Cvv
    card_holder_full_name: str = Field(min_length=1, max_length=200)
    metadata: dict[str, Any] = Field(default_factory=dict)


class PaymentIdentifierIn(CamelIn):
    card_identifier: str = Field(pattern=r"^[0-9]{4}$", description="The card's last four digits.")


class PaymentDetailIn(CamelIn):
    transaction_details: TransactionDetailsIn
    payment_identifier: PaymentIdentifierIn
    payment_method: str = Field(min_length=1, max_length=40, description="The card brand, e.g. Visa.")
    payment_kind: str = Field(default="", max_length=60)
    amount: PositiveAmount
    currency: Currency
    conversion: PositiveAmount = Field(default=Decimal(1), description="Into the cart's currency.")
    bill_to_address: AddressIn


class ItemTaxIn(CamelIn):
    line_item_id: LineItemId
    amount: Amount


class ShipToTaxIn(CamelIn):
    ship_to_id: PublicId
    amount: Amount


class EstimatedTaxIn(CamelIn):
    items_taxes: list[ItemTaxIn] = Field(default_factory=list, max_length=500)
    ship_to_taxes: list[ShipToTaxIn] = Field(default_factory=list, max_length=50)


class CheckoutIn(CamelIn):
    cart_id: PublicId
    customer_email: Email
    customer_phone_number: PhoneIn | None = None
    payment_details: list[PaymentDetailIn] = Field(min_length=1, max_length=10)
    estimated_tax: EstimatedTaxIn = Field(default_factory=EstimatedTaxIn)
    ship_from: AddressIn | None = None


class CheckoutOut(CamelSchema):
    checkout_complete: Literal[True]
    order_id: str = Field(pattern=r"^[0-9]{4}-[0-9]{4}-[0-9]{5}$")


class CheckoutErrorOut(CamelSchema):
    checkout_complete: Literal[False]
    errors: list[ErrorItem]


# ---- orders ------------------------------------------------------------------------------------------


class OrderLineOut(CamelSchema):
    line_item_id: int
    sku: str
    title: str
    options: dict[str, Any]
    quantity: int
    unit_price: str
    discount: str
    line_total: str
    tax: str
    ship_to_id: str | None


class OrderShipToOut(CamelSchema):
    ship_to_id: str
    address: AddressOut
    shipping_method: str
    shipping_price: str
    tax: str


class OrderPaymentOut(CamelSchema):
    payment_type: str
    brand: str
    last_four: str
    exp_month: int | None
    exp_year: int | None
    holder_name: str
    amount: str
    currency: str
    status: str


class OrderTotalsOut(CamelSchema):
    subtotal: str
    shipping: str
    discounts: str
    tax: str
    total: str


class OrderEventOut(CamelSchema):
    kind: str
    message: str
    created_at: datetime


class OrderOut(CamelSchema):
    order_id: str
    status: str
    currency: str
    customer_email: str
    customer_phone_number: PhoneIn | None
    billing_address: AddressOut | None
    ship_from: AddressOut | None
    ship_tos: list[OrderShipToOut]
    line_items: list[OrderLineOut]
    payments: list[OrderPaymentOut]
    totals: OrderTotalsOut
    created_at: datetime
    history: list[OrderEventOut]
