"""Building: atomic swap, query counts per chunk, the command, background rebuilds, the admin page."""

import gc
import gzip
import io
import weakref
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from isal import igzip

from catalog.models import (
    Attribute,
    Brand,
    Product,
    ProductImage,
    ProductType,
    ProductTypeAttribute,
    StockLevel,
    StockLocation,
    Variant,
)
from channels.bulk import COLLECT_EVERY, UNCOLLECTED_LIMIT, batch_done, collector_paused
from channels.feed_facts import product_types_with_new_feed_facts
from channels.feeds.formats import GOOGLE_XML
from channels.feeds.models import FeedBuild, FeedSettings
from channels.feeds.pipeline import IMAGE_SPEC, build_feed, feed_path
from channels.feeds.serializers import SERIALIZERS
from channels.feeds.tasks import feeds_mark_dirty, rebuild_channel_feeds
from channels.feeds.writer import gzip_writer
from channels.models import Channel, ChannelCompleteness, ProductListing, VariantListing
from channels.services import completeness_refresh_product
from channels.tasks import refresh_types_completeness
from media.models import CustomImage, CustomRendition
from tests.factories import AttributeFactory, ChannelFactory, ImageFactory, ProductTypeFactory, make_gtin13
from tests.feeds.conftest import catalog_for, google_shoe


class ExplodingSerializer:
    """Writes part of a document, then fails: what a bug in a serializer looks like."""

    def write(self, sink, items, context):
        sink.write(b"<?xml version='1.0'?><rss><channel><item>half")
        next(iter(items))
        raise RuntimeError("serializer bug")


def test_a_failing_build_leaves_the_previous_file_and_records_the_error(google, monkeypatch):
    catalog_for(google)
    good = build_feed(google, "google-xml")
    before = Path(good.file_path).read_bytes()
    monkeypatch.setitem(SERIALIZERS, "google-xml", ExplodingSerializer)

    with pytest.raises(RuntimeError, match="serializer bug"):
        build_feed(google, "google-xml")

    assert_failed_keeping_the_previous_file(google, "serializer bug", before)


@pytest.mark.parametrize("level", [0, 1, 3, 4, 9])
def test_the_gzip_copy_holds_the_feed_at_every_level(google, settings, level):
    """Levels 1–3 go through ISA-L, 0 and 4–9 through zlib: every one is a gzip file (RFC 1952) of the feed,
    which Python's own gzip reads back; 0 stores it uncompressed."""
    catalog_for(google)
    settings.FEEDS_GZIP_LEVEL = level

    path = Path(build_feed(google, "google-xml").file_path)

    plain, compressed = path.read_bytes(), path.with_name(path.name + ".gz").read_bytes()
    assert gzip.decompress(compressed) == plain
    assert (len(compressed) > len(plain)) == (level == 0)
    assert isinstance(gzip_writer(io.BytesIO(), level), igzip.GzipFile) == (1 <= level <= 3)


def assert_failed_keeping_the_previous_file(channel: Channel, error: str, before: bytes) -> None:
    """The newest Google XML build failed with `error` recorded, and the served file is still `before`."""
    failed = FeedBuild.objects.filter(channel=channel, format="google-xml").order_by("-started_at").first()
    assert failed.status == FeedBuild.Status.FAILED and error in failed.error
    assert failed.finished_at is not None and failed.file_size is None
    path = feed_path(channel, GOOGLE_XML)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["products.xml", "products.xml.gz"]  # no temp files


