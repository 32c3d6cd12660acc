"""The product: a Wagtail snippet with drafts, revisions, locking, workflow, scheduling, preview, search."""

import logging
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import hooks
from wagtail.actions.publish_revision import PublishRevisionAction
from wagtail.fields import RichTextField
from wagtail.log_actions import log
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    Revision,
    RevisionMixin,
    WorkflowMixin,
    WorkflowState,
)
from wagtail.search import index

from catalog.exceptions import Conflict, PublishConflictError
from catalog.fields import AttributeValuesField
from catalog.models.holder import HeldUniqueMixin, Holder
from catalog.models.sku_claim import SkuClaim
from catalog.models.variant import Variant, sku_holders

logger = logging.getLogger(__name__)

SKU_SEPARATORS = re.compile(r"[-_./]+")
# The log action publish_scheduled passes to Revision.publish: there a refused publish is skipped, not raised.
SCHEDULED_PUBLISH_LOG_ACTION = "wagtail.publish.scheduled"
PUBLISH_REFUSED_LOG_ACTION = "catalog.publish_refused"  # a scheduled publish skipped (registered in wagtail_hooks)
# Wagtail hooks through which the channels app adds storefront previews without catalog importing it.
PREVIEW_MODES_HOOK = "product_preview_modes"
SERVE_PREVIEW_HOOK = "serve_product_preview"


class ProductQuerySet(models.QuerySet):
    def live(self):
        return self.filter(live=True)

    def for_admin_listing(self):
        """What the admin listing shows per row, in a fixed number of queries."""
        return (
            self.select_related("brand", "product_type", "latest_revision")
            .annotate(variant_count=models.Count("variants", distinct=True))
            .prefetch_related(
                models.Prefetch(
                    "images",
                    queryset=ProductImage.objects.select_related("image").order_by("sort_order"),
                ),
                # Wagtail's WorkflowMixin reads _current_workflow_states when present (as in its page listings).
                models.Prefetch(
                    "_workflow_states",
                    queryset=WorkflowState.objects.active().select_related("current_task_state__task"),
                    to_attr="_current_workflow_states",
                ),
                # The status column's "scheduled" comes from these (see catalog.views.prime_status).
                models.Prefetch(
                    "_revisions",
                    queryset=Revision.objects.filter(approved_go_live_at__isnull=False),
                    to_attr="_scheduled_revisions",
                ),
            )
        )


