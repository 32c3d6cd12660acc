import secrets

from django.db import models

from catalog.validators import SKU_MAX_LENGTH


def new_public_id() -> str:
    """24 hex characters, like the ids channels already send (`5f1b4158bb24210008b9a3f0`); random, so
    a cart id cannot be guessed from another."""
    return secrets.token_hex(12)


class Cart(models.Model):
    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CHECKED_OUT = "checked_out", "Checked out"

    cart_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="carts")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    # lineItemIds are 1, 2, 3 … per cart and never reused, even after a line is removed.
    next_line_item_id = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.cart_id

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CartShipTo(models.Model):
    """A ship-to group: where some of the cart's lines go, and how."""

    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="ship_tos")
    ship_to_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    address = models.JSONField(help_text="Normalised address (country as ISO alpha-2).")
    shipping_rate = models.ForeignKey("orders.ShippingRate", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.ship_to_id


class CartLine(models.Model):
    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    line_item_id = models.PositiveIntegerField()
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(max_length=SKU_MAX_LENGTH)
    quantity = models.PositiveIntegerField()
    ship_to = models.ForeignKey(CartShipTo, null=True, blank=True, on_delete=models.SET_NULL, related_name="lines")

    class Meta:
        ordering = ["line_item_id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "line_item_id"], name="unique_line_item_id_per_cart"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.cart_id}#{self.line_item_id} {self.sku} × {self.quantity}"
