"""The product admin through its real URLs: permissions, the editor, drafts, workflow, scheduling, stock."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision, WorkflowState

from catalog.models import Product, StockLevel, Variant
from tests.factories import (
    BrandFactory,
    ProductFactory,
    StockLevelFactory,
    VariantFactory,
    apparel_type,
    category,
    make_gtin13,
    product_form_data,
    product_form_data_for,
    variant_row,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("wagtailsnippets_catalog_product:list")
ADD_URL = reverse("wagtailsnippets_catalog_product:add")


def edit_url(product: Product) -> str:
    return reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])


def new_product_data(**changes) -> dict:
    apparel = apparel_type()
    data = product_form_data(
        title="Linen Shirt",
        slug="linen-shirt",
        product_type=apparel,
        brand=BrandFactory(name="Alder"),
        categories=[category("Apparel")],
        attributes="material: Linen",
        variants=[
            variant_row("LS-S", gtin=make_gtin13(1), options="size: S\ncolor: White", price="49.00"),
            variant_row("LS-M", gtin=make_gtin13(2), options="size: M\ncolor: White", price="49.00"),
        ],
    )
    return data | changes


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_merchandiser_opens_the_product_listing(client, merchandiser):
    ProductFactory(title="Canvas Tote")
    client.force_login(merchandiser)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert "Canvas Tote" in response.content.decode()


def test_merchandiser_creates_a_product_with_two_variants_as_a_draft(client, merchandiser):
    client.force_login(merchandiser)
    data = new_product_data()

    response = client.post(ADD_URL, data)

    assert response.status_code == 302
    product = Product.objects.get(slug="linen-shirt")
    assert product.live is False
    assert product.latest_revision is not None
    assert sorted(product.variants.values_list("sku", flat=True)) == ["LS-M", "LS-S"]
    assert product.variants.get(sku="LS-S").options == {"size": "S", "color": "White"}
    assert product.attributes == {"material": "Linen"}
    assert list(product.categories.values_list("name", flat=True)) == ["Apparel"]


def test_merchandiser_cannot_publish(client, merchandiser):
    client.force_login(merchandiser)

    client.post(ADD_URL, new_product_data(**{"action-publish": "action-publish"}))
    product = Product.objects.get(slug="linen-shirt")
    edit_page = client.get(edit_url(product)).content.decode()
    client.post(edit_url(product), product_form_data_for(product, **{"action-publish": "action-publish"}))

    product.refresh_from_db()
    assert product.live is False
    assert product.live_revision is None
    assert 'name="action-publish"' not in edit_page


def test_merchandiser_edits_and_saves_a_draft_that_is_not_live_until_published(client, merchandiser, publisher):
    product = ProductFactory(title="Wool Socks", slug="wool-socks", product_type=apparel_type())
    VariantFactory(product=product, sku="WS-1", options={"size": "M"})
    client.force_login(merchandiser)

    response = client.post(edit_url(product), product_form_data_for(product, title="Merino Wool Socks"))

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == "Wool Socks"  # the live object is untouched
    assert product.has_unpublished_changes is True
    assert product.get_latest_revision_as_object().title == "Merino Wool Socks"

    client.force_login(publisher)
    client.post(edit_url(product), product_form_data_for(product, **{"action-publish": "action-publish"}))

    product.refresh_from_db()
    assert product.title == "Merino Wool Socks"
    assert product.live is True
    assert product.has_unpublished_changes is False


def test_merchandiser_submits_to_the_workflow_and_a_publisher_approves(client, merchandiser, publisher):
    client.force_login(merchandiser)
    client.post(ADD_URL, new_product_data())
    product = Product.objects.get(slug="linen-shirt")

    client.post(edit_url(product), product_form_data_for(product, **{"action-submit": "action-submit"}))

    state = WorkflowState.objects.for_instance(product).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    product.refresh_from_db()
    assert product.live is False

    client.force_login(publisher)
    approve_url = reverse(
        "wagtailsnippets_catalog_product:workflow_action",
        args=[product.pk, "approve", state.current_task_state.pk],
    )
    response = client.post(approve_url, {"comment": "Looks right."})

    assert response.status_code in (200, 302)
    state.refresh_from_db()
    product.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert product.live is True


def test_publisher_publishes_a_new_product(client, publisher):
    client.force_login(publisher)
    assert 'name="action-publish"' in client.get(ADD_URL).content.decode()

    response = client.post(ADD_URL, new_product_data(**{"action-publish": "action-publish"}))

    assert response.status_code == 302
    product = Product.objects.get(slug="linen-shirt")
    assert product.live is True
    assert product.live_revision_id == product.latest_revision_id


def test_scheduled_revision_goes_live_with_publish_scheduled(client, publisher):
    client.force_login(publisher)
    client.post(ADD_URL, new_product_data())
    product = Product.objects.get(slug="linen-shirt")
    go_live_at = timezone.now() + timedelta(hours=2)

    client.post(
        edit_url(product),
        product_form_data_for(
            product, go_live_at=go_live_at.strftime("%Y-%m-%d %H:%M"), **{"action-publish": "action-publish"}
        ),
    )

    product = Product.objects.get(pk=product.pk)
    assert product.live is False
    assert product.status_string == "scheduled"
    revision = Revision.objects.for_instance(product).get(approved_go_live_at__isnull=False)

    # The time passes: move the scheduled time (approval and content) into the past instead of waiting.
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")

    product = Product.objects.get(pk=product.pk)
    assert product.live is True
    assert product.live_revision_id == revision.pk
    assert product.status_string == "live"


def test_stock_edit_through_the_admin_creates_no_product_revision(client, merchandiser):
    stock = StockLevelFactory(on_hand=5, reserved=1)
    product = stock.variant.product
    revisions_before = Revision.objects.for_instance(product).count()
    client.force_login(merchandiser)
    url = reverse("wagtailsnippets_catalog_stocklevel:edit", args=[stock.pk])

    response = client.post(url, {"sku": stock.variant.sku, "location": stock.location_id, "on_hand": 12, "reserved": 2})

    assert response.status_code == 302
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved, stock.available) == (12, 2, 10)
    assert Revision.objects.for_instance(product).count() == revisions_before
    product.refresh_from_db()
    assert product.has_unpublished_changes is False


def test_stock_listing_shows_sku_product_location_and_available(client, merchandiser):
    StockLevelFactory(variant=VariantFactory(sku="TOTE-1", product=ProductFactory(title="Tote")), on_hand=7, reserved=2)
    client.force_login(merchandiser)

    html = client.get(reverse("wagtailsnippets_catalog_stocklevel:list"), {"q": "TOTE"}).content.decode()

    assert "TOTE-1" in html
    assert "Tote" in html
    assert ">5<" in html.replace(" ", "").replace("\n", "")


def test_publisher_bulk_publishes_selected_drafts(client, publisher):
    drafts = [ProductFactory(live=False) for _ in range(2)]
    client.force_login(publisher)
    url = reverse("wagtail_bulk_action", args=["catalog", "product", "publish"])
    query = "&".join(f"id={product.pk}" for product in drafts)

    response = client.post(f"{url}?{query}&next={LIST_URL}")

    assert response.status_code == 302
    assert Product.objects.filter(live=True).count() == 2


def test_merchandiser_bulk_publish_publishes_nothing(client, merchandiser):
    draft = ProductFactory(live=False)
    client.force_login(merchandiser)
    url = reverse("wagtail_bulk_action", args=["catalog", "product", "publish"])

    client.post(f"{url}?id={draft.pk}&next={LIST_URL}")

    draft.refresh_from_db()
    assert draft.live is False


def test_variant_rows_created_through_the_editor_carry_the_stock_free_fields_only(client, publisher):
    client.force_login(publisher)

    client.post(ADD_URL, new_product_data(**{"action-publish": "action-publish"}))

    assert Variant.objects.count() == 2
    assert StockLevel.objects.count() == 0


def test_preview_renders_the_unsaved_form(client, merchandiser):
    product = ProductFactory(title="Wool Socks", product_type=apparel_type())
    VariantFactory(product=product, sku="WS-1", options={"size": "M"})
    client.force_login(merchandiser)
    url = reverse("wagtailsnippets_catalog_product:preview_on_edit", args=[product.pk])

    posted = client.post(url, product_form_data_for(product, title="Merino Socks"))
    shown = client.get(url)

    assert posted.json()["is_valid"] is True
    assert "Merino Socks" in shown.content.decode()
    product.refresh_from_db()
    assert product.title == "Wool Socks"


def test_history_and_revision_compare_open(client, merchandiser):
    product = ProductFactory(title="Wool Socks", product_type=apparel_type())
    VariantFactory(product=product, sku="WS-1", options={"size": "M"})
    first = product.save_revision()
    product.title = "Merino Socks"
    second = product.save_revision()
    client.force_login(merchandiser)
    compare = reverse("wagtailsnippets_catalog_product:revisions_compare", args=[product.pk, first.pk, second.pk])

    history = client.get(reverse("wagtailsnippets_catalog_product:history", args=[product.pk]))
    diff = client.get(compare)

    assert history.status_code == 200
    assert diff.status_code == 200
    assert "Merino" in diff.content.decode()


def test_merchandiser_locks_a_product_and_others_cannot_save(client, merchandiser, publisher):
    product = ProductFactory(title="Wool Socks", product_type=apparel_type())
    VariantFactory(product=product, sku="WS-1", options={"size": "M"})
    client.force_login(merchandiser)

    client.post(reverse("wagtailsnippets_catalog_product:lock", args=[product.pk]))
    client.force_login(publisher)
    response = client.post(edit_url(product), product_form_data_for(product, title="Changed"))

    product.refresh_from_db()
    assert product.locked is True
    assert product.locked_by == merchandiser
    assert response.status_code == 200
    assert product.get_latest_revision_as_object().title == "Wool Socks"
