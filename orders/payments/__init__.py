"""Payment gateway adapters: the interface, card checks, and the built-in test gateway."""

from orders.payments.base import GatewayError, GatewayResult, PaymentGateway
from orders.payments.cards import CardDetails
from orders.payments.sandbox import SandboxGateway

_GATEWAYS: dict[str, PaymentGateway] = {SandboxGateway.name: SandboxGateway()}


def gateway_named(name: str) -> PaymentGateway:
    """The adapter an order's payments were made with (for capture, void and refund later)."""
    return _GATEWAYS[name]


def gateway_for_channel(channel) -> PaymentGateway:
    """Every channel uses the test gateway until a real adapter is configured."""
    return _GATEWAYS[SandboxGateway.name]


__all__ = [
    "CardDetails",
    "GatewayError",
    "GatewayResult",
    "PaymentGateway",
    "SandboxGateway",
    "gateway_for_channel",
    "gateway_named",
]
