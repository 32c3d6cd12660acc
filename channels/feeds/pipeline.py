"""The one feed pipeline: select a channel's items in chunks → resolve → check → serialize, atomically.

Memory stays flat: products are read in primary-key order one chunk at a time (keyset pagination), each
chunk read as plain rows in one query per relation and resolved with `resolve_many`, checked with the
channel's completeness rules, and streamed to a temporary file that replaces the feed only when complete.
"""

import contextlib
import logging
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from channels.bulk import batch_done, collector_paused, load_products
from channels.completeness import check_resolved
from channels.feeds.formats import AMAZON_JSON, FeedFormat, get_format
from channels.feeds.models import FeedBuild, FeedSettings
from channels.feeds.read_ahead import read_ahead
from channels.feeds.renditions import rendition_urls
from channels.feeds.serializers import FeedContext, FeedItem, serializer_for
from channels.feeds.sku_sets import SKU_FILE, open_sku_file, sorted_skus
from channels.feeds.writer import DEFAULT_GZIP_LEVEL, atomic_document_set, atomic_output, document_files
from channels.models import Channel
from channels.resolved import ResolvedProduct, ResolvedVariant
from channels.resolver import resolve_many
from channels.rules import Issue
from channels.selectors import visible_in
from hub.statements import rows_for

logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 500
IMAGE_SPEC = "max-1600x1600"  # large enough for Meta's 1024 recommendation, never upscaled
MAX_DIAGNOSTICS = 1000  # item diagnostics kept per build; the reasons are counted in full

ProgressCallback = Callable[[int, int], None]  # (products in the chunk, items written so far)
ItemCheck = Callable[[ResolvedVariant], list[Issue]]  # a format's own reasons to leave an item out


def feeds_root() -> Path:
    return Path(getattr(settings, "FEEDS_ROOT", None) or Path(settings.MEDIA_ROOT) / "feeds")


def feed_path(channel: Channel, fmt: FeedFormat) -> Path:
    """The served file (of a set of documents: its first document)."""
    return document_path(channel, fmt, fmt.filename)


def set_link(channel: Channel, fmt: FeedFormat) -> Path:
    """A set of documents is served through a symbolic link named after the format, swapped per build."""
    return feeds_root() / channel.code / fmt.code


def document_path(channel: Channel, fmt: FeedFormat, filename: str) -> Path:
    if fmt.multi_document:
        return set_link(channel, fmt) / filename
    return feeds_root() / channel.code / filename


def public_base_url() -> str:
    return getattr(settings, "FEEDS_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL


@dataclass
class BuildReport:
    """What a run left out and why, kept small: the first items in full, every reason counted."""

    skipped: int = 0
    diagnostics: list[dict] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    products_seen: int = 0

    def skip(self, product: ResolvedProduct, sku: str, issues) -> None:
        self.skipped += 1
        for issue in issues:
            self.reasons[f"{issue.field}: {issue.message}"] += 1
            if len(self.diagnostics) < MAX_DIAGNOSTICS:
                self.diagnostics.append(
                    {
                        "product": product.title,
                        "productId": product.id,
                        "sku": sku,
                        "field": issue.field,
                        "reason": issue.message,
                    }
                )

    def as_json(self) -> dict:
        return {
            "items": self.diagnostics,
            "reasons": dict(self.reasons.most_common()),
            "omitted": max(sum(self.reasons.values()) - len(self.diagnostics), 0),
        }


def iter_chunks(channel: Channel, *, chunk_size: int, at: datetime) -> Iterator[list[ResolvedProduct]]:
    """The channel's visible products, resolved, one chunk at a time (keyset pagination on the pk).

    Each chunk is read as plain rows (`channels.bulk`): a feed reads every product, and model instances for
    each product and its children would cost several times the queries. Where `reads_ahead()`, the next
    chunk is read in a background thread while this one is resolved and written (`read_ahead`)."""
    if reads_ahead():
        loaded = read_ahead(lambda: read_chunks(channel, chunk_size=chunk_size, at=at))
    else:
        loaded = read_chunks(channel, chunk_size=chunk_size, at=at)
    try:
        for products in loaded:
            yield resolve_many(products, channel, at=at)
            batch_done()  # the previous chunk is written by now
    finally:
        loaded.close()  # ends the read-ahead thread now, also when the build fails or stops early


def reads_ahead() -> bool:
    """Whether a build reads its next chunk in a thread: `settings.FEEDS_PREFETCH`, by default on PostgreSQL
    only, and never inside a transaction (the thread's own connection would not see its writes).

    Measured at 100k products: on PostgreSQL a build waits on the server for each chunk, and reading ahead
    took Google XML from 59.5 to 47.7 s and Meta CSV from 50.6 to 28.4 s; on SQLite there is little to wait
    for (the driver gives up the GIL for each row it steps, and most of a read is Python), and it cost 13–18%
    (Google 29.1 → 33.0 s, Meta 26.5 → 31.4 s)."""
    if connection.in_atomic_block:
        return False
    prefetch = getattr(settings, "FEEDS_PREFETCH", None)
    return connection.vendor == "postgresql" if prefetch is None else bool(prefetch)


def read_chunks(channel: Channel, *, chunk_size: int, at: datetime) -> Iterator[list[SimpleNamespace]]:
    """The channel's visible products as the loader's stand-ins, `chunk_size` at a time, in pk order."""
    last_pk = 0
    while True:
        ids = visible_ids(channel, at=at, after=last_pk, limit=chunk_size)
        if not ids:
            return
        last_pk = ids[-1]
        yield load_products(ids, channel=channel)
        if len(ids) < chunk_size:
            return


def visible_ids(channel: Channel, *, at: datetime, after: int, limit: int) -> list[int]:
    """The ids of the next `limit` products visible on the channel after the id `after`, in id order.

    Compiled once per build and run again for each chunk (`hub.statements`), like the loader's queries:
    building the queryset anew for each chunk cost more than running it."""

    def build(after: int, at: datetime) -> QuerySet:
        return visible_in(channel, at=at, after=after).order_by("pk").values_list("pk")[:limit]

    return [pk for (pk,) in rows_for(("feed_visible_ids", channel.pk, limit), build, after, at)]


def image_urls(products: list[ResolvedProduct], base_url: str) -> dict[int, str]:
    """Absolute rendition URLs by image id for a chunk, in a constant number of queries."""
    images = {image.id: image.image for product in products for image in product.images if image.image is not None}
    return rendition_urls(images, IMAGE_SPEC, base_url)


def iter_items(
    channel: Channel,
    report: BuildReport,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    at: datetime | None = None,
    on_chunk: ProgressCallback | None = None,
    item_issues: ItemCheck | None = None,
) -> Iterator[FeedItem]:
    """Each sellable variant of each visible product, unless completeness finds an error for it (or the
    format does: `item_issues`, e.g. a SKU longer than Amazon takes)."""
    at = at or timezone.now()
    base_url = public_base_url()
    written = 0
    for products in iter_chunks(channel, chunk_size=chunk_size, at=at):
        urls = image_urls(products, base_url)
        for product in products:
            report.products_seen += 1
            sellable = product.sellable_variants
            if not sellable:
                continue
            errors = check_resolved(product, channel).errors
            product_errors = [issue for issue in errors if not issue.sku]
            image_links = tuple(urls[image.id] for image in product.images if image.id in urls)
            for variant in sellable:
                item_errors = product_errors + [issue for issue in errors if issue.sku == variant.sku] if errors else []
                if item_issues is not None:
                    # The channel's rules may say the same (a SKU too long for an amazon channel's feed): an
                    # item is reported once for each reason.
                    item_errors += [issue for issue in item_issues(variant) if issue not in item_errors]
                if item_errors:
                    report.skip(product, variant.sku, item_errors)
                    continue
                written += 1
                yield FeedItem(product, variant, image_links)
        if on_chunk is not None:
            on_chunk(len(products), written)


def feed_settings_for(channel: Channel) -> FeedSettings:
    feed_settings, _ = FeedSettings.objects.get_or_create(channel=channel)
    return feed_settings


def build_context(channel: Channel, feed_settings: FeedSettings, fmt: FeedFormat, at: datetime) -> FeedContext:
    """The facts a serializer needs; Amazon's previous SKUs are added by `build_feed` (see `previous_skus`)."""
    home = channel.product_url(slug="", sku="", product_id="")
    return FeedContext(
        channel_code=channel.code,
        channel_name=channel.name,
        currency=channel.currency,
        locale=channel.default_locale,
        country=channel.country,
        link=home.split("?")[0] if home else public_base_url(),
        built_at=at,
        amazon_seller_id=feed_settings.amazon_seller_id,
        amazon_marketplace_id=feed_settings.marketplace_id,
        max_messages=getattr(settings, "FEEDS_AMAZON_MAX_MESSAGES", 0),
    )


@contextlib.contextmanager
def previous_skus(channel: Channel, fmt: FeedFormat) -> Iterator[Iterable[str]]:
    """The SKUs the served Amazon set lists, sorted: what a build sends DELETEs against.

    The served set is the reference for every build, `export_feed --output` ones too: they leave the served
    set (and its SKU file) as it was, so the next served build still deletes what left since that set.
    Its SKU file is opened here, before any item is read, so a build that swaps in a newer set meanwhile
    does not change the reference halfway. A set built before SKU files has none: then the list the newest
    build kept on its row (`FeedBuild.legacy_skus`), held in memory this once."""
    if fmt.code != AMAZON_JSON.code:
        yield ()
        return
    try:
        handle = open_sku_file(set_link(channel, fmt) / SKU_FILE)
    except FileNotFoundError:
        legacy = (
            FeedBuild.objects.succeeded()
            .filter(channel=channel, format=fmt.code, legacy_skus__isnull=False)
            .order_by("-started_at")
            .values_list("legacy_skus", flat=True)
            .first()
        )
        yield sorted(set(legacy or ()))
        return
    with handle:
        yield sorted_skus(handle)


def build_feed(
    channel: Channel,
    format_code: str,
    *,
    output: Path | str | None = None,
    trigger: str = "command",
    chunk_size: int | None = None,
    on_chunk: ProgressCallback | None = None,
) -> FeedBuild:
    """Build one feed of a channel and record the run; on failure the previous file stays and the error
    is recorded on the build (and raised again)."""
    fmt = get_format(format_code)
    feed_settings = feed_settings_for(channel)
    path = Path(output) if output else feed_path(channel, fmt)
    at = timezone.now()
    build = FeedBuild.objects.create(
        channel=channel, format=fmt.code, trigger=trigger, started_at=at, file_path=str(path)
    )
    context = build_context(channel, feed_settings, fmt, at)
    report = BuildReport()
    started = time.monotonic()
    try:
        # A build allocates millions of short-lived objects: see bulk.py.
        with collector_paused(), previous_skus(channel, fmt) as previous:
            context.previous_skus = previous
            serializer = serializer_for(fmt.code)
            items = iter_items(
                channel,
                report,
                chunk_size=chunk_size or getattr(settings, "FEEDS_CHUNK_SIZE", DEFAULT_CHUNK_SIZE),
                at=at,
                on_chunk=on_chunk,
                item_issues=getattr(serializer, "item_issues", None),
            )
            gzip_level = getattr(settings, "FEEDS_GZIP_LEVEL", DEFAULT_GZIP_LEVEL)
            if fmt.multi_document:
                # --output names the first document; the others go beside it (out.json, out-2.json …).
                named = replace(fmt, filename=path.name) if output else fmt
                if output:
                    target = document_files(path, named.document_name, gzip_level=gzip_level)
                else:
                    target = atomic_document_set(set_link(channel, fmt), named.document_name, gzip_level=gzip_level)
                with target as documents:
                    written = serializer.write_documents(documents, items, context)
                build.documents = documents.documents
            else:
                with atomic_output(path, gzip_level=gzip_level) as sink:
                    written = serializer.write(sink, items, context)
    except Exception as exc:
        build.status = FeedBuild.Status.FAILED
        build.error = f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=8)}"
        build.items_skipped = report.skipped
        build.diagnostics = report.as_json()
        build.finished_at = timezone.now()
        build.save()
        logger.warning("Feed %s of %s failed after %.1fs: %s", fmt.code, channel.code, time.monotonic() - started, exc)
        raise
    build.status = FeedBuild.Status.SUCCEEDED
    build.items_written = written
    build.items_skipped = report.skipped
    build.deletes_written = context.deletes_written
    build.diagnostics = report.as_json()
    build.file_size = sum(doc["size"] for doc in build.documents) if build.documents else path.stat().st_size
    build.finished_at = timezone.now()
    build.save()
    if fmt.code == AMAZON_JSON.code and not output:
        # The served set has its SKU file now: the lists rows kept before SKU files are no reference any more.
        FeedBuild.objects.filter(channel=channel, format=fmt.code, legacy_skus__isnull=False).update(legacy_skus=None)
    return build
