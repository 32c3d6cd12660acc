from django.db import models


class SandboxTransaction(models.Model):
    """The built-in test gateway's ledger: what a real gateway would record on its side (so tests can
    count authorizations and captures). Holds only the last four digits."""

    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        AUTHORIZE = "authorize", "Authorize"
        CAPTURE = "capture", "Capture"
        VOID = "void", "Void"
        REFUND = "refund", "Refund"

    reference = models.CharField(max_length=100, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    approved = models.BooleanField()
    amount = models.DecimalField(max_digits=14, decimal_places=4)
    currency = models.CharField(max_length=3)
    last_four = models.CharField(max_length=4, blank=True)
    decline_reason = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
