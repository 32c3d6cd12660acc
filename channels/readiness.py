"""Reads of stored completeness for the admin: readiness counts per channel, a page's badges, the "not ready"
filter. Each is one query over `ChannelCompleteness` (channels/services.py keeps those rows current)."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from channels.models import Channel, ChannelCompleteness


def readiness_by_channel() -> list[dict]:
    """Per active channel: how many listed products are ready (no errors) and how many are not. One query."""
    counts = {
        row["channel_id"]: row
        for row in ChannelCompleteness.objects.filter(channel__active=True)
        .values("channel_id")
        .annotate(ready=Count("pk", filter=Q(error_count=0)), not_ready=Count("pk", filter=Q(error_count__gt=0)))
    }
    return [
        {
            "channel": channel,
            "ready": counts.get(channel.pk, {}).get("ready", 0),
            "not_ready": counts.get(channel.pk, {}).get("not_ready", 0),
        }
        for channel in Channel.objects.filter(active=True).order_by("name")
    ]


def readiness_for_products(product_ids: list[int]) -> dict[int, dict[int, ChannelCompleteness]]:
    """Stored completeness by product id, then channel id, for a page of products (one query)."""
    result: dict[int, dict[int, ChannelCompleteness]] = {pk: {} for pk in product_ids}
    rows = ChannelCompleteness.objects.filter(product_id__in=product_ids, channel__active=True).defer("issues")
    for row in rows:
        result[row.product_id][row.channel_id] = row
    return result


def not_ready_for(queryset: QuerySet, channel: Channel) -> QuerySet:
    """Products listed on the channel whose stored completeness has errors."""
    errors = ChannelCompleteness.objects.filter(product=OuterRef("pk"), channel=channel, error_count__gt=0)
    return queryset.filter(Exists(errors))
