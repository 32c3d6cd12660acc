"""Editorial pages (served headless through the content API) and the sync tombstones of products."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessPreviewMixin

from channels.models import Channel
from hub.blocks import BodyBlock


class HomePage(HeadlessPreviewMixin, Page):
    intro = models.TextField(blank=True, max_length=500)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    max_count = 1


class ContentPage(HeadlessPreviewMixin, Page):
    """A landing page, campaign page or buying guide; its body can embed products."""

    intro = models.TextField(blank=True, max_length=500)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]


class ProductTombstone(models.Model):
    """A product that left a channel (unpublished, delisted, deleted), so sync clients can delete their copy.

    Products whose listing window simply ran out are found by query (no event marks that moment).
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    product_id = models.BigIntegerField()
    slug = models.CharField(max_length=255)
    removed_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "product_id"], name="unique_tombstone_per_channel")]

    def __str__(self) -> str:
        return f"{self.slug} left {self.channel_id} at {self.removed_at:%Y-%m-%d %H:%M}"
