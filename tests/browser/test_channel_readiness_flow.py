"""End to end in a real browser: a merchandiser makes a product ready for Google and submits it; a publisher
approves it and it goes live (issue 3's acceptance test)."""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import Product
from channels.models import Channel, ChannelCompleteness
from channels.services import completeness_refresh_product
from tests.browser.helpers import assert_page_ok, click_and_wait, log_in, log_out
from tests.factories import ChannelFactory, UserFactory, listed_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOOGLE_CATEGORY = "1011"  # Google's "Home & Garden > Kitchen & Dining"


@pytest.fixture
def not_ready_for_google():
    """A live product listed on a Google channel that requires a Google product category it lacks."""
    google = ChannelFactory(
        code="google-us",
        name="Google US",
        kind=Channel.Kind.GOOGLE,
        required_fields=["channel_category"],
    )
    product = listed_product(google, title="Enamel Camp Mug", slug="enamel-camp-mug")
    ready = listed_product(google, title="Steel Water Bottle", slug="steel-water-bottle")
    ready.channel_listings.update(channel_category=GOOGLE_CATEGORY)
    for item in (product, ready):
        completeness_refresh_product(item)
    stored = ChannelCompleteness.objects.get(product=product, channel=google)
    assert stored.error_count == 1 and stored.percent < 100, stored.issues
    assert ChannelCompleteness.objects.get(product=ready, channel=google).percent == 100
    return google, product


def test_merchandiser_makes_product_ready_for_google_and_publisher_approves(live_server, page, not_ready_for_google):
    google, product = not_ready_for_google
    UserFactory(username="merch", groups=["Merchandisers"])
    UserFactory(username="pub", groups=["Publishers"])
    base = live_server.url

    # The merchandiser sees the product is not ready for Google: in the listing's badge ...
    log_in(page, base, "merch")
    page.goto(f"{base}/admin/snippets/catalog/product/")
    assert_page_ok(page)
    row = page.locator("#listing-results tbody tr", has_text="Enamel Camp Mug")
    badge = row.locator(".channel-readiness", has_text=re.compile(r"Google US", re.I))
    expect(badge).to_have_text(re.compile(r"Google US 95%", re.I))
    expect(badge).to_have_class(re.compile(r"channel-readiness--not-ready"))
    other = page.locator("#listing-results tbody tr", has_text="Steel Water Bottle")
    expect(other.locator(".channel-readiness--ready")).to_have_text(re.compile(r"Google US 100%", re.I))

    # ... and in the "not ready for" filter, chosen in the filters drawer.
    page.get_by_role("button", name="Show filters").click()
    page.locator(".w-drilldown").get_by_role("button", name="Not ready for channel").click()
    with page.expect_response(re.compile(r"not_ready_for=google-us")):
        page.get_by_label("Not ready for channel").select_option(label="Google US")
    results = page.locator("#listing-results tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Enamel Camp Mug")
    assert_page_ok(page)

    # The editor: Channels tab shows what is missing and where; fill it in the Google listing and save a draft.
    click_and_wait(page, results.first.get_by_role("link", name="Enamel Camp Mug"))
    assert_page_ok(page)
    page.get_by_role("tab", name="Channels").click()
    readiness = page.locator(".channel-readiness-panel__channel", has_text="Google US")
    expect(readiness).to_contain_text("95%")
    expect(readiness).to_contain_text("Channel category is missing")
    expect(readiness).to_contain_text("Channels tab › listing › Channel category")
    listing_prefix = google_listing_prefix(page, google)
    page.locator(f'[name="{listing_prefix}-channel_category"]').fill(GOOGLE_CATEGORY)
    click_and_wait(page, page.get_by_role("button", name="Save draft"))
    assert_page_ok(page)
    expect(page.locator(".messages")).to_contain_text("updated")
    page.get_by_role("tab", name="Channels").click()
    readiness = page.locator(".channel-readiness-panel__channel", has_text="Google US")
    expect(readiness).to_contain_text("100%")
    expect(readiness).to_contain_text(re.compile("ready", re.I))
    expect(readiness.locator(".channel-issue--error")).to_have_count(0)

    # Still live with the old listing until approved; the listing badge already shows the draft's readiness.
    assert Product.objects.get(pk=product.pk).channel_listings.get().channel_category == ""
    page.goto(f"{base}/admin/snippets/catalog/product/?not_ready_for=google-us")
    assert_page_ok(page)
    expect(page.locator("#listing-results tbody tr", has_text="Enamel Camp Mug")).to_have_count(0)
    page.goto(f"{base}/admin/snippets/catalog/product/")
    badge = page.locator("#listing-results tbody tr", has_text="Enamel Camp Mug").locator(".channel-readiness--ready")
    expect(badge).to_have_text(re.compile(r"Google US 100%", re.I))

    # Submit for approval from the editor's action menu.
    page.goto(f"{base}/admin/snippets/catalog/product/edit/{product.pk}/")
    assert_page_ok(page)
    page.locator("footer .w-dropdown__toggle").click()
    click_and_wait(page, page.get_by_role("button", name="Submit to Product approval"))
    assert_page_ok(page)
    expect(page.locator(".messages")).to_contain_text("submitted")
    product.refresh_from_db()
    assert product.workflow_in_progress
    assert page.problems == []
    log_out(page, base)

    # The publisher finds it awaiting review on the dashboard, opens it and approves it (which publishes).
    log_in(page, base, "pub")
    review = page.locator("section", has_text="Awaiting your review").locator("tr", has_text="Enamel Camp Mug")
    expect(review).to_be_visible()
    click_and_wait(page, review.get_by_role("link", name="Enamel Camp Mug").first)
    assert_page_ok(page)
    page.locator("footer .w-dropdown__toggle").click()
    approve = page.locator("footer").get_by_role("button", name=re.compile(r"^\s*Approve", re.I)).first
    click_and_wait(page, approve)
    assert_page_ok(page)
    expect(page.locator(".messages")).to_contain_text(re.compile("approved|published|updated", re.I))

    product.refresh_from_db()
    assert product.live and not product.has_unpublished_changes
    assert not product.workflow_in_progress
    assert product.channel_listings.get(channel=google).channel_category == GOOGLE_CATEGORY
    stored = ChannelCompleteness.objects.get(product=product, channel=google)
    assert (stored.percent, stored.error_count) == (100, 0)
    assert page.problems == []


def google_listing_prefix(page, channel) -> str:
    """The form prefix (channel_listings-N) of the listing whose channel chooser holds `channel`."""
    chosen = page.locator(f'input[type="hidden"][name^="channel_listings-"][name$="-channel"][value="{channel.pk}"]')
    expect(chosen).to_have_count(1)
    return chosen.get_attribute("name").removesuffix("-channel")