def bulk_catalog(channel: Channel, products: int, variants: int, start: int = 0, image=None) -> None:
    """Many listed, priced, stocked products fast (bulk inserts; one image shared by every call unless given)."""
    brand = Brand.objects.get_or_create(name="Bulk", slug="bulk")[0]
    product_type = ProductType.objects.get_or_create(name="Bulk", slug="bulk")[0]
    location = StockLocation.objects.get_or_create(code="bulk", defaults={"name": "Bulk"})[0]
    image = image or CustomImage.objects.filter(title="Bulk").first() or ImageFactory(title="Bulk")
    made = Product.objects.bulk_create(
        Product(
            title=f"Bulk {n}",
            slug=f"bulk-{n}",
            brand=brand,
            product_type=product_type,
            description="<p>A bulk product with a description long enough.</p>",
            live=True,
        )
        for n in range(start, start + products)
    )
    if not made[0].pk:  # backends that do not return ids from bulk inserts
        made = list(Product.objects.filter(slug__startswith="bulk-").order_by("pk"))[-products:]
    images = image if isinstance(image, list) else [image]
    ProductImage.objects.bulk_create(
        ProductImage(product=p, image=images[n % len(images)], role="main") for n, p in enumerate(made)
    )
    ProductListing.objects.bulk_create(
        ProductListing(product=p, channel=channel, attributes={"condition": "new"}) for p in made
    )
    rows = [
        Variant(product=p, sku=f"B{start + i}-{v}", gtin=make_gtin13(10_000_000 + (start + i) * 10 + v), price=1)
        for i, p in enumerate(made)
        for v in range(variants)
    ]
    Variant.objects.bulk_create(rows)
    saved = Variant.objects.filter(sku__in=[row.sku for row in rows]).select_related("product")
    StockLevel.objects.bulk_create(StockLevel(variant=v, location=location, on_hand=3) for v in saved)
    VariantListing.objects.bulk_create(
        VariantListing(product=v.product, channel=channel, sku=v.sku, currency="USD", price=Decimal("9.99"))
        for v in saved
    )


def queries_for(channel: Channel, chunk_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        build = build_feed(channel, "google-xml", chunk_size=chunk_size)
    return len(captured.captured_queries), build.items_written


def test_queries_grow_with_chunks_not_with_items(google):
    """Inside the test's transaction a build reads in turn on this connection, so every query is counted here;
    test_read_ahead.py counts the thread's too."""
    bulk_catalog(google, products=100, variants=10)
    build_feed(google, "google-xml")  # makes the shared image's rendition once
    one_chunk, small_items = queries_for(google, chunk_size=2000)
    two_chunks, _ = queries_for(google, chunk_size=60)  # 60 + 40 products
    per_chunk = two_chunks - one_chunk
    bulk_catalog(google, products=900, variants=10, start=100)

    big_one_chunk, big_items = queries_for(google, chunk_size=2000)
    big_four_chunks, _ = queries_for(google, chunk_size=300)  # 300 + 300 + 300 + 100 products

    assert (small_items, big_items) == (1_000, 10_000)
    assert 0 < per_chunk <= 15
    assert big_one_chunk == one_chunk  # ten times the items in one chunk: the same queries
    assert big_four_chunks == one_chunk + 3 * per_chunk


def test_a_build_gives_the_garbage_collector_back_as_it_found_it(google, monkeypatch):
    """The pipeline pauses the cyclic collector per chunk (channels.bulk.collector_paused); a build, good or
    failed, must leave it running and nothing frozen, or a web process would stop collecting cycles."""
    bulk_catalog(google, products=30, variants=2)
    assert gc.isenabled()
    build_feed(google, "google-xml", chunk_size=10)
    assert gc.isenabled() and gc.get_freeze_count() == 0

    monkeypatch.setitem(SERIALIZERS, "google-xml", ExplodingSerializer)
    with pytest.raises(RuntimeError):
        build_feed(google, "google-xml", chunk_size=10)
    assert gc.isenabled() and gc.get_freeze_count() == 0


class Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self):
        self.me = self


def test_between_batches_cycles_are_collected_only_once_enough_have_accumulated():
    """`batch_done` skips the pass while few objects wait (a build makes no cycles, and a pass per chunk cost 5%)
    and collects once UNCOLLECTED_LIMIT objects have accumulated or COLLECT_EVERY batches have passed, so a job
    that does make cycles stays flat."""
    with collector_paused():
        few = weakref.ref(Cycle())
        batch_done()
        assert few() is not None  # not worth a pass yet

        many = [weakref.ref(Cycle()) for _ in range(UNCOLLECTED_LIMIT + 1)]
        batch_done()
        assert few() is None and all(ref() is None for ref in many)
        assert gc.get_count()[0] < 1_000

        rare = weakref.ref(Cycle())  # a few cycles (holding large values, say) are collected every COLLECT_EVERY
        for _ in range(COLLECT_EVERY - 1):
            batch_done()
        assert rare() is not None
        batch_done()
        assert rare() is None


