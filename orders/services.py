"""Cart writes. Each locks its cart row, so two requests on one cart (or a checkout) take turns."""

from typing import Any

from django.db import transaction

from channels.models import Channel
from orders.exceptions import OrderError
from orders.models import Cart, CartLine, CartShipTo
from orders.selectors import resolve_skus, shipping_rate_get


def cart_create(*, channel: Channel) -> Cart:
    return Cart.objects.create(channel=channel, currency=channel.currency)


@transaction.atomic
def cart_add_line(*, cart: Cart, sku: str, quantity: int, ship_to_id: str | None = None) -> CartLine:
    """A new line with the cart's next lineItemId; the SKU must be sellable on the cart's channel."""
    locked = _lock_open(cart)
    ship_to = _ship_to(locked, ship_to_id) if ship_to_id else None
    resolution = resolve_skus(cart.channel, [sku]).get(sku)
    if resolution is None or not resolution[1].sellable:
        raise OrderError.of("sku_not_sellable", f"SKU {sku} is not sold on this channel.", "sku")
    product, variant = resolution
    line = CartLine.objects.create(
        cart=locked,
        line_item_id=locked.next_line_item_id,
        variant_id=variant.id,
        sku=sku,
        quantity=quantity,
        ship_to=ship_to,
    )
    locked.next_line_item_id += 1
    locked.save(update_fields=["next_line_item_id", "updated_at"])
    return line


@transaction.atomic
def cart_update_line(*, cart: Cart, line_item_id: int, quantity: int) -> None:
    locked = _lock_open(cart)
    updated = CartLine.objects.filter(cart=locked, line_item_id=line_item_id).update(quantity=quantity)
    if not updated:
        raise _unknown_line(line_item_id)
    locked.save(update_fields=["updated_at"])


@transaction.atomic
def cart_remove_line(*, cart: Cart, line_item_id: int) -> None:
    locked = _lock_open(cart)
    deleted, _ = CartLine.objects.filter(cart=locked, line_item_id=line_item_id).delete()
    if not deleted:
        raise _unknown_line(line_item_id)
    locked.save(update_fields=["updated_at"])


@transaction.atomic
def cart_add_ship_to(*, cart: Cart, address: dict[str, Any], shipping_method: str) -> CartShipTo:
    """A ship-to group: an address (country already alpha-2) and one of the channel's flat rates."""
    locked = _lock_open(cart)
    rate = shipping_rate_get(cart.channel, shipping_method)
    if rate is None:
        raise OrderError.of(
            "unknown_shipping_method", f"No shipping method “{shipping_method}” on this channel.", "shippingMethod"
        )
    ship_to = CartShipTo.objects.create(cart=locked, address=address, shipping_rate=rate)
    locked.save(update_fields=["updated_at"])
    return ship_to


def _lock_open(cart: Cart) -> Cart:
    locked = Cart.objects.select_for_update().select_related("channel").get(pk=cart.pk)
    if not locked.is_open:
        raise OrderError.of("cart_already_checked_out", "This cart has been checked out.", "cartId")
    return locked


def _ship_to(cart: Cart, ship_to_id: str) -> CartShipTo:
    ship_to = CartShipTo.objects.filter(cart=cart, ship_to_id=ship_to_id).first()
    if ship_to is None:
        raise OrderError.of("unknown_ship_to", f"No ship-to {ship_to_id} in this cart.", "shipToId")
    return ship_to


def _unknown_line(line_item_id: int) -> OrderError:
    return OrderError.of("line_item_not_found", f"No line item {line_item_id} in this cart.", "lineItemId")
