"""Admin forms of the catalog: the product aggregate, the category tree and stock levels."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel

from catalog.exceptions import HeldValueTakenError
from catalog.models import Category, ProductType, StockLevel, Variant, sku_holders, slug_holder
from catalog.services import category_insert, category_move
from catalog.validators import SKU_MAX_LENGTH, validate_sku


class IndentedCategoryMultipleChoiceField(forms.ModelMultipleChoiceField):
    """All categories in tree order, each label indented by its depth."""

    def label_from_instance(self, obj: Category) -> str:
        return obj.indented_name


class IndentedCategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.indented_name


class ProductForm(WagtailAdminModelForm):
    categories = IndentedCategoryMultipleChoiceField(
        queryset=Category.objects.order_by("path"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A product may sit in several categories.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # For a new product ClusterForm hands the formsets a blank product of their own; share the form's
        # instance so that variant options are checked against the product type being submitted.
        for formset in self.formsets.values():
            formset.instance = self.instance

    def clean_product_type(self) -> ProductType | None:
        product_type = self.cleaned_data["product_type"]
        if product_type is not None:
            # Every variant checks its options against this type: read its attributes once, not per variant.
            prefetch_related_objects([product_type], "attribute_links__attribute__options")
        return product_type

    def save(self, commit=True):
        """Save; a slug or SKU another product took after this form was validated is a form error, not a 500.

        Another editor's save can commit between our validation and our write: the write then breaks a unique
        constraint (a never-published product writes its variant rows at every save). The savepoint keeps the
        caller's transaction usable to find who took the value; HeldValueTakenError rolls the rest back.
        """
        if not commit:
            return super().save(commit=False)
        unsaved = _database_state(self)
        try:
            with transaction.atomic():
                return super().save(commit=True)
        except IntegrityError:
            _restore_database_state(unsaved)
            if not self._flag_values_taken():
                raise  # not a value another product holds: a bug to see, not to explain away
            raise HeldValueTakenError.from_form(self) from None

    def _flag_values_taken(self) -> bool:
        """Put an error on each value another product holds now; whether there was any."""
        slug = self.cleaned_data.get("slug")
        holder = slug_holder(slug, other_than=self.instance.pk) if slug else None
        if holder is not None:
            self.add_error("slug", holder.message("Slug", slug))
        variants = self.formsets.get("variants")
        flagged_skus = variants.flag_held_skus() if variants is not None else 0
        return holder is not None or flagged_skus > 0


def _database_state(form: WagtailAdminModelForm) -> list[tuple[object, object, bool]]:
    """The primary key and `adding` flag of the form's instance and of its formsets' instances."""
    instances = [form.instance, *(child.instance for formset in form.formsets.values() for child in formset.forms)]
    return [(instance, instance.pk, instance._state.adding) for instance in instances]


def _restore_database_state(state: list[tuple[object, object, bool]]) -> None:
    """Undo what a rolled-back save set on the instances (ids of rows that no longer exist), so the form shows
    again as it was submitted: a new product stays new."""
    for instance, pk, adding in state:
        instance.pk, instance._state.adding = pk, adding


class VariantForm(WagtailAdminModelForm):
    """One variant of the product form: its SKU is looked up by VariantFormSet, once for all variants."""

    def clean_sku(self):
        sku = self.cleaned_data["sku"]
        # A new variant's SKU is checked by Variant.clean(); an existing one's only when it is changed, so a
        # SKU stored before validate_sku does not block every other edit of its product.
        if self.instance.pk is not None and "sku" in self.changed_data:
            validate_sku(sku)
        return sku

    def validate_unique(self):
        # Variant.validate_unique would ask sku_holders for this SKU alone: one query per variant.
        exclude = self._get_validation_exclusions() | {"sku"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class VariantFormSet(BaseChildFormSet):
    """Variants of one product: options checked against its type, SKUs unique within the form and the catalog."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Variant.clean() checks options against product.product_type; the product form has
        # already put the submitted type on this same instance when the formsets validate.
        form.instance.product = self.instance
        return form

    def clean(self):
        self._flag_repeated_skus()
        self.flag_held_skus()
        super().clean()

    def _kept_forms_with_sku(self) -> list[forms.ModelForm]:
        """The variant forms that are not being deleted and carry a valid SKU."""
        # _should_delete_form, not deleted_forms: that one is empty while any variant has an error.
        return [
            form
            for form in self.forms
            if not self._should_delete_form(form) and getattr(form, "cleaned_data", {}).get("sku")
        ]

    def _flag_repeated_skus(self) -> None:
        # The formset's own unique check only says "correct the duplicate data"; say which SKU, on the field.
        seen: set[str] = set()
        for form in self._kept_forms_with_sku():
            sku = form.cleaned_data["sku"]
            if sku in seen:
                form.add_error("sku", f"SKU “{sku}” is given to more than one variant of this product.")
            seen.add(sku)

    def flag_held_skus(self) -> int:
        """An error on each SKU another product holds (the catalog's rule, sku_holders), in one query for all
        variants; how many were flagged. Also what ProductForm.save asks after losing a race for a SKU."""
        kept = self._kept_forms_with_sku()
        holders = sku_holders([form.cleaned_data["sku"] for form in kept], other_than=self.instance.pk)
        flagged = [form for form in kept if form.cleaned_data["sku"] in holders]
        for form in flagged:
            sku = form.cleaned_data["sku"]
            form.add_error("sku", holders[sku].message("SKU", sku))
        return len(flagged)


