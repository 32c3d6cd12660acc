from django.db import models


class OutboxEvent(models.Model):
    """Events for other services, written in the transaction that caused them; a later worker delivers them."""

    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    topic = models.CharField(max_length=60, db_index=True, help_text="e.g. order.created")
    key = models.CharField(max_length=60, help_text="The aggregate it is about, e.g. the order id.")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.topic} {self.key}"
