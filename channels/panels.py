"""Editor pieces for the product form: the Channels tab and the per-channel readiness panel in it."""

from wagtail.admin.panels import HelpPanel, InlinePanel, ObjectList, Panel

from channels.models import Channel, ChannelCompleteness
from channels.rules import field_location


class ChannelReadinessPanel(Panel):
    """Per active channel: the stored completeness of the product's latest version, each issue with where
    to fix it. Stored on save, so it shows the state after the last save (save to refresh)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("heading", "Readiness per channel")
        super().__init__(*args, **kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "channels/admin/readiness_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["channels"] = readiness_rows(self.instance)
            return context


def readiness_rows(product) -> list[dict]:
    stored = {}
    if product is not None and product.pk:
        stored = {row.channel_id: row for row in ChannelCompleteness.objects.filter(product=product)}
    rows = []
    for channel in Channel.objects.filter(active=True).order_by("name"):
        row = stored.get(channel.pk)
        issues = [{**issue, "location": field_location(issue["field"])} for issue in (row.issues if row else [])]
        rows.append({"channel": channel, "completeness": row, "issues": issues})
    return rows


def channels_tab(heading: str = "Channels") -> ObjectList:
    """The product editor's Channels tab: readiness, listings, variant prices, channel images, translations."""
    return ObjectList(
        [
            ChannelReadinessPanel(),
            InlinePanel("channel_listings", heading="Listings", label="Listing"),
            InlinePanel(
                "variant_listings",
                heading="Variant prices and availability",
                label="Variant on a channel",
                help_text="One row per variant (by SKU) and channel; prices are in the channel's currency.",
            ),
            InlinePanel(
                "channel_images",
                heading="Channel images",
                label="Image",
                help_text="A channel with images here uses these, in this order; others use the product's images.",
            ),
            InlinePanel("translations", heading="Translations", label="Translation"),
            HelpPanel(content="Readiness is stored when you save; save to see the effect of a change."),
        ],
        heading=heading,
    )
