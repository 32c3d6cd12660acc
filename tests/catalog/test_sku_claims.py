"""A SKU belongs to one product, live or in its latest draft: the editor is told at draft save, and the publish
paths that bypass the form (workflow approval, publish_scheduled, bulk publish, code) refuse a conflict
with a message instead of crashing on the unique constraint."""

import importlib
import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.actions.publish_revision import PublishRevisionAction
from wagtail.models import ModelLogEntry, Revision, TaskState, WorkflowState

from catalog.exceptions import PublishConflictError
from catalog.models import Product, PublishProductRevisionAction, SkuClaim, Variant
from tests.catalog.publishing import approve_url, edit_url, live_product, messages_of
from tests.factories import VariantFactory, apparel_type, product_form_data_for, variant_row

pytestmark = pytest.mark.django_db

LIST_URL = reverse("wagtailsnippets_catalog_product:list")


@pytest.fixture
def apparel(db):
    return apparel_type()


def with_new_variant(product: Product, sku: str, **changes) -> dict:
    """The editor's POST for the product's latest version plus one new variant row."""
    data = product_form_data_for(product, **changes)
    index = int(data["variants-TOTAL_FORMS"])
    data["variants-TOTAL_FORMS"] = str(index + 1)
    data[f"variants-{index}-ORDER"] = str(index + 1)
    data[f"variants-{index}-id"] = ""
    for field, value in variant_row(sku, options="size: L").items():
        data[f"variants-{index}-{field}"] = value
    return data


def draft_with_sku(product: Product, sku: str, **revision_kwargs) -> Revision:
    """A draft revision of a live product that adds a variant with `sku` (through the model, as code does)."""
    draft = Product.objects.get(pk=product.pk).get_latest_revision_as_object()  # may be the live object itself
    draft.variants = [*draft.variants.all(), Variant(sku=sku, options={"size": "L"}, price=Decimal("9.00"))]
    return draft.save_revision(**revision_kwargs)


def legacy_live_sku(product: Product, sku: str) -> Variant:
    """A live variant written without claims, as data from before them was: the conflict the form never saw."""
    return VariantFactory(product=product, sku=sku, options={"size": "S"})


def variant_rows(product: Product) -> list[str]:
    """The SKUs of the product's variant rows in the database (its live version)."""
    return list(Variant.objects.filter(product=product).order_by("sku").values_list("sku", flat=True))


def claims() -> dict[str, str]:
    return {claim.sku: claim.product.title for claim in SkuClaim.objects.select_related("product")}


# --- At draft save: the form refuses a SKU another product holds --------------------------------------


def test_sku_in_another_products_draft_is_an_error_on_sku_and_saves_nothing(client, merchandiser, apparel):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    client.force_login(merchandiser)
    saved = client.post(edit_url(shirt), with_new_variant(shirt, "NEW-1"))
    revisions_before = Revision.objects.for_instance(socks).count()

    response = client.post(edit_url(socks), with_new_variant(socks, "NEW-1"))

    assert saved.status_code == 302
    assert response.status_code == 200
    errors = response.context["form"].formsets["variants"].forms[1].errors
    assert errors["sku"] == ["SKU “NEW-1” is already used in a draft of the product “Linen Shirt”."]
    assert Revision.objects.for_instance(socks).count() == revisions_before
    socks.refresh_from_db()
    assert [variant.sku for variant in socks.get_latest_revision_as_object().variants.all()] == ["WS-1"]
    assert claims() == {"LS-1": "Linen Shirt", "NEW-1": "Linen Shirt", "WS-1": "Wool Socks"}


def test_sku_of_another_live_product_is_an_error_naming_it(client, merchandiser, apparel):
    live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    client.force_login(merchandiser)

    response = client.post(edit_url(socks), with_new_variant(socks, "LS-1"))

    assert response.status_code == 200
    errors = response.context["form"].formsets["variants"].forms[1].errors
    assert errors["sku"] == ["SKU “LS-1” is already used by the live product “Linen Shirt”."]
    assert not Revision.objects.for_instance(socks).filter(content__variants__1__sku="LS-1").exists()


