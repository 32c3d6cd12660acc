"""A slug belongs to one product row: the editor is told at draft save when a live (or never published) product
has it, and the publish paths that bypass the form (workflow approval, publish_scheduled, bulk publish, code)
refuse a draft whose slug another product took meanwhile with a message instead of crashing on the constraint."""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.actions.publish_revision import PublishRevisionAction
from wagtail.models import Revision, TaskState, WorkflowState

from catalog.exceptions import PublishConflictError
from catalog.models import Product, PublishProductRevisionAction, Variant
from tests.catalog.publishing import approve_url, edit_url, live_product, messages_of
from tests.factories import ProductFactory, apparel_type, product_form_data_for

pytestmark = pytest.mark.django_db

LIST_URL = reverse("wagtailsnippets_catalog_product:list")
SHIRT_REFUSED = (
    "“Linen Shirt” was not published: Slug “summer-shirt” is already used by the live product “Wool Socks”. "
    "Its draft is kept: give the product another slug and publish again."
)


@pytest.fixture
def apparel(db):
    return apparel_type()


def draft_with_slug(product: Product, slug: str, **revision_kwargs) -> Revision:
    """A draft revision of a live product with another slug (through the model, as code does)."""
    draft = Product.objects.get(pk=product.pk).get_latest_revision_as_object()
    draft.slug = slug
    return draft.save_revision(**revision_kwargs)


def take_slug(product: Product, slug: str) -> None:
    """Another product publishes the slug (its row gets it), as an editor would while the first one's draft waits."""
    taker = Product.objects.get(pk=product.pk)
    taker.slug = slug
    taker.save_revision().publish()


def slugs() -> dict[str, str]:
    """The slug of each product row (its live version)."""
    return dict(Product.objects.values_list("title", "slug"))


# --- At draft save: the form refuses a slug another product's row has ---------------------------------


def test_slug_of_another_live_product_is_an_error_on_slug_and_saves_nothing(client, merchandiser, apparel):
    live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    revisions_before = Revision.objects.for_instance(socks).count()
    client.force_login(merchandiser)

    response = client.post(edit_url(socks), product_form_data_for(socks, slug="linen-shirt"))

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [
        "Slug “linen-shirt” is already used by the live product “Linen Shirt”."
    ]
    assert Revision.objects.for_instance(socks).count() == revisions_before
    assert slugs() == {"Linen Shirt": "linen-shirt", "Wool Socks": "wool-socks"}


