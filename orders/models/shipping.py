from django.core.exceptions import ValidationError
from django.db import models

from catalog.money import validate_amount_for_currency


class ShippingRate(models.Model):
    """A flat shipping price per ship-to group, per channel, in the channel's currency."""

    # Not content: skip Wagtail's reference index (a few queries per save).
    wagtail_reference_index_ignore = True

    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="shipping_rates")
    code = models.SlugField(max_length=40, help_text="What carts send as `shippingMethod`, e.g. “standard”.")
    name = models.CharField(max_length=120)
    price = models.DecimalField(max_digits=14, decimal_places=4)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["channel__name", "price", "code"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "code"], name="unique_shipping_rate_per_channel"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="shipping_rate_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.channel})"

    def clean(self):
        super().clean()
        if self.channel_id is not None:
            errors = validate_amount_for_currency(self.price, self.channel.currency, "price")
            if errors:
                raise ValidationError(errors)