def test_sku_dropped_from_a_draft_is_free_for_another_product(client, merchandiser, apparel):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    client.force_login(merchandiser)
    client.post(edit_url(shirt), with_new_variant(shirt, "NEW-1"))
    dropped = product_form_data_for(shirt, **{"variants-1-DELETE": "on"})

    client.post(edit_url(shirt), dropped)
    response = client.post(edit_url(socks), with_new_variant(socks, "NEW-1"))

    assert response.status_code == 302
    assert claims()["NEW-1"] == "Wool Socks"


def test_deleting_a_product_releases_its_skus(apparel):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    draft_with_sku(shirt, "NEW-1")

    shirt.delete()

    assert SkuClaim.objects.count() == 0


def test_claims_follow_the_live_version_and_the_latest_draft(apparel):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    draft = shirt.get_latest_revision_as_object()
    draft.variants = [Variant(sku="LS-2", options={"size": "M"}, price=Decimal("9.00"))]

    revision = draft.save_revision()
    while_draft = claims()
    revision.publish()

    assert while_draft == {"LS-1": "Linen Shirt", "LS-2": "Linen Shirt"}  # live LS-1 is still taken
    assert claims() == {"LS-2": "Linen Shirt"}
    assert list(Variant.objects.values_list("sku", flat=True)) == ["LS-2"]


def test_migration_fills_claims_from_variant_rows_and_latest_drafts_oldest_first(apparel):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    draft_with_sku(shirt, "NEW-1")
    draft_with_sku(socks, "NEW-1", clean=False)  # two drafts with one SKU: possible before the claims
    draft_with_sku(socks, "NEW-2", clean=False)  # the latest draft of socks has NEW-2 only (and WS-1)
    SkuClaim.objects.all().delete()
    migration = importlib.import_module("catalog.migrations.0005_sku_claim")

    migration.fill_sku_claims(apps, None)

    assert claims() == {"LS-1": "Linen Shirt", "NEW-1": "Linen Shirt", "WS-1": "Wool Socks", "NEW-2": "Wool Socks"}


# --- Publish paths that bypass the form: refused with a message, nothing written -----------------------


def test_publishing_a_revision_whose_sku_another_product_holds_raises_and_writes_nothing(apparel):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    revision = draft_with_sku(shirt, "NEW-1")
    legacy_live_sku(socks, "NEW-1")

    with pytest.raises(PublishConflictError) as refused:
        revision.publish()

    assert refused.value.message == (
        "“Linen Shirt” was not published: SKU “NEW-1” is already used by the live product “Wool Socks”. "
        "Its draft is kept: give the variant another SKU and publish again."
    )
    shirt.refresh_from_db()
    assert shirt.live_revision_id != revision.pk
    assert shirt.has_unpublished_changes is True
    assert variant_rows(shirt) == ["LS-1"]
    assert Variant.objects.get(sku="NEW-1").product_id == socks.pk


def test_sku_taken_between_the_check_and_the_write_is_refused_and_rolled_back(apparel, monkeypatch):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    live_before = shirt.live_revision_id
    revision = draft_with_sku(shirt, "NEW-1")
    legacy_live_sku(socks, "NEW-1")
    # As if another transaction committed NEW-1 after this publish checked: the write hits the constraint.
    monkeypatch.setattr(PublishProductRevisionAction, "check", PublishRevisionAction.check)

    with pytest.raises(PublishConflictError, match="SKU “NEW-1” is already used by the live product “Wool Socks”"):
        revision.publish()

    shirt.refresh_from_db()
    assert (shirt.live_revision_id, shirt.has_unpublished_changes) == (live_before, True)
    assert variant_rows(shirt) == ["LS-1"]


def test_workflow_approval_of_a_conflicting_draft_is_an_error_message_and_keeps_the_draft(
    client, merchandiser, publisher, apparel
):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    client.force_login(merchandiser)
    client.post(edit_url(shirt), with_new_variant(shirt, "NEW-1", **{"action-submit": "action-submit"}), follow=True)
    state = WorkflowState.objects.for_instance(shirt).get()
    legacy_live_sku(socks, "NEW-1")
    client.force_login(publisher)

    response = client.post(approve_url(shirt), {"comment": "Looks right."})

    assert response.status_code == 302
    assert response.url == edit_url(shirt)
    assert messages_of(response) == [
        "“Linen Shirt” was not published: SKU “NEW-1” is already used by the live product “Wool Socks”. "
        "Its draft is kept: give the variant another SKU and publish again."
    ]
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == TaskState.STATUS_IN_PROGRESS
    shirt.refresh_from_db()
    assert variant_rows(shirt) == ["LS-1"]
    assert [variant.sku for variant in shirt.get_latest_revision_as_object().variants.all()] == ["LS-1", "NEW-1"]
    assert client.get(edit_url(shirt)).status_code == 200