def test_slug_of_a_never_published_product_is_an_error_naming_its_draft(client, merchandiser, apparel):
    ProductFactory(title="Canvas Tote", slug="canvas-tote", live=False, product_type=apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    client.force_login(merchandiser)

    response = client.post(edit_url(socks), product_form_data_for(socks, slug="canvas-tote"))

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [
        "Slug “canvas-tote” is already used in a draft of the product “Canvas Tote”."
    ]


def test_slug_in_another_live_products_draft_is_not_refused_at_draft_save(client, merchandiser, apparel):
    # Like Wagtail's page slugs: only rows hold a slug; of two drafts, the first to publish takes it.
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    client.force_login(merchandiser)
    client.post(edit_url(shirt), product_form_data_for(shirt, slug="summer-shirt"))

    response = client.post(edit_url(socks), product_form_data_for(socks, slug="summer-shirt"))

    assert response.status_code == 302
    assert Product.objects.get(pk=socks.pk).get_latest_revision_as_object().slug == "summer-shirt"
    assert slugs() == {"Linen Shirt": "linen-shirt", "Wool Socks": "wool-socks"}


# --- Publish paths that bypass the form: refused with a message, nothing written -----------------------


def test_publishing_a_revision_whose_slug_another_product_took_raises_and_writes_nothing(apparel):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    revision = draft_with_slug(shirt, "summer-shirt")
    take_slug(socks, "summer-shirt")

    with pytest.raises(PublishConflictError) as refused:
        revision.publish()

    assert refused.value.message == SHIRT_REFUSED
    shirt.refresh_from_db()
    assert (shirt.slug, shirt.live_revision_id == revision.pk, shirt.has_unpublished_changes) == (
        "linen-shirt",
        False,
        True,
    )


def test_a_revision_with_a_taken_slug_and_a_taken_sku_is_refused_naming_both(apparel):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    draft = Product.objects.get(pk=shirt.pk).get_latest_revision_as_object()
    draft.slug = "wool-socks"
    draft.variants = [Variant(sku="WS-1", options={"size": "M"}, price="9.00")]
    revision = draft.save_revision(clean=False)  # both checks bypassed, as code or old data may

    with pytest.raises(PublishConflictError) as refused:
        revision.publish()

    assert refused.value.message == (
        "“Linen Shirt” was not published: Slug “wool-socks” is already used by the live product “Wool Socks”. "
        "SKU “WS-1” is already used by the live product “Wool Socks”. "
        "Its draft is kept: give the product another slug, give the variant another SKU and publish again."
    )
    assert slugs() == {"Linen Shirt": "linen-shirt", "Wool Socks": "wool-socks"}
    assert Variant.objects.get(sku="WS-1").product_id == socks.pk


def test_slug_taken_between_the_check_and_the_write_is_refused_and_rolled_back(apparel, monkeypatch):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    live_before = shirt.live_revision_id
    revision = draft_with_slug(shirt, "summer-shirt")
    take_slug(socks, "summer-shirt")
    # As if another transaction committed the slug after this publish checked: the write hits the constraint.
    monkeypatch.setattr(PublishProductRevisionAction, "check", PublishRevisionAction.check)

    with pytest.raises(PublishConflictError) as refused:
        revision.publish()

    assert refused.value.message == SHIRT_REFUSED
    shirt.refresh_from_db()
    assert (shirt.slug, shirt.live_revision_id, shirt.has_unpublished_changes) == ("linen-shirt", live_before, True)


def test_workflow_approval_of_a_draft_whose_slug_another_product_took_is_an_error_message_and_keeps_the_draft(
    client, merchandiser, publisher, apparel
):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    client.force_login(merchandiser)
    submitted = product_form_data_for(shirt, slug="summer-shirt", **{"action-submit": "action-submit"})
    client.post(edit_url(shirt), submitted, follow=True)
    state = WorkflowState.objects.for_instance(shirt).get()
    client.force_login(publisher)
    published = product_form_data_for(socks, slug="summer-shirt", **{"action-publish": "action-publish"})
    client.post(edit_url(socks), published, follow=True)  # allowed: only the shirt's draft has the slug

    response = client.post(approve_url(shirt), {"comment": "Looks right."})

    assert response.status_code == 302
    assert response.url == edit_url(shirt)
    assert messages_of(response) == [SHIRT_REFUSED]
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == TaskState.STATUS_IN_PROGRESS
    assert slugs() == {"Linen Shirt": "linen-shirt", "Wool Socks": "summer-shirt"}
    shirt.refresh_from_db()
    assert shirt.get_latest_revision_as_object().slug == "summer-shirt"
    assert client.get(edit_url(shirt)).status_code == 200


def test_publish_scheduled_skips_a_revision_whose_slug_another_product_took_and_publishes_the_others(apparel, caplog):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    tote = live_product("Canvas Tote", "CT-1", apparel)
    past = timezone.now() - timedelta(minutes=5)
    conflicting = draft_with_slug(shirt, "summer-shirt", approved_go_live_at=past)
    scheduled = draft_with_slug(tote, "canvas-tote-bag", approved_go_live_at=past + timedelta(minutes=1))
    take_slug(socks, "summer-shirt")

    with caplog.at_level(logging.WARNING, logger="catalog"):
        call_command("publish_scheduled")

    assert slugs() == {"Linen Shirt": "linen-shirt", "Wool Socks": "summer-shirt", "Canvas Tote": "canvas-tote-bag"}
    tote.refresh_from_db()
    assert tote.live_revision_id == scheduled.pk
    conflicting.refresh_from_db()
    assert conflicting.approved_go_live_at == past  # still scheduled: nothing is lost
    [warning] = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert warning.name == "catalog.models.product"
    assert f"product pk={shirt.pk} revision_id={conflicting.pk}" in warning.getMessage()
    assert "Slug “summer-shirt” is already used by the live product “Wool Socks”" in warning.getMessage()


def test_bulk_publish_reports_a_slug_conflict_and_publishes_the_others(client, publisher, apparel):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    tote = live_product("Canvas Tote", "CT-1", apparel)
    draft_with_slug(shirt, "summer-shirt")
    draft_with_slug(tote, "canvas-tote-bag")
    take_slug(socks, "summer-shirt")
    client.force_login(publisher)
    url = reverse("wagtail_bulk_action", args=["catalog", "product", "publish"])

    response = client.post(f"{url}?id={shirt.pk}&id={tote.pk}&next={LIST_URL}")

    assert response.status_code == 302
    assert messages_of(response) == ["1 product published.", SHIRT_REFUSED]
    assert slugs() == {"Linen Shirt": "linen-shirt", "Wool Socks": "summer-shirt", "Canvas Tote": "canvas-tote-bag"}


def test_publish_from_the_editor_that_loses_a_race_for_the_slug_is_a_message_and_keeps_the_draft(
    client, publisher, apparel
):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    client.force_login(publisher)

    def another_editor_takes_the_slug(request, product):
        # Runs after the form was validated and the draft saved, just before publishing.
        Product.objects.filter(pk=socks.pk).update(slug="summer-shirt")

    with hooks.register_temporarily("before_publish", another_editor_takes_the_slug):
        published = product_form_data_for(shirt, slug="summer-shirt", **{"action-publish": "action-publish"})
        response = client.post(edit_url(shirt), published)

    assert response.status_code == 302
    assert response.url == edit_url(shirt)
    assert SHIRT_REFUSED in messages_of(response)
    shirt.refresh_from_db()
    assert shirt.slug == "linen-shirt"
    assert shirt.get_latest_revision_as_object().slug == "summer-shirt"
