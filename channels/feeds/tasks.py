"""Background feed rebuilds (django_tasks): debounced, safe to run twice, taking ids."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from channels.feeds.models import FeedSettings
from channels.feeds.services import feeds_rebuild
from channels.models import Channel

DEFAULT_REBUILD_DELAY = 60  # seconds without a newer change before a background rebuild runs


def rebuild_delay() -> int:
    return int(getattr(settings, "FEEDS_REBUILD_DELAY", DEFAULT_REBUILD_DELAY))


@task()
def rebuild_channel_feeds(channel_id: int, change_stamp: str) -> str:
    """Rebuild a channel's feeds unless a newer change is pending (its own task will do it) or none is."""
    feed_settings = FeedSettings.objects.filter(channel_id=channel_id).first()
    if feed_settings is None or feed_settings.last_change_at is None:
        return "nothing to do"
    if feed_settings.last_change_at > datetime.fromisoformat(change_stamp):
        return "superseded by a newer change"
    channel = Channel.objects.filter(pk=channel_id, active=True).first()
    if channel is None:
        return "channel inactive"
    builds = feeds_rebuild(channel, trigger="task")
    return ", ".join(f"{build.format}: {build.status}" for build in builds if build is not None)


def feeds_mark_dirty(channel_ids: Iterable[int]) -> None:
    """Note a change for each channel and, once the transaction commits, schedule a debounced rebuild.

    Each change moves `last_change_at`; the scheduled task rebuilds only if no newer change has come in
    by the time it runs, so a burst of publishes ends in one rebuild (with a queue that can defer tasks).
    """
    now = timezone.now()
    for channel_id in set(channel_ids):
        feed_settings, _ = FeedSettings.objects.get_or_create(channel_id=channel_id)
        FeedSettings.objects.filter(pk=feed_settings.pk, dirty_since__isnull=True).update(dirty_since=now)
        FeedSettings.objects.filter(pk=feed_settings.pk).update(last_change_at=now)
        stamp = now.isoformat()
        transaction.on_commit(
            lambda channel_id=channel_id, stamp=stamp: _enqueue(rebuild_channel_feeds, channel_id, stamp)
        )


def _enqueue(rebuild, channel_id: int, stamp: str) -> None:
    delay = rebuild_delay()
    if delay and rebuild.get_backend().supports_defer:
        rebuild = rebuild.using(run_after=timezone.now() + timedelta(seconds=delay))
    rebuild.enqueue(channel_id, stamp)


@task()
def rebuild_feed_now(channel_id: int, format_code: str) -> str:
    """One feed of a channel, on demand (the admin's "rebuild now")."""
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        return "no such channel"
    builds = feeds_rebuild(channel, trigger="admin", formats=[format_code])
    return ", ".join(f"{build.format}: {build.status}" for build in builds if build is not None)
