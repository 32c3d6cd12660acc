from django.db import models


class ChannelCompleteness(models.Model):
    """The stored result of checking a product's latest version against a channel's rules.

    Outside revisions (like stock): it describes content, it is not content. Stored so the admin's
    filters and dashboard are queries, not computations at request time.
    """

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="channel_completeness")
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="completeness")
    percent = models.PositiveSmallIntegerField()
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    issues = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "channel completeness"
        verbose_name_plural = "channel completeness"
        constraints = [models.UniqueConstraint(fields=["product", "channel"], name="unique_completeness_per_channel")]
        indexes = [models.Index(fields=["channel", "error_count"], name="completeness_channel_errors")]

    def __str__(self) -> str:
        return f"{self.product_id} on {self.channel_id}: {self.percent}%"

    @property
    def ready(self) -> bool:
        return self.error_count == 0
