"""Stock is not content: quantities live here, outside product revisions."""

from django.db import models


class StockLocation(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="stock_levels")
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="stock_levels")
    on_hand = models.PositiveIntegerField(default=0)
    reserved = models.PositiveIntegerField(default=0, help_text="Held by placed orders not yet fulfilled.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["variant__sku", "location__name"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "location"], name="unique_stock_per_variant_location"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="stock_reserved_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.variant} @ {self.location}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved
