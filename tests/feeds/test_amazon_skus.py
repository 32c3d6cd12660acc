"""Amazon DELETEs: the served set's sorted SKU file as the reference, the upgrade from SKU lists on build rows,
and memory that does not grow with the catalog."""

import gc
import io
import json
import tracemalloc
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from channels.bulk import collector_paused
from channels.feeds.formats import AMAZON_JSON
from channels.feeds.models import FeedBuild
from channels.feeds.pipeline import BuildReport, build_context, build_feed, iter_items, set_link
from channels.feeds.serializers.amazon import AmazonJsonSerializer
from channels.feeds.serializers.base import FeedItem
from channels.feeds.sku_sets import SKU_FILE, SortedSkuFile, read_skus
from channels.feeds.writer import DocumentSet
from channels.models import ProductListing
from tests.feeds.conftest import catalog_for, expected_skus
from tests.feeds.test_formats import amazon_document_at, listed_skus


def messages_of(build) -> list[dict]:
    root = Path(build.file_path).parent
    return [
        message for document in build.documents for message in amazon_document_at(root / document["name"])["messages"]
    ]


def deletes_of(build) -> list[str]:
    return [message["sku"] for message in messages_of(build) if message["operationType"] == "DELETE"]


def unlist(product, channel) -> list[str]:
    ProductListing.objects.filter(product=product, channel=channel).update(published=False)
    return [variant.sku for variant in product.variants.all()]


def test_skus_that_left_are_deleted_across_documents_and_skus_still_listed_are_not(amazon, settings):
    settings.FEEDS_AMAZON_MAX_MESSAGES = 2
    products = catalog_for(amazon)  # 4 items
    build_feed(amazon, "amazon-json")
    left = unlist(products["single"], amazon) + unlist(products["unsold"], amazon)
    gone = sorted(set(left) & expected_skus(products))  # 2 listed SKUs leave (one of "unsold" was never listed)

    build = build_feed(amazon, "amazon-json")  # 2 UPDATEs, 2 DELETEs

    staying = expected_skus(products) - set(gone)
    assert [(d["messages"], d["deletes"]) for d in build.documents] == [(2, 0), (2, 2)]
    messages = messages_of(build)
    assert [(m["messageId"], m["operationType"]) for m in messages] == [
        (1, "UPDATE"),
        (2, "UPDATE"),
        (1, "DELETE"),
        (2, "DELETE"),
    ]
    assert deletes_of(build) == gone and {m["sku"] for m in messages[:2]} == staying
    assert messages[2] == {"messageId": 1, "sku": gone[0], "operationType": "DELETE"}  # no productType
    assert build.items_written == 2 and build.deletes_written == 2
    assert listed_skus(amazon) == sorted(staying)
    # Listed again: an UPDATE, and no DELETE of anything still listed.
    ProductListing.objects.filter(product=products["single"], channel=amazon).update(published=True)
    again = build_feed(amazon, "amazon-json")
    assert deletes_of(again) == [] and listed_skus(amazon) == sorted(staying | {products["single"].variants.get().sku})


def test_a_build_failing_after_its_sku_file_was_written_keeps_the_previous_set_and_sku_list(amazon, monkeypatch):
    products = catalog_for(amazon)
    good = build_feed(amazon, "amazon-json")
    before = listed_skus(amazon)
    gone = unlist(products["single"], amazon)

    def explode(previous, current):
        raise RuntimeError("merge bug")

    monkeypatch.setattr("channels.feeds.serializers.amazon.leaving", explode)
    with pytest.raises(RuntimeError, match="merge bug"):
        build_feed(amazon, "amazon-json")

    assert listed_skus(amazon) == before and Path(good.file_path).exists()
    assert len([p for p in set_link(amazon, AMAZON_JSON).parent.iterdir() if p.name.startswith(".amazon-json.")]) == 1
    monkeypatch.undo()
    # The next build still deletes against the last good set.
    assert deletes_of(build_feed(amazon, "amazon-json")) == gone


def legacy_build(channel, skus, *, minutes_ago: int, status=FeedBuild.Status.SUCCEEDED) -> FeedBuild:
    """A build row as the hub kept them before SKU files: the listed SKUs in a JSON list on the row."""
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return FeedBuild.objects.create(
        channel=channel, format="amazon-json", status=status, started_at=at, finished_at=at, legacy_skus=skus
    )


def test_the_first_build_after_the_upgrade_deletes_against_the_newest_legacy_list_then_clears_them(amazon):
    products = catalog_for(amazon)
    listed = sorted(expected_skus(products))
    legacy_build(amazon, ["OLDER-GONE", *listed], minutes_ago=30)
    legacy_build(amazon, ["GONE-2", "GONE-1", *listed, "GONE-1"], minutes_ago=20)  # unsorted, a repeat
    legacy_build(amazon, ["FAILED-GONE"], minutes_ago=10, status=FeedBuild.Status.FAILED)
    assert not (set_link(amazon, AMAZON_JSON) / SKU_FILE).exists()

    build = build_feed(amazon, "amazon-json")

    assert deletes_of(build) == ["GONE-1", "GONE-2"] and build.deletes_written == 2
    assert listed_skus(amazon) == listed
    assert not FeedBuild.objects.filter(legacy_skus__isnull=False).exists()  # read once, then cleared
    assert deletes_of(build_feed(amazon, "amazon-json")) == []


