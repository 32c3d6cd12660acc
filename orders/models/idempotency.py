from django.db import models


class IdempotencyKey(models.Model):
    """A checkout request's `Idempotency-Key`, scoped to the channel, with the response it produced.

    `fingerprint` is a keyed hash (HMAC) of the body: the body holds card data, so a plain hash of it
    could be brute-forced back to the card number.
    """

    # Not content: skip Wagtail's reference index (a few queries per save on the checkout path).
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", "In flight"
        COMPLETED = "completed", "Completed"

    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "key"], name="unique_idempotency_key_per_channel")]

    def __str__(self) -> str:
        return self.key
