from .cart import Cart, CartLine, CartShipTo
from .gateway import SandboxTransaction
from .idempotency import IdempotencyKey
from .order import (
    Order,
    OrderEvent,
    OrderLine,
    OrderPayment,
    OrderShipTo,
    OrderStatus,
    PaymentStatus,
    StockAllocation,
)
from .outbox import OutboxEvent
from .shipping import ShippingRate

__all__ = [
    "Cart",
    "CartLine",
    "CartShipTo",
    "IdempotencyKey",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderPayment",
    "OrderShipTo",
    "OrderStatus",
    "OutboxEvent",
    "PaymentStatus",
    "SandboxTransaction",
    "ShippingRate",
    "StockAllocation",
]