def test_publish_scheduled_skips_a_conflicting_revision_and_publishes_the_others(apparel, caplog, admin_client):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    tote = live_product("Canvas Tote", "CT-1", apparel)
    past = timezone.now() - timedelta(minutes=5)
    conflicting = draft_with_sku(shirt, "NEW-1", approved_go_live_at=past)
    legacy_live_sku(socks, "NEW-1")
    renamed = Product.objects.get(pk=tote.pk)
    renamed.title = "Canvas Tote Bag"
    scheduled = renamed.save_revision(approved_go_live_at=past + timedelta(minutes=1))  # after the shirt's

    with caplog.at_level(logging.WARNING, logger="catalog"):
        call_command("publish_scheduled")

    tote.refresh_from_db()
    assert (tote.title, tote.live_revision_id) == ("Canvas Tote Bag", scheduled.pk)
    shirt.refresh_from_db()
    assert shirt.live_revision_id != conflicting.pk
    assert variant_rows(shirt) == ["LS-1"]
    conflicting.refresh_from_db()
    assert conflicting.approved_go_live_at == past  # still scheduled: nothing is lost
    [warning] = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert warning.name == "catalog.models.product"
    assert f"product pk={shirt.pk} revision_id={conflicting.pk}" in warning.getMessage()
    assert "SKU “NEW-1” is already used by the live product “Wool Socks”" in warning.getMessage()
    # and in the product's history, where editors see it
    [entry] = ModelLogEntry.objects.filter(object_id=str(shirt.pk), action="catalog.publish_refused")
    assert entry.revision_id == conflicting.pk
    assert "SKU “NEW-1” is already used by the live product “Wool Socks”" in entry.data["message"]
    history = admin_client.get(reverse("wagtailsnippets_catalog_product:history", args=[shirt.pk]))
    assert "Scheduled publish refused" in history.text and "Wool Socks" in history.text


def test_bulk_publish_reports_a_conflicting_product_and_publishes_the_others(client, publisher, apparel):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    tote = live_product("Canvas Tote", "CT-1", apparel)
    conflicting = draft_with_sku(shirt, "NEW-1")
    legacy_live_sku(socks, "NEW-1")
    renamed = Product.objects.get(pk=tote.pk)
    renamed.title = "Canvas Tote Bag"
    renamed.save_revision()
    client.force_login(publisher)
    url = reverse("wagtail_bulk_action", args=["catalog", "product", "publish"])

    response = client.post(f"{url}?id={shirt.pk}&id={tote.pk}&next={LIST_URL}")

    assert response.status_code == 302
    assert messages_of(response) == [
        "1 product published.",
        "“Linen Shirt” was not published: SKU “NEW-1” is already used by the live product “Wool Socks”. "
        "Its draft is kept: give the variant another SKU and publish again.",
    ]
    tote.refresh_from_db()
    assert tote.title == "Canvas Tote Bag"
    shirt.refresh_from_db()
    assert shirt.live_revision_id != conflicting.pk
    assert variant_rows(shirt) == ["LS-1"]


def test_publish_from_the_editor_that_loses_a_race_for_the_sku_is_a_message_and_keeps_the_draft(
    client, publisher, apparel
):
    shirt = live_product("Linen Shirt", "LS-1", apparel)
    socks = live_product("Wool Socks", "WS-1", apparel)
    client.force_login(publisher)

    def another_editor_takes_the_sku(request, product):
        # Runs after the form was validated and the draft saved, just before publishing.
        legacy_live_sku(socks, "NEW-1")

    with hooks.register_temporarily("before_publish", another_editor_takes_the_sku):
        response = client.post(
            edit_url(shirt), with_new_variant(shirt, "NEW-1", **{"action-publish": "action-publish"})
        )

    assert response.status_code == 302
    assert response.url == edit_url(shirt)
    assert any("SKU “NEW-1” is already used by the live product “Wool Socks”" in m for m in messages_of(response))
    shirt.refresh_from_db()
    assert variant_rows(shirt) == ["LS-1"]
    assert [variant.sku for variant in shirt.get_latest_revision_as_object().variants.all()] == ["LS-1", "NEW-1"]
