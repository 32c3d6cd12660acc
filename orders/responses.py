"""Carts and orders as the order API writes them: camelCase schemas, money as decimal strings."""

from typing import Any

from catalog.money import format_amount, format_optional_amount
from orders.models import Order
from orders.schemas import CartOut, LineItemOut, ShipToOut, TotalsOut
from orders.selectors import PricedCart


def cart_out(priced: PricedCart) -> CartOut:
    currency, cart, totals = priced.currency, priced.cart, priced.totals
    return CartOut(
        cart_id=cart.cart_id,
        currency=currency,
        status=cart.status,
        line_items=[
            LineItemOut(
                line_item_id=line.line.line_item_id,
                sku=line.line.sku,
                title=line.title,
                quantity=line.line.quantity,
                unit_price=format_optional_amount(line.unit_price, currency),
                line_total=format_optional_amount(line.line_total, currency),
                ship_to_id=line.ship_to.ship_to_id if line.ship_to else None,
                available=line.available,
            )
            for line in priced.lines
        ],
        ship_tos=[
            ShipToOut(
                ship_to_id=ship_to.ship_to_id,
                address=ship_to.address,
                shipping_method=ship_to.shipping_rate.code,
                shipping_method_name=ship_to.shipping_rate.name,
                shipping_price=format_amount(ship_to.shipping_rate.price, currency),
            )
            for ship_to in priced.ship_tos
        ],
        totals=TotalsOut(
            subtotal=format_amount(totals.subtotal, currency),
            shipping=format_amount(totals.shipping, currency),
            discounts=format_amount(totals.discounts, currency),
            amount_due_before_tax=format_amount(totals.amount_due_before_tax, currency),
        ),
    )


def order_out(order: Order) -> dict[str, Any]:
    currency = order.currency
    ship_tos = list(order.ship_tos.all())
    return {
        "order_id": order.order_id,
        "status": order.status,
        "currency": currency,
        "customer_email": order.customer_email,
        "customer_phone_number": order.customer_phone or None,
        "billing_address": order.billing_address or None,
        "ship_from": order.ship_from_address or None,
        "ship_tos": [
            {
                "ship_to_id": ship_to.ship_to_id,
                "address": ship_to.address,
                "shipping_method": ship_to.shipping_method,
                "shipping_price": format_amount(ship_to.shipping_price, currency),
                "tax": format_amount(ship_to.tax, currency),
            }
            for ship_to in ship_tos
        ],
        "line_items": [
            {
                "line_item_id": line.line_item_id,
                "sku": line.sku,
                "title": line.title,
                "options": line.options,
                "quantity": line.quantity,
                "unit_price": format_amount(line.unit_price, currency),
                "discount": format_amount(line.discount, currency),
                "line_total": format_amount(line.line_total, currency),
                "tax": format_amount(line.tax, currency),
                "ship_to_id": line.ship_to.ship_to_id if line.ship_to else None,
            }
            for line in order.lines.all()
        ],
        "payments": [
            {
                "payment_type": payment.method,
                "brand": payment.brand,
                "last_four": payment.last_four,
                "exp_month": payment.exp_month,
                "exp_year": payment.exp_year,
                "holder_name": payment.holder_name,
                "amount": format_amount(payment.amount, payment.currency),
                "currency": payment.currency,
                "status": payment.status,
            }
            for payment in order.payments.all()
        ],
        "totals": {
            "subtotal": format_amount(order.subtotal, currency),
            "shipping": format_amount(order.shipping_total, currency),
            "discounts": format_amount(order.discount_total, currency),
            "tax": format_amount(order.tax_total, currency),
            "total": format_amount(order.total, currency),
        },
        "created_at": order.created_at,
        "history": [
            {"kind": event.kind, "message": event.message, "created_at": event.created_at}
            for event in order.events.all()
        ],
    }
