"""Admin views of the catalog: the product listing (columns, query bundle, export), bulk publishing, and
the save and publish paths (editor, workflow approval) showing a lost slug or SKU as an error instead of a 500."""

from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.images import get_image_model
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import CopyView, CreateView, EditView, IndexView, WorkflowActionView

from catalog.exceptions import HeldValueTakenError, PublishConflictError
from catalog.models import Product

THUMBNAIL_SPEC = "fill-60x60"  # also written in catalog/admin/thumbnail_cell.html ({% image %} takes a literal)


def product_listing_queryset():
    """Product.objects.for_admin_listing() plus the thumbnail renditions of the size the listing shows."""
    rendition_model = get_image_model().get_rendition_model()
    return Product.objects.for_admin_listing().prefetch_related(
        Prefetch(
            "images__image__renditions",
            queryset=rendition_model.objects.filter(filter_spec=THUMBNAIL_SPEC),
        ),
    )


def prime_status(product: Product) -> Product:
    """Fill DraftStateMixin.scheduled_revision (a cached_property) from the prefetch, so status_string is free."""
    scheduled = getattr(product, "_scheduled_revisions", None)
    if scheduled is not None and "scheduled_revision" not in product.__dict__:
        product.__dict__["scheduled_revision"] = scheduled[0] if scheduled else None
    return product


class ThumbnailColumn(Column):
    cell_template_name = "catalog/admin/thumbnail_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["image"] = instance.main_image
        return context


class ProductStatusColumn(LiveStatusTagColumn):
    """Wagtail's status tag (draft / live / scheduled / live + draft / in moderation) without a query per row."""

    def get_value(self, instance):
        return prime_status(instance).status_string


class ProductIndexView(IndexView):
    @cached_property
    def columns(self):
        checkbox, title, *rest = super().columns
        title.label, title.sort_key = "Title", "title"
        return [checkbox, ThumbnailColumn("thumbnail", label=""), title, *rest]

    def to_row_dict(self, item):
        return super().to_row_dict(prime_status(item))


class PublishBulkAction(SnippetBulkAction):
    """Publish the latest revision of each selected product, for users who may publish."""

    display_name = "Publish"
    action_type = "publish"
    aria_label = "Publish selected products"
    template_name = "catalog/admin/confirm_bulk_publish.html"
    action_priority = 40
    models = [Product]

    def check_perm(self, product):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, "publish", product)

    @classmethod
    def execute_action(cls, objects, user=None, refusals=None, **kwargs):
        published = 0
        for product in objects:
            revision = product.latest_revision or product.save_revision(user=user)
            try:
                revision.publish(user=user)
            except PublishConflictError as refusal:
                if refusals is None:
                    raise
                refusals.append(refusal.message)
                continue
            published += 1
        return published, 0

    def get_execution_context(self):
        self.refusals: list[str] = []
        return {**super().get_execution_context(), "user": self.request.user, "refusals": self.refusals}

    def form_valid(self, form):
        response = super().form_valid(form)
        for refusal in self.refusals:
            messages.error(self.request, refusal)
        return response

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(count)d product published.", "%(count)d products published.", num_parent_objects) % {
            "count": num_parent_objects
        }


class RefusedPublishMixin:
    """A publish the slug or SKU rule refuses (PublishConflictError, nothing written) after the draft was saved:
    an error message on the edit page, the draft kept. The form refuses such values first; this covers a race."""

    def run_action_method(self):
        try:
            return super().run_action_method()
        except PublishConflictError as refusal:
            if self.expects_json_response:
                return self.json_error_response("publish_conflict", refusal.message)
            messages.error(self.request, refusal.message)
            return redirect(self.get_edit_url())


class TakenWhileSavingMixin:
    """A save that lost a race for its slug or a SKU (HeldValueTakenError from ProductForm.save, everything
    rolled back): the form again, with the error on the field naming the product that took the value, as if
    validation had found it. Only saves that write the product's row can lose so: new and never-published ones."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except HeldValueTakenError:
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ProductCreateView(TakenWhileSavingMixin, RefusedPublishMixin, CreateView):
    """Wagtail's create view; saving, or "Publish", on a new product can lose a race for its slug or a SKU."""


class ProductCopyView(TakenWhileSavingMixin, RefusedPublishMixin, CopyView):
    """Wagtail's copy view, which saves and publishes through the create view's action."""


class ProductEditView(TakenWhileSavingMixin, RefusedPublishMixin, EditView):
    """Also the base of Wagtail's revert view for products."""


class ProductWorkflowActionView(WorkflowActionView):
    """Workflow approval publishes without the edit form: a refused publish rolls the approval back and is
    an error message (the draft and the workflow stay as they were)."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except PublishConflictError as refusal:
            messages.error(request, refusal.message)
            if request.headers.get("x-requested-with") == "XMLHttpRequest":
                return self.render_modal_json(request, {"step": "success", "redirect": self.redirect_url})
            return redirect(self.redirect_url)
