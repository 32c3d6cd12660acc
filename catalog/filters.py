"""Filters of the catalog admin listings (django-filter sets on Wagtail's WagtailFilterSet)."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from wagtail.admin.filters import WagtailFilterSet
from wagtail.models import Revision

from catalog.forms import IndentedCategoryChoiceField
from catalog.models import Brand, Category, Product, ProductType, StockLevel, StockLocation
from channels.admin_listing import ChannelReadinessFilterSetMixin


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = IndentedCategoryChoiceField


def scheduled_revision_exists(queryset):
    """An Exists() for "this product has a revision approved to go live later" (Wagtail's scheduled state)."""
    return Exists(
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(queryset.model, for_concrete_model=False),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            approved_go_live_at__isnull=False,
        )
    )


class ProductFilterSet(ChannelReadinessFilterSetMixin, WagtailFilterSet):
    STATUSES = [
        ("live", "Live"),
        ("draft", "Draft (not live)"),
        ("changed", "Live + unpublished changes"),
        ("scheduled", "Scheduled"),
    ]

    brand = django_filters.ModelChoiceFilter(queryset=Brand.objects.all())
    category = CategoryFilter(
        queryset=Category.objects.order_by("path"),
        method="filter_category",
        label="Category",
        help_text="Includes its subcategories.",
    )
    product_type = django_filters.ModelChoiceFilter(queryset=ProductType.objects.all())
    status = django_filters.ChoiceFilter(choices=STATUSES, method="filter_status", label="Status")

    class Meta:
        model = Product
        fields = ["brand", "category", "product_type", "status", "not_ready_for"]

    def filter_category(self, queryset, name, category: Category):
        # A subquery on the link table keeps one row per product (a join would repeat it per category).
        links = Product.categories.through.objects.filter(category__path__startswith=category.path)
        return queryset.filter(pk__in=links.values("product_id"))

    def filter_status(self, queryset, name, status: str):
        if status == "live":
            return queryset.filter(live=True)
        if status == "draft":
            return queryset.filter(live=False)
        if status == "changed":
            return queryset.filter(live=True, has_unpublished_changes=True)
        if status == "scheduled":
            return queryset.filter(scheduled_revision_exists(queryset))
        return queryset


class StockLevelFilterSet(WagtailFilterSet):
    location = django_filters.ModelChoiceFilter(queryset=StockLocation.objects.all())

    class Meta:
        model = StockLevel
        fields = ["location"]
