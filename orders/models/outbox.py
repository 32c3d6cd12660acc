from django.conf import settings
from django.db import models


class OutboxEvent(models.Model):
    """Events for other services, written in the transaction that caused them; orders.tasks delivers them."""

    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    topic = models.CharField(max_length=60, db_index=True, help_text="e.g. order.created")
    key = models.CharField(max_length=60, help_text="The aggregate it is about, e.g. the order id.")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # A delivery run claims a batch until then, so a second run at the same time takes other events.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.topic} {self.key}"

    @property
    def delivery_state(self) -> str:
        """What the admin shows, including why an event is still pending."""
        if self.delivered_at is not None:
            return "delivered"
        if not settings.ORDER_EVENTS_WEBHOOK_URL:
            return "pending: no webhook URL configured (ORDER_EVENTS_WEBHOOK_URL)"
        if self.last_error:
            return f"pending: {self.attempts} failed attempt(s), last: {self.last_error}"
        return "pending"
