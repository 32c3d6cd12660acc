"""Reads of the order module: carts priced through the channel resolver, orders for the API and admin."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from channels.models import Channel
from channels.resolved import ResolvedProduct, ResolvedVariant
from channels.selectors import resolve_variants_by_skus
from hub.prefetch import cache_related, columns, instance_from
from hub.statements import rows_for
from orders.models import Cart, CartLine, CartShipTo, Order, OrderPayment, PaymentStatus, ShippingRate
from orders.pricing import Totals, cart_totals, line_total


@dataclass(frozen=True, slots=True)
class PricedLine:
    line: CartLine
    title: str
    options: dict[str, Any]
    unit_price: Decimal | None  # None: the SKU is not sellable on the channel now
    line_total: Decimal | None
    ship_to: CartShipTo | None  # the line's own ship-to, else the cart's first
    available: int

    @property
    def sellable(self) -> bool:
        return self.unit_price is not None


@dataclass(frozen=True, slots=True)
class PricedCart:
    cart: Cart
    lines: tuple[PricedLine, ...]
    ship_tos: tuple[CartShipTo, ...]
    totals: Totals

    @property
    def currency(self) -> str:
        return self.cart.currency


def cart_get(channel: Channel, cart_id: str) -> Cart | None:
    """The channel's cart with its lines and ship-tos loaded; another channel's cart is None.

    Two queries when the cart has lines (the usual case, and always a checkout's): the lines bring the cart
    with them, then the ship-tos with their rates; both are compiled once (hub/statements.py). An empty
    cart costs one more query, to read the cart alone. The channel is the caller's already (the cart is
    filtered by it), so it is attached, not joined again.
    """
    rows = rows_for(("orders.cart_lines",), _lines_with_cart, cart_id, channel.pk, prepare=True)
    line_width = len(_LINE_COLUMNS)  # then the cart's columns
    if rows:
        cart = instance_from(Cart, rows[0], line_width)
    else:
        cart = Cart.objects.filter(channel=channel, cart_id=cart_id).first()
        if cart is None:
            return None
    cart.channel = channel
    lines = []
    for row in rows:
        line = instance_from(CartLine, row)
        line.cart = cart  # one instance for all
        lines.append(line)
    ship_tos = []
    for row in rows_for(("orders.cart_ship_tos",), _ship_tos_with_rates, cart.pk, prepare=True):
        ship_to = instance_from(CartShipTo, row)
        ship_to.shipping_rate = instance_from(ShippingRate, row, len(_SHIP_TO_COLUMNS))
        ship_tos.append(ship_to)
    # Two plain queries cost less than Django's prefetch machinery (which also needs the cart read first).
    cache_related(cart, "lines", CartLine, {"cart": cart}, lines)
    cache_related(cart, "ship_tos", CartShipTo, {"cart": cart}, ship_tos)
    return cart


_LINE_COLUMNS, _SHIP_TO_COLUMNS = columns(CartLine), columns(CartShipTo)


def _lines_with_cart(cart_id: str, channel_id: int) -> QuerySet:
    return (
        CartLine.objects.filter(cart__cart_id=cart_id, cart__channel_id=channel_id)
        .order_by("line_item_id")
        .values_list(*_LINE_COLUMNS, *columns(Cart, "cart__"))
    )


def _ship_tos_with_rates(cart_pk: int) -> QuerySet:
    return (
        CartShipTo.objects.filter(cart_id=cart_pk)
        .order_by("pk")
        .values_list(*_SHIP_TO_COLUMNS, *columns(ShippingRate, "shipping_rate__"))
    )


def resolve_skus(channel: Channel, skus: Iterable[str]) -> dict[str, tuple[ResolvedProduct, ResolvedVariant]]:
    """Resolve many SKUs for the channel through the one resolver, leanly (prices, stock, titles, options:
    no images, categories or attributes), in a constant number of queries."""
    return resolve_variants_by_skus(channel, skus)


def cart_price(cart: Cart) -> PricedCart:
    """Prices, advisory stock and totals of a cart, as the channel sells its lines now."""
    currency = cart.currency
    ship_tos = tuple(cart.ship_tos.all())
    lines = list(cart.lines.all())
    resolved = resolve_skus(cart.channel, (line.sku for line in lines))
    ship_to_by_pk = {ship_to.pk: ship_to for ship_to in ship_tos}
    priced = tuple(_price_line(line, resolved.get(line.sku), ship_to_by_pk, ship_tos, currency) for line in lines)
    totals = cart_totals(
        line_totals=(line.line_total for line in priced if line.line_total is not None),
        shipping_prices=(ship_to.shipping_rate.price for ship_to in ship_tos),
        discounts=Decimal(0),
        currency=currency,
    )
    return PricedCart(cart=cart, lines=priced, ship_tos=ship_tos, totals=totals)


def _price_line(line, resolution, ship_to_by_pk, ship_tos, currency) -> PricedLine:
    ship_to = ship_to_by_pk.get(line.ship_to_id) if line.ship_to_id else (ship_tos[0] if ship_tos else None)
    if resolution is None:
        return PricedLine(line, line.sku, {}, None, None, ship_to, 0)
    product, variant = resolution
    unit_price = variant.unit_price if variant.sellable and variant.currency == currency else None
    total = line_total(unit_price, line.quantity, currency) if unit_price is not None else None
    available = variant.available_quantity if unit_price is not None else 0
    return PricedLine(line, product.title, dict(variant.options), unit_price, total, ship_to, available)


def shipping_rate_get(channel: Channel, code: str) -> ShippingRate | None:
    return ShippingRate.objects.filter(channel=channel, code=code, active=True).first()


def order_get(channel: Channel, order_id: str) -> Order | None:
    """The channel's order with everything the API shows; another channel's order is None."""
    return Order.objects.for_channel(channel).for_detail().filter(order_id=order_id).first()


def orders_not_captured(orders: QuerySet) -> QuerySet:
    """Orders holding a payment that is authorized and not captured: the checkout's capture failed (their
    history and an `order.capture_failed` event say so), so customer service captures it again ("Mark paid")
    or cancels the order. A cancelled order's holds are voided, so it is not among them."""
    held = OrderPayment.objects.filter(order=OuterRef("pk"), status=PaymentStatus.AUTHORIZED)
    return orders.filter(Exists(held))