def test_missing_renditions_are_made_in_bulk_not_one_query_set_per_image(google):
    bulk_catalog(google, products=10, variants=1, image=[ImageFactory() for _ in range(10)])
    build_feed(google, "google-xml")  # the channel's feed settings are made once
    CustomRendition.objects.all().delete()
    ten_new, _ = queries_for(google, chunk_size=2000)
    bulk_catalog(google, products=40, variants=1, start=10, image=[ImageFactory() for _ in range(40)])
    CustomRendition.objects.all().delete()

    fifty_new, items = queries_for(google, chunk_size=2000)

    assert items == 50
    assert fifty_new == ten_new  # one SELECT and one bulk INSERT, however many images lack the rendition
    assert CustomRendition.objects.filter(filter_spec=IMAGE_SPEC).count() == 50
    again, _ = queries_for(google, chunk_size=2000)
    assert again == ten_new - 1  # now they all exist: no INSERT


def test_export_feed_command_writes_the_file_and_prints_a_summary(google, tmp_path):
    catalog_for(google)
    out, err = io.StringIO(), io.StringIO()
    output = tmp_path / "out.xml"

    call_command("export_feed", google.code, "--format", "google-xml", "--output", str(output), stdout=out, stderr=err)

    assert output.exists() and output.read_bytes().startswith(b"<?xml")
    summary = out.getvalue()
    assert "google-xml: 4 items written, 1 skipped" in summary
    assert "skipped 1 × images: A main image is missing." in summary
    assert str(output) in summary


def test_export_feed_command_builds_every_format_the_channel_publishes(google):
    catalog_for(google)

    call_command("export_feed", google.code, "--no-progress", stdout=io.StringIO())

    assert set(FeedBuild.objects.filter(channel=google).values_list("format", flat=True)) == {
        "google-xml",
        "google-tsv",
    }


def test_export_feed_command_refuses_an_unknown_channel(db):
    with pytest.raises(CommandError, match="No channel"):
        call_command("export_feed", "nope", stdout=io.StringIO())


def test_publishing_a_product_rebuilds_its_channels_feeds_once_after_commit(google, django_capture_on_commit_callbacks):
    products = catalog_for(google)
    product = products["single"]
    product.title = "Renamed"
    revision = product.save_revision()

    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()

    builds = FeedBuild.objects.filter(channel=google, trigger="task")
    assert sorted(builds.values_list("format", flat=True)) == ["google-tsv", "google-xml"]
    assert b"Renamed" in feed_path(google, GOOGLE_XML).read_bytes()
    assert FeedSettings.objects.get(channel=google).dirty_since is None


def test_marking_an_attribute_as_size_rebuilds_the_feeds_and_recomputes_completeness(
    google, django_capture_on_commit_callbacks
):
    shoe = google_shoe(google)
    completeness_refresh_product(shoe)
    assert ChannelCompleteness.objects.get(product=shoe, channel=google).error_count == 1  # no size
    shoe_size = Attribute.objects.get(code="shoe_size")

    with django_capture_on_commit_callbacks(execute=True):
        shoe_size.name = "Shoe size (EU)"
        shoe_size.save()
    assert not FeedBuild.objects.filter(channel=google, trigger="task").exists()  # nothing feeds send changed
    with django_capture_on_commit_callbacks(execute=True):
        shoe_size.marketplace_attribute = "size"
        shoe_size.save()

    assert ChannelCompleteness.objects.get(product=shoe, channel=google).error_count == 0
    (build,) = FeedBuild.objects.filter(channel=google, format="google-xml", trigger="task")
    assert build.items_written == 2
    assert b"<g:size>41</g:size>" in feed_path(google, GOOGLE_XML).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        shoe_size.save()  # the mark is now what was saved: nothing new
    assert FeedBuild.objects.filter(channel=google, format="google-xml", trigger="task").count() == 1