def test_without_a_sku_file_or_legacy_list_a_build_deletes_nothing(amazon):
    catalog_for(amazon)

    build = build_feed(amazon, "amazon-json")

    assert deletes_of(build) == [] and build.deletes_written == 0


def test_an_export_to_a_path_deletes_against_the_served_set_and_leaves_its_sku_list(amazon, tmp_path):
    products = catalog_for(amazon)
    build_feed(amazon, "amazon-json")
    served = listed_skus(amazon)
    gone = unlist(products["single"], amazon)

    out = tmp_path / "exports" / "out.json"

    call_command("export_feed", amazon.code, "--format", "amazon-json", "--output", str(out), stdout=io.StringIO())

    exported = amazon_document_at(out)["messages"]
    assert [m["sku"] for m in exported if m["operationType"] == "DELETE"] == gone
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.json", "out.json.gz"]  # no SKU file beside it
    assert listed_skus(amazon) == served  # the served set's reference is untouched …
    assert deletes_of(build_feed(amazon, "amazon-json")) == gone  # … so the served feed deletes it too


def test_the_sku_file_is_not_served_nor_downloadable(amazon, client, superuser):
    catalog_for(amazon)
    build_feed(amazon, "amazon-json")
    assert (set_link(amazon, AMAZON_JSON) / SKU_FILE).exists()
    feed_settings = amazon.feed_settings
    token = feed_settings.set_token()
    feed_settings.save()
    client.force_login(superuser)

    for name in (SKU_FILE, SKU_FILE.lstrip("."), f"{SKU_FILE}.gz"):
        assert client.get(f"/feeds/{amazon.code}/{name}", {"token": token}).status_code == 404
        download = reverse("feeds_admin:download", args=[amazon.code, "amazon-json"])
        assert client.get(download, {"document": name}).status_code == 404
    assert client.get(f"/feeds/{amazon.code}/listings.json", {"token": token}).status_code == 200


def test_admin_feed_pages_show_amazon_builds_with_and_without_legacy_lists(amazon, client, superuser):
    catalog_for(amazon)
    legacy_build(amazon, ["GONE"], minutes_ago=5)
    client.force_login(superuser)
    assert client.get(reverse("feeds_admin:channel", args=[amazon.code])).status_code == 200

    build_feed(amazon, "amazon-json")

    page = client.get(reverse("feeds_admin:channel", args=[amazon.code]))
    assert page.status_code == 200 and "listings.json" in page.content.decode()
    assert client.get(reverse("feeds_admin:index")).status_code == 200


# --- memory ---------------------------------------------------------------------------------------------------


def traced_peak(item: FeedItem, context, count: int, directory: Path) -> int:
    """Bytes the serializer allocates at its peak for `count` UPDATEs and `count` DELETEs (fresh SKUs each)."""
    previous = SortedSkuFile(directory / "previous.txt")
    for n in range(count):
        previous.add(f"OLD-{n:08d}")
    previous.finish()
    context.previous_skus = read_skus(previous.path)
    context.deletes_written = 0
    documents = DocumentSet(directory, AMAZON_JSON.document_name, gzip_level=None)
    items = (FeedItem(item.product, replace(item.variant, sku=f"NEW-{n:08d}"), item.image_urls) for n in range(count))
    gc.collect()
    tracemalloc.start()
    try:
        with collector_paused():  # as in a build: garbage is collected between chunks, not at random points
            AmazonJsonSerializer().write_documents(documents, items, context)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert context.deletes_written == count and len(list(read_skus(directory / SKU_FILE))) == count
    return peak


def test_the_amazon_serializer_holds_no_per_sku_collections(amazon, monkeypatch, tmp_path):
    """Peak memory for 4N SKUs stays within a small bound of that for N. SKU sets or lists held in Python
    (≈ 100 bytes a SKU: about 1.3 MB more for the 4N run here) break it; what does grow (one more open run
    file per 1,000 SKUs during the merge) stays far below it."""
    monkeypatch.setattr("channels.feeds.sku_sets.RUN_SIZE", 1_000)
    catalog_for(amazon)
    item = next(iter_items(amazon, BuildReport()))
    context = build_context(amazon, amazon.feed_settings, AMAZON_JSON, timezone.now())
    for name in ("warm-up", "n", "4n"):
        (tmp_path / name).mkdir()
    traced_peak(item, context, 100, tmp_path / "warm-up")  # one-time allocations (caches, lazy imports) first

    small = traced_peak(item, context, 2_500, tmp_path / "n")
    large = traced_peak(item, context, 10_000, tmp_path / "4n")

    assert large - small < 256 * 1024, (small, large)
    assert json.loads((tmp_path / "4n" / "listings.json").read_bytes())["messages"][0]["sku"] == "NEW-00000000"
