"""Which product may use a SKU: the SKUs of its variant rows (its live version) and of its latest draft."""

from django.db import models

from catalog.validators import SKU_MAX_LENGTH


class SkuClaimQuerySet(models.QuerySet):
    def sync(self, product_id: int, *, held: set[str], drafted: set[str]) -> None:
        """Make the product's claims exactly `held` ∪ `drafted`, releasing the SKUs it no longer uses.

        `held` are the SKUs of its variant rows: unique in the database, so they are taken over from any
        other claim. A `drafted`-only SKU another product claims is left to it (a race the form lost, or
        data from before the claims): publishing this draft is then refused, never a crash.
        """
        wanted = held | drafted
        current = dict(
            self.filter(models.Q(product_id=product_id) | models.Q(sku__in=wanted)).values_list("sku", "product_id")
        )
        released = [sku for sku, owner in current.items() if owner == product_id and sku not in wanted]
        taken = sorted(sku for sku in held if current.get(sku) != product_id)
        added = sorted(sku for sku in drafted - held if sku not in current)
        if released:
            self.filter(product_id=product_id, sku__in=released).delete()
        if taken:
            self.bulk_create(
                [SkuClaim(sku=sku, product_id=product_id) for sku in taken],
                update_conflicts=True,
                unique_fields=["sku"],
                update_fields=["product"],
            )
        if added:
            self.bulk_create([SkuClaim(sku=sku, product_id=product_id) for sku in added], ignore_conflicts=True)


class SkuClaim(models.Model):
    """One SKU reserved for one product, so that two drafts cannot both take it and then collide at publish."""

    sku = models.CharField("SKU", max_length=SKU_MAX_LENGTH, unique=True)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="sku_claims")

    objects = SkuClaimQuerySet.as_manager()

    class Meta:
        verbose_name = "SKU claim"

    def __str__(self) -> str:
        return f"{self.sku} → {self.product_id}"