def test_adding_a_marked_attribute_in_the_product_type_form_rebuilds_the_feeds(
    google, merchandiser, client, django_capture_on_commit_callbacks
):
    """The admin's product type form saves every attribute link each time: the one it adds counts, the ones
    it saves unchanged do not (here a `color` link: an attribute named after a marketplace fact)."""
    footwear = google_shoe(google).product_type
    footwear.attribute_links.update(sort_order=0)  # as the form numbers them (the set-up left it empty)
    ProductTypeAttribute.objects.create(product_type=footwear, attribute=AttributeFactory(code="color"), sort_order=1)
    links = [(link.pk, link.attribute_id) for link in footwear.attribute_links.order_by("sort_order")]
    links_added = [*links, ("", AttributeFactory(code="eu_size", marketplace_attribute="size").pk)]
    client.force_login(merchandiser)
    edit = reverse("wagtailsnippets_catalog_producttype:edit", args=[footwear.pk])

    with django_capture_on_commit_callbacks(execute=True):
        unchanged = client.post(edit, product_type_form(footwear, links))
    assert unchanged.status_code == 302
    assert not FeedBuild.objects.filter(channel=google, trigger="task").exists()

    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(edit, product_type_form(footwear, links_added))

    assert added.status_code == 302 and footwear.attribute_links.count() == 3
    (build,) = FeedBuild.objects.filter(channel=google, format="google-xml", trigger="task")
    assert build.items_skipped == 2  # the variants have no eu_size option: still no size

    eu_size_link = footwear.attribute_links.get(attribute__code="eu_size")
    removed = product_type_form(footwear, [*links, (eu_size_link.pk, eu_size_link.attribute_id)])
    removed["attribute_links-INITIAL_FORMS"], removed["attribute_links-2-DELETE"] = 3, "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit, removed).status_code == 302
    assert footwear.attribute_links.count() == 2
    assert FeedBuild.objects.filter(channel=google, format="google-xml", trigger="task").count() == 2


def product_type_form(product_type: ProductType, links: list[tuple]) -> dict:
    """The admin form's fields for a product type with these (link id or "", attribute id) variant links."""
    form = {"name": product_type.name, "slug": product_type.slug, "attribute_links-TOTAL_FORMS": len(links)}
    form |= {"attribute_links-INITIAL_FORMS": sum(1 for pk, _ in links if pk), "attribute_links-MIN_NUM_FORMS": 0}
    form["attribute_links-MAX_NUM_FORMS"] = 1000
    for n, (pk, attribute_id) in enumerate(links):
        form |= {f"attribute_links-{n}-id": pk, f"attribute_links-{n}-ORDER": n + 1}
        form |= {f"attribute_links-{n}-attribute": attribute_id, f"attribute_links-{n}-role": "variant"}
    return form


ATTRIBUTE_CHANGES = {  # change: (which attribute, field, new value, whether feeds see it)
    "mark": ("fit", "marketplace_attribute", "material", True),
    "unmark": ("shoe_size", "marketplace_attribute", "", True),
    "unit of a marked one": ("shoe_size", "unit", "UK", True),
    "code of a marked one": ("shoe_size", "code", "eu_shoe_size", True),
    "unit of one named after a fact": ("color", "unit", "shade", True),
    "name of a marked one": ("shoe_size", "name", "EU shoe size", False),
    "unit of an unmarked one": ("fit", "unit", "mm", False),
    "code of one named after a fact": ("color", "code", "colour", True),
    "code of an unmarked one, to a fact's": ("fit", "code", "size", True),
}
LINK_CHANGES = {  # change: (which attribute's link, what happens to it, whether feeds see it)
    "link of a marked one added": ("shoe_size", "added", True),
    "link of an unmarked one added": ("fit", "added", False),
    "link of a marked one saved unchanged": ("shoe_size", "saved", False),
    "link of a marked one moved": ("shoe_size", "moved", True),
    "link of a marked one removed": ("shoe_size", "removed", True),
    "link of an unmarked one removed": ("fit", "removed", False),
    "link of a marked one swapped for an unmarked one": ("shoe_size", "swapped", True),
}


@pytest.mark.parametrize("change", [*ATTRIBUTE_CHANGES, *LINK_CHANGES])
def test_which_changes_give_a_product_type_new_feed_facts(db, change):
    """What the post_save and post_delete receivers ask, about the instance about to be saved or deleted."""
    product_type, other_type = ProductTypeFactory(), ProductTypeFactory()
    for order, (code, mark, unit) in enumerate([("shoe_size", "size", "EU"), ("fit", "", "cm"), ("color", "", "")]):
        attribute = AttributeFactory(code=code, marketplace_attribute=mark, unit=unit)
        ProductTypeAttribute.objects.create(product_type=product_type, attribute=attribute, sort_order=order)

    if change in ATTRIBUTE_CHANGES:
        code, field, value, concerns = ATTRIBUTE_CHANGES[change]
        instance = Attribute.objects.get(code=code)
        setattr(instance, field, value)
        changed_type, deleted = product_type, False
    else:
        code, what, concerns = LINK_CHANGES[change]
        attribute = Attribute.objects.get(code=code)
        if what == "added":
            instance, changed_type = ProductTypeAttribute(product_type=other_type, attribute=attribute), other_type
        else:
            instance, changed_type = ProductTypeAttribute.objects.get(attribute=attribute), product_type
            instance.sort_order += 5 if what == "moved" else 0
            if what == "swapped":
                instance.attribute = Attribute.objects.get(code="fit")
        deleted = what == "removed"

    changed = product_types_with_new_feed_facts(instance, deleted=deleted)

    assert changed == ([changed_type.pk] if concerns else [])


