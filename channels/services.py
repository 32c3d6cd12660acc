"""Writes with business rules for channels: storing completeness, and keeping it current."""

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from catalog.models import Product
from channels.bulk import batch_done, collector_paused, load_products
from channels.completeness import CompletenessReport, check_resolved
from channels.models import Channel, ChannelCompleteness
from channels.resolver import load_context, resolve_with

BATCH_SIZE = 500
UPSERT_CHUNK = 100  # rows per statement: 700 parameters, under SQLite's limit


def completeness_refresh_product(product: Product) -> dict[int, CompletenessReport]:
    """Store the completeness of the product's latest version (its draft, if it has one) on each channel.

    The editor checks what they are editing, so a saved draft counts; feeds check the live product again
    when they export, so a draft never lets anything through.
    """
    return completeness_refresh_products([product.pk])[product.pk]


def completeness_refresh_products(
    product_ids: Sequence[int], channels: Iterable[Channel] | None = None
) -> dict[int, dict[int, CompletenessReport]]:
    """Recompute and store completeness of these products on these channels (default: all active).

    One bulk read for the batch, then one short write transaction: it is the bulk path for a channel's
    rule change as well as the single-product path.
    """
    channels = list(Channel.objects.all() if channels is None else channels)
    active = [channel for channel in channels if channel.active]
    inactive_ids = [channel.pk for channel in channels if not channel.active]
    now = timezone.now()
    products = _latest_versions(product_ids)
    context = load_context(products)
    reports: dict[int, dict[int, CompletenessReport]] = {product.pk: {} for product in products}
    rows: list[tuple] = []
    unlisted: dict[int, list[int]] = {}
    # Compute first, write after: the write transaction stays short (SQLite takes its lock at BEGIN).
    for channel in active:
        listed_ids = set()
        for product in products:
            if not any(listing.channel_id == channel.pk for listing in product.channel_listings.all()):
                continue
            resolved = resolve_with(product, channel, channel.default_locale, now, context)
            report = check_resolved(resolved, channel)
            reports[product.pk][channel.pk] = report
            rows.append(_row(product.pk, channel.pk, report, now))
            listed_ids.add(product.pk)
        unlisted[channel.pk] = [pk for pk in product_ids if pk not in listed_ids]
    with transaction.atomic():
        _upsert(rows)
        for channel_id, ids in unlisted.items():
            if ids:
                ChannelCompleteness.objects.filter(channel_id=channel_id, product_id__in=ids).delete()
        if inactive_ids:
            ChannelCompleteness.objects.filter(channel_id__in=inactive_ids, product_id__in=product_ids).delete()
    return reports


def completeness_refresh_channel(channel: Channel, *, batch_size: int = BATCH_SIZE) -> int:
    """Recompute one channel for every product, batch by batch (what the background task runs)."""
    count = 0
    with collector_paused():
        for batch in product_id_batches(batch_size):
            completeness_refresh_products(batch, [channel])
            count += len(batch)
            batch_done()
    return count


def product_id_batches(
    batch_size: int = BATCH_SIZE, *, start_after: int = 0, product_type_ids: Sequence[int] | None = None
) -> Iterable[list[int]]:
    """Every product id (of these types) in ascending batches, by keyset (no OFFSET), so memory stays flat."""
    products = Product.objects.all()
    if product_type_ids is not None:
        products = products.filter(product_type_id__in=list(product_type_ids))
    last = start_after
    while True:
        batch = list(products.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def _latest_versions(product_ids: Sequence[int]) -> list:
    """The products as stored (live), read in bulk; a product with a draft is its revision's object."""
    products = load_products(list(product_ids), skip_drafted=True)
    read = {product.pk for product in products}
    drafts = Product.objects.filter(pk__in=[pk for pk in product_ids if pk not in read])
    for product in drafts:
        products.append(product.get_latest_revision_as_object() if product.latest_revision_id else product)
    return products


def _row(product_id: int, channel_id: int, report: CompletenessReport, now: datetime) -> tuple:
    return (
        product_id,
        channel_id,
        report.percent,
        len(report.errors),
        len(report.warnings),
        json.dumps([issue.as_dict() for issue in report.issues]),
        now,
    )


def _upsert(rows: list[tuple]) -> None:
    """Insert or update rows in one statement per chunk; plain SQL because the ORM's bulk upsert spends more
    time building the statement than the database spends running it (the same syntax on SQLite and PostgreSQL)."""
    if not rows:
        return
    table = ChannelCompleteness._meta.db_table
    issues = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    values_sql = f"(%s, %s, %s, %s, %s, {issues}, %s)"
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_CHUNK):
            chunk = rows[start : start + UPSERT_CHUNK]
            params = [value for row in chunk for value in (*row[:6], adapt(row[6]))]
            cursor.execute(
                f"INSERT INTO {table} "  # noqa: S608 (the table name is our model's; every value is a parameter)
                "(product_id, channel_id, percent, error_count, warning_count, issues, updated_at) "
                f"VALUES {', '.join([values_sql] * len(chunk))} "
                "ON CONFLICT (product_id, channel_id) DO UPDATE SET percent = excluded.percent, "
                "error_count = excluded.error_count, warning_count = excluded.warning_count, "
                "issues = excluded.issues, updated_at = excluded.updated_at",
                params,
            )


def channels_with_outdated_rules() -> list[Channel]:
    """Channels whose stored completeness was computed with other rules than theirs now: a release added or
    changed a rule of their kind (or they were made before channels kept this)."""
    channels = Channel.objects.all()
    return [channel for channel in channels if channel.completeness_rules != channel.current_rules_digest()]