class VariantsInlinePanel(InlinePanel):
    """An InlinePanel whose formset is VariantFormSet (InlinePanel has no option for the formset class)."""

    def get_form_options(self):
        options = super().get_form_options()
        formset_options = options["formsets"][self.relation_name]
        formset_options["formset"] = VariantFormSet
        # Wagtail may pass a form class of its own (to defer required fields on drafts): keep what it adds.
        base_form = formset_options.get("form", WagtailAdminModelForm)
        formset_options["form"] = type(base_form)("VariantForm", (VariantForm, base_form), {})
        return options


class CategoryForm(WagtailAdminModelForm):
    """Name the category and say where it goes: under a parent, first or last, or next to a sibling."""

    KEEP = "keep"
    POSITIONS = [
        ("last-child", "Last child of the parent"),
        ("first-child", "First child of the parent"),
        ("left", "Before the sibling"),
        ("right", "After the sibling"),
    ]

    parent = IndentedCategoryChoiceField(
        queryset=Category.objects.order_by("path"),
        required=False,
        empty_label="(none: a top-level category)",
    )
    position = forms.ChoiceField(choices=POSITIONS, initial="last-child")
    sibling = IndentedCategoryChoiceField(
        queryset=Category.objects.order_by("path"),
        required=False,
        help_text="Only for “before” and “after”: a category under the same parent.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Saving an edit must not reorder anything unless the editor asks for a new place.
            self.fields["position"].choices = [
                (self.KEEP, "Keep its place (or last, under a new parent)"),
                *self.POSITIONS,
            ]
            self.fields["position"].initial = self.KEEP
            self.fields["parent"].initial = self.instance.get_parent()

    def clean(self):
        cleaned = super().clean()
        parent, position, sibling = cleaned.get("parent"), cleaned.get("position"), cleaned.get("sibling")
        node = self.instance
        if parent is not None and node.pk and parent.path.startswith(node.path):
            self.add_error("parent", "A category cannot move under itself or one of its own subcategories.")
        if position in ("left", "right"):
            if sibling is None:
                self.add_error("sibling", "Choose the sibling to place this category next to.")
            elif node.pk and sibling.pk == node.pk:
                self.add_error("sibling", "A category cannot be placed next to itself.")
            elif not _is_child_of(sibling, parent):
                under = f"“{parent.name}”" if parent else "the top level"
                self.add_error("sibling", f"“{sibling.name}” is not a category at {under}.")
        return cleaned

    @transaction.atomic
    def save(self, commit=True):
        """Insert or move the node with treebeard, which rewrites the paths of the nodes around it."""
        parent, position = self.cleaned_data["parent"], self.cleaned_data["position"]
        sibling = self.cleaned_data.get("sibling")
        if self.instance._state.adding:
            return category_insert(self.instance, parent, position, sibling)
        self.instance.save()
        if position == self.KEEP and parent == self.instance.get_parent():
            return self.instance
        category_move(self.instance, parent, "last-child" if position == self.KEEP else position, sibling)
        self.instance.refresh_from_db()
        return self.instance


def _is_child_of(node: Category, parent: Category | None) -> bool:
    if parent is None:
        return node.depth == 1
    return node.depth == parent.depth + 1 and node.path.startswith(parent.path)


class StockLevelForm(WagtailAdminModelForm):
    """Stock of one variant at one location; the variant is given by SKU, fixed once the row exists."""

    sku = forms.CharField(label="SKU", max_length=SKU_MAX_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["sku"] = self.instance.variant.sku
            self.fields["sku"].disabled = True
            if "location" in self.fields:
                self.fields["location"].disabled = True

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"]
        if self.instance.pk:
            return self.instance.variant.sku
        variant = Variant.objects.filter(sku=sku).first()
        if variant is None:
            raise forms.ValidationError(f"No variant has the SKU “{sku}”.")
        self.instance.variant = variant
        return sku

    def clean(self):
        cleaned = super().clean()
        location = cleaned.get("location")
        if self.instance.pk or location is None or self.instance.variant_id is None:
            return cleaned
        # The (variant, location) constraint is skipped by model validation because variant is not a form field.
        if StockLevel.objects.filter(variant_id=self.instance.variant_id, location=location).exists():
            self.add_error("sku", f"{cleaned.get('sku')} already has a stock row at {location}; edit that one.")
        return cleaned
