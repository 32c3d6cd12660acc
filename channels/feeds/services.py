"""Writes with rules: noting that a channel's feeds are stale, and rebuilding them."""

import logging
from collections.abc import Iterable

from django.utils import timezone

from channels.feeds.models import FeedBuild, FeedSettings
from channels.feeds.pipeline import build_feed, feed_settings_for
from channels.models import Channel, ProductListing

logger = logging.getLogger(__name__)


def channels_of_product(product_id: int) -> list[int]:
    """Channels whose feeds may change when the product changes: those it has a listing on."""
    return list(
        ProductListing.objects.filter(product_id=product_id, channel__active=True)
        .values_list("channel_id", flat=True)
        .distinct()
    )


def feeds_rebuild(channel: Channel, *, trigger: str, formats: Iterable[str] | None = None) -> list[FeedBuild]:
    """Build every feed the channel publishes (or the given formats); a failing format does not stop the
    others, its error is on its build record."""
    feed_settings = feed_settings_for(channel)
    started = timezone.now()
    builds = []
    for code in formats or feed_settings.format_codes:
        try:
            builds.append(build_feed(channel, code, trigger=trigger))
        except Exception:
            logger.exception("Feed %s of channel %s failed", code, channel.code)
            builds.append(FeedBuild.objects.filter(channel=channel, format=code).order_by("-started_at").first())
    # Changes that came in while building stay dirty for the next run.
    FeedSettings.objects.filter(pk=feed_settings.pk, last_change_at__lte=started).update(
        dirty_since=None, last_change_at=None
    )
    return builds
