"""Admin forms of the catalog: the product aggregate, the category tree and stock levels."""

from django import forms
from django.db import transaction
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel

from catalog.models import Category, StockLevel, Variant
from catalog.services import category_insert, category_move


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


class VariantFormSet(BaseChildFormSet):
    """Variants of one product: options checked against its type, SKUs unique within the form too."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Variant.clean() checks options against product.product_type; the product form has
        # already put the submitted type on this same instance when the formsets validate.
        form.instance.product = self.instance
        return form

    def clean(self):
        self._flag_repeated_skus()
        super().clean()

    def _flag_repeated_skus(self) -> None:
        # The formset's own unique check only says "correct the duplicate data"; say which SKU, on the field.
        seen: set[str] = set()
        for form in self.forms:
            if form in self.deleted_forms or not hasattr(form, "cleaned_data"):
                continue
            sku = form.cleaned_data.get("sku")
            if not sku:
                continue
            if sku in seen:
                form.add_error("sku", f"SKU “{sku}” is given to more than one variant of this product.")
            seen.add(sku)


class VariantsInlinePanel(InlinePanel):
    """An InlinePanel whose formset is VariantFormSet (InlinePanel has no option for the formset class)."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = VariantFormSet
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

    sku = forms.CharField(label="SKU", max_length=64)

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