class Product(
    HeldUniqueMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True, help_text="Used in storefront URLs.")
    brand = models.ForeignKey("catalog.Brand", null=True, blank=True, on_delete=models.PROTECT, related_name="products")
    categories = ParentalManyToManyField("catalog.Category", blank=True, related_name="products")
    product_type = models.ForeignKey("catalog.ProductType", on_delete=models.PROTECT, related_name="products")
    summary = models.TextField(blank=True, max_length=500, help_text="A short summary for listings and cards.")
    description = RichTextField(blank=True, features=["bold", "italic", "h3", "h4", "ol", "ul", "link"])
    attributes = AttributeValuesField(
        help_text="One per line, “code: value”, for the attributes of the product type (e.g. “material: Cotton”)."
    )
    seo_title = models.CharField(max_length=255, blank=True)
    seo_description = models.TextField(blank=True, max_length=320)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ProductQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("attributes"),
        index.RelatedFields("brand", [index.SearchField("name", boost=2)]),
        index.SearchField("sku_search_text", boost=2),
        index.RelatedFields("variants", [index.SearchField("gtin")]),
        index.FilterField("brand"),
        index.FilterField("product_type"),
        index.FilterField("live"),
        index.FilterField("slug"),
    ]

    class Meta:
        ordering = ["title"]
        # Listings order by title with the id as tie-breaker (the API's cursor pages too): without this
        # index a 100,000-product list scans and sorts the table on every page.
        indexes = [models.Index(fields=["title", "id"], name="product_title_id")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # updated_at moves with content changes (saves of the live object), which sync clients rely on.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "updated_at" in update_fields:
            self.updated_at = timezone.now()
        with transaction.atomic():
            if update_fields is None:
                self._release_traded_skus()
            super().save(*args, **kwargs)
            if update_fields is None:  # the variant rows were written too
                self._sync_sku_claims(drafted=None)

    def _release_traded_skus(self) -> None:
        """Before the variant rows are written, one by one: a row whose SKU changes gives up its old SKU first
        when another variant of this product takes it (two variants trading SKUs, or a new variant taking a
        renamed one's), since the unique constraint is checked at each row's write and the trade would fail
        halfway. The placeholders never outlive this save's transaction, and start with a control character,
        which `validate_sku` refuses, so no product's SKU can be one."""
        if self.pk is None or "variants" not in getattr(self, "_cluster_related_objects", {}):
            return  # the variants were not edited in memory: their rows are left as they are
        variants = list(self.variants.all())
        wanted = {variant.sku for variant in variants}
        stored = dict(Variant.objects.filter(product_id=self.pk).values_list("pk", "sku"))
        releasing = [v.pk for v in variants if v.pk in stored and stored[v.pk] != v.sku and stored[v.pk] in wanted]
        if releasing:
            placeholder = Concat(Value("\x1freleased-"), Cast("pk", models.CharField()))
            Variant.objects.filter(pk__in=releasing).update(sku=placeholder)

    @transaction.atomic
    def save_revision(self, *args, **kwargs):
        revision = super().save_revision(*args, **kwargs)
        self._sync_sku_claims(drafted={variant.sku for variant in self.variants.all()})
        return revision

    def publish(
        self, revision, user=None, changed=True, log_action=True, previous_revision=None, skip_permission_checks=False
    ):
        """Wagtail's publish with the slug and SKU rules checked first (see PublishProductRevisionAction)."""
        return PublishProductRevisionAction(
            revision, user=user, changed=changed, log_action=log_action, previous_revision=previous_revision
        ).execute(skip_permission_checks=skip_permission_checks)

    def _sync_sku_claims(self, drafted: set[str] | None) -> None:
        """Claims = SKUs of the variant rows ∪ those of the latest draft (`drafted`, read from it when None)."""
        held = set(Variant.objects.filter(product_id=self.pk).values_list("sku", flat=True))
        if drafted is None:
            drafted = self._latest_draft_skus()
        SkuClaim.objects.sync(self.pk, held=held, drafted=drafted)

    def _latest_draft_skus(self) -> set[str]:
        if self.latest_revision_id is None or self.latest_revision_id == self.live_revision_id:
            return set()  # no draft beyond the variant rows
        content = Revision.objects.filter(pk=self.latest_revision_id).values_list("content", flat=True).first()
        return revision_skus(content or {})

    held_field, held_label = "slug", "Slug"

    def value_holder(self, value: str) -> Holder | None:
        """The slug rule (slug_holder) for the form's check: the error names the product that has the slug."""
        return slug_holder(value, other_than=self.pk)

    def clean(self):
        super().clean()
        if self.product_type_id is None:
            return
        cleaned, errors = self.product_type.clean_values(self.attributes, "product")
        if errors:
            raise ValidationError({"attributes": [f"{code}: {message}" for code, message in errors.items()]})
        self.attributes = cleaned

    def sku_search_text(self) -> str:
        """Each SKU as written and split at its separators: PostgreSQL's search backend splits a query's
        "MUG-350" into "MUG" and "350" while its parser indexes "-350", so both forms must be in the index."""
        return " ".join(f"{variant.sku} {SKU_SEPARATORS.sub(' ', variant.sku)}" for variant in self.variants.all())

    @property
    def main_image(self):
        images = list(self.images.all())
        for item in images:
            if item.role == ProductImage.Role.MAIN:
                return item.image
        return images[0].image if images else None

    @property
    def preview_modes(self):
        """The admin's own preview first; the channels app adds one storefront mode per storefront channel."""
        extra = [mode for hook in hooks.get_hooks(PREVIEW_MODES_HOOK) for mode in hook()]
        return [("", "In the admin"), *extra]

    def serve_preview(self, request, mode_name):
        # A storefront mode opens that storefront with a signed preview token (see channels.api.preview).
        for hook in hooks.get_hooks(SERVE_PREVIEW_HOOK):
            response = hook(self, request, mode_name)
            if response is not None:
                return response
        return super().serve_preview(request, mode_name)

    def get_preview_template(self, request, mode_name):
        return "catalog/product_preview.html"


def revision_skus(content: dict) -> set[str]:
    """The SKUs of the variants in a product revision's content."""
    return {row["sku"] for row in content.get("variants", []) if row.get("sku")}


def slug_holder(slug: str, *, other_than: int | None) -> Holder | None:
    """The slug rule: a slug belongs to the product whose row has it, the row the unique constraint guards
    (a live version, or the draft of a product never published). Drafts of live products hold no slug, as
    Wagtail page drafts do not: of two drafts with one slug, the first published takes it."""
    rows = Product.objects.filter(slug=slug)
    if other_than is not None:
        rows = rows.exclude(pk=other_than)
    row = rows.values_list("pk", "title", "live").first()
    return Holder(*row) if row else None


def publish_conflicts(product: Product) -> list[Conflict]:
    """What publishing `product` (a revision's object) would take from other products: its slug, its SKUs.

    The one check of every publish path (PublishProductRevisionAction); the forms check the same rules
    field by field (Product.validate_unique, Variant.validate_unique).
    """
    conflicts = []
    holder = slug_holder(product.slug, other_than=product.pk)
    if holder is not None:
        conflicts.append(Conflict(holder.message("Slug", product.slug), "give the product another slug"))
    holders = sku_holders([variant.sku for variant in product.variants.all()], other_than=product.pk)
    conflicts += [Conflict(holders[sku].message("SKU", sku), "give the variant another SKU") for sku in sorted(holders)]
    return conflicts


class PublishProductRevisionAction(PublishRevisionAction):
    """Wagtail's publish of a product revision, refused when another product holds its slug or one of its SKUs.

    Every publish goes through Product.publish: the editor, workflow approval, publish_scheduled, bulk
    publish, code. A refusal is a PublishConflictError raised before anything is written (the caller's
    transaction, e.g. the workflow approval, rolls back with it); under publish_scheduled it is a logged
    warning instead, so that the command goes on with the other revisions and this one stays scheduled.
    """

    def check(self, skip_permission_checks=False):
        super().check(skip_permission_checks=skip_permission_checks)
        self._refuse_conflicts()

    def execute(self, skip_permission_checks=False):
        try:
            return self._execute_atomically(skip_permission_checks)
        except PublishConflictError as refusal:
            if self.log_action != SCHEDULED_PUBLISH_LOG_ACTION:
                raise
            logger.warning(
                "Scheduled publishing skipped for product pk=%s revision_id=%s: %s",
                self.object.pk,
                self.revision.pk,
                refusal.message,
            )
            # Also in the product's history, where editors look: the status still says "scheduled".
            log(self.object, PUBLISH_REFUSED_LOG_ACTION, revision=self.revision, data={"message": refusal.message})
            return None

    def _execute_atomically(self, skip_permission_checks):
        try:
            with transaction.atomic():
                return super().execute(skip_permission_checks=skip_permission_checks)
        except IntegrityError:
            # Another transaction wrote the slug or a SKU between the check and the write (all rolled back).
            self._refuse_conflicts()
            raise

    def _refuse_conflicts(self) -> None:
        conflicts = publish_conflicts(self.object)
        if conflicts:
            raise PublishConflictError(self.object, conflicts)


class ProductImage(Orderable):
    class Role(models.TextChoices):
        MAIN = "main", "Main"
        ADDITIONAL = "additional", "Additional"
        LIFESTYLE = "lifestyle", "Lifestyle"
        SWATCH = "swatch", "Swatch"

    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("media.CustomImage", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.ADDITIONAL)

    def __str__(self) -> str:
        return f"{self.get_role_display()} image of {self.product}"
