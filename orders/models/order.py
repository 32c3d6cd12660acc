"""Orders are snapshots: they copy SKU, title, options and prices at the time of sale."""

import secrets

from django.conf import settings
from django.db import models

from catalog.validators import SKU_MAX_LENGTH


def new_order_id() -> str:
    """`NNNN-NNNN-NNNNN`, drawn at random (about 10¹³ values), so the next id cannot be guessed."""
    return f"{secrets.randbelow(10**4):04d}-{secrets.randbelow(10**4):04d}-{secrets.randbelow(10**5):05d}"


class OrderStatus(models.TextChoices):
    PLACED = "placed", "Placed"
    PAID = "paid", "Paid"
    FULFILLED = "fulfilled", "Fulfilled"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


class OrderQuerySet(models.QuerySet):
    def for_channel(self, channel):
        return self.filter(channel=channel)

    def for_detail(self):
        """Everything the API and the admin show of one order, in a fixed number of queries."""
        return self.select_related("channel").prefetch_related(
            "ship_tos",
            models.Prefetch("lines", queryset=OrderLine.objects.select_related("ship_to")),
            "payments",
            models.Prefetch("events", queryset=OrderEvent.objects.select_related("user")),
        )


class Order(models.Model):
    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    order_id = models.CharField("order id", max_length=15, unique=True, default=new_order_id, editable=False)
    channel = models.ForeignKey("channels.Channel", on_delete=models.PROTECT, related_name="orders")
    cart = models.OneToOneField(
        "orders.Cart", null=True, blank=True, on_delete=models.SET_NULL, related_name="order", editable=False
    )
    status = models.CharField(max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED, db_index=True)
    currency = models.CharField(max_length=3)
    customer_email = models.EmailField(db_index=True)
    customer_phone = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    ship_from_address = models.JSONField(default=dict, blank=True)
    subtotal = models.DecimalField(max_digits=14, decimal_places=4)
    shipping_total = models.DecimalField(max_digits=14, decimal_places=4)
    discount_total = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    tax_total = models.DecimalField(max_digits=14, decimal_places=4)
    total = models.DecimalField(max_digits=14, decimal_places=4)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("change_order_status", "Can change the status of orders")]

    def __str__(self) -> str:
        return self.order_id


class OrderShipTo(models.Model):
    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="ship_tos")
    ship_to_id = models.CharField(max_length=24)
    address = models.JSONField()
    shipping_method = models.CharField(max_length=40)
    shipping_method_name = models.CharField(max_length=120)
    shipping_price = models.DecimalField(max_digits=14, decimal_places=4)
    tax = models.DecimalField(max_digits=14, decimal_places=4, default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.address.get('city', '')}"


class OrderLine(models.Model):
    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_item_id = models.PositiveIntegerField()
    ship_to = models.ForeignKey(OrderShipTo, null=True, on_delete=models.SET_NULL, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", null=True, on_delete=models.SET_NULL, related_name="+")
    sku = models.CharField(max_length=SKU_MAX_LENGTH)
    title = models.CharField(max_length=255)
    options = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)
    discount = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    line_total = models.DecimalField(max_digits=14, decimal_places=4)
    tax = models.DecimalField(max_digits=14, decimal_places=4, default=0)

    class Meta:
        ordering = ["line_item_id"]

    def __str__(self) -> str:
        return f"{self.sku} × {self.quantity}"


class StockAllocation(models.Model):
    """Which stock rows a line's units are reserved from, so cancelling and fulfilling touch the same rows."""

    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="allocations")
    stock_level = models.ForeignKey("catalog.StockLevel", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    released = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.line_id} from stock {self.stock_level_id}"


class PaymentStatus(models.TextChoices):
    AUTHORIZED = "authorized", "Authorized"
    CAPTURED = "captured", "Captured"
    VOIDED = "voided", "Voided"
    REFUNDED = "refunded", "Refunded"
    FAILED = "failed", "Failed"


class OrderPayment(models.Model):
    """A tender of the order. Never the card number or CVV: brand, last four, expiry and the gateway's reference."""

    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    method = models.CharField(max_length=20, help_text="paymentType, e.g. CARD.")
    brand = models.CharField(max_length=40, blank=True)
    last_four = models.CharField(max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    holder_name = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=4)
    currency = models.CharField(max_length=3)
    conversion = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    gateway = models.CharField(max_length=40)
    gateway_reference = models.CharField(max_length=100)
    status = models.CharField(max_length=12, choices=PaymentStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.brand or self.method} …{self.last_four} {self.amount} {self.currency}"


class OrderEvent(models.Model):
    """The order's history, as the admin shows it."""

    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    message = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"