def test_a_deferred_field_read_later_keeps_an_unsaved_change(db):
    AttributeFactory(code="shoe_size", marketplace_attribute="size", unit="EU")
    attribute = Attribute.objects.defer("unit").get(code="shoe_size")
    attribute.marketplace_attribute = ""

    assert attribute.unit == "EU"  # fetched now: only it is remembered anew
    assert attribute.feeds_see_a_change


def test_a_form_changing_several_links_of_a_type_recomputes_its_completeness_once(
    google, settings, django_capture_on_commit_callbacks
):
    shoe = google_shoe(google)
    # django_tasks' DummyBackend keeps what is enqueued instead of running it
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for code in ("colour", "eu_size"):
            attribute = AttributeFactory(code=code, marketplace_attribute="size")
            ProductTypeAttribute.objects.create(product_type=shoe.product_type, attribute=attribute)

    enqueued = refresh_types_completeness.get_backend().results
    recomputes = [result.args for result in enqueued if result.task.func is refresh_types_completeness.func]
    assert recomputes == [[[shoe.product_type_id]]]


def test_a_burst_of_changes_ends_in_one_rebuild(google, django_capture_on_commit_callbacks):
    catalog_for(google)

    with django_capture_on_commit_callbacks(execute=True):
        feeds_mark_dirty([google.pk])
        feeds_mark_dirty([google.pk])
        feeds_mark_dirty([google.pk])

    assert FeedBuild.objects.filter(channel=google, format="google-xml").count() == 1


def test_a_rebuild_task_superseded_by_a_newer_change_does_nothing(google):
    feeds_mark_dirty([google.pk])  # no commit in this test: nothing runs
    stale = "2000-01-01T00:00:00+00:00"

    result = rebuild_channel_feeds.call(google.pk, stale)

    assert result == "superseded by a newer change"
    assert not FeedBuild.objects.exists()


def test_admin_feed_page_shows_builds_and_diagnostics_and_rebuilds(google, superuser, client):
    products = catalog_for(google)
    build_feed(google, "google-xml")
    client.force_login(superuser)

    page = client.get(reverse("feeds_admin:channel", args=[google.code]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Google Merchant Center XML" in html and "No image" in html and "A main image is missing." in html
    assert products["broken"].variants.get().sku in html
    response = client.post(reverse("feeds_admin:rebuild", args=[google.code]), {"format": "google-tsv"})
    assert response.status_code == 302
    assert FeedBuild.objects.filter(channel=google, format="google-tsv", trigger="admin").count() == 1
    download = client.get(reverse("feeds_admin:download", args=[google.code, "google-tsv"]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"id\ttitle")
    assert client.get(reverse("feeds_admin:index")).status_code == 200


def test_admin_feed_page_is_refused_to_users_without_channel_permissions(google, client):
    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    client.force_login(user)

    assert client.get(reverse("feeds_admin:channel", args=[google.code])).status_code in (302, 403)
    assert client.post(reverse("feeds_admin:rebuild", args=[google.code])).status_code in (302, 403)
    assert not FeedBuild.objects.exists()


def test_a_new_token_is_shown_once_and_stored_hashed(google, superuser, client):
    client.force_login(superuser)

    response = client.post(reverse("feeds_admin:credentials", args=[google.code]), {"new_token": "1"}, follow=True)

    settings_row = FeedSettings.objects.get(channel=google)
    token = next(m.message for m in response.context["messages"]).rsplit(" ", 1)[-1]
    assert token.startswith("feed_") and settings_row.check_token(token) and token not in settings_row.token_hash


@pytest.fixture
def other_channel(db):
    return ChannelFactory(code="other", kind=Channel.Kind.STOREFRONT)
