"""Catalog admin: snippet viewsets, grouped under one "Catalog" menu item."""

from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column, NumberColumn, UpdatedAtColumn
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from catalog.filters import ProductFilterSet, StockLevelFilterSet
from catalog.forms import CategoryForm, ProductForm, StockLevelForm, VariantsInlinePanel
from catalog.models import (
    Attribute,
    Brand,
    Category,
    Product,
    ProductType,
    PublishProductRevisionAction,
    StockLevel,
)
from catalog.models.product import PUBLISH_REFUSED_LOG_ACTION
from catalog.views import (
    ProductCopyView,
    ProductCreateView,
    ProductEditView,
    ProductIndexView,
    ProductStatusColumn,
    ProductWorkflowActionView,
    PublishBulkAction,
    product_listing_queryset,
)
from channels.admin_listing import ChannelReadinessColumn
from channels.panels import channels_tab

VARIANT_PANELS = [
    FieldRowPanel([FieldPanel("sku"), FieldPanel("gtin"), FieldPanel("mpn")]),
    FieldPanel("options"),
    FieldRowPanel([FieldPanel("weight"), FieldPanel("weight_unit")], heading="Weight"),
    FieldRowPanel([FieldPanel("price"), FieldPanel("currency"), FieldPanel("compare_at_price")], heading="Price"),
    FieldPanel("active"),
]


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "pick"
    menu_label = "Products"
    index_view_class = ProductIndexView
    add_view_class = ProductCreateView
    copy_view_class = ProductCopyView
    edit_view_class = ProductEditView
    workflow_action_view_class = ProductWorkflowActionView
    list_display = [
        "__str__",
        "brand",
        NumberColumn("variant_count", label="Variants", sort_key="variant_count"),
        ProductStatusColumn(),
        ChannelReadinessColumn(),
        UpdatedAtColumn(label="Last edited"),
    ]
    filterset_class = ProductFilterSet
    list_per_page = 50
    list_export = ["title", "slug", "brand", "product_type", "variant_count", "status_string", "_updated_at"]
    export_headings = {"variant_count": "Variants", "status_string": "Status", "_updated_at": "Last edited"}
    export_filename = "products"

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("slug"),
                    FieldRowPanel([FieldPanel("brand"), FieldPanel("product_type")]),
                    FieldPanel("categories"),
                    FieldPanel("summary"),
                    FieldPanel("description"),
                    PublishingPanel(),
                ],
                heading="Content",
            ),
            ObjectList([FieldPanel("attributes")], heading="Attributes"),
            ObjectList(
                [VariantsInlinePanel("variants", panels=VARIANT_PANELS, label="Variant", min_num=1)],
                heading="Variants",
            ),
            ObjectList(
                [InlinePanel("images", panels=[FieldPanel("image"), FieldPanel("role")], label="Image")],
                heading="Images",
            ),
            ObjectList([FieldPanel("seo_title"), FieldPanel("seo_description")], heading="SEO"),
            channels_tab(),
        ],
        base_form_class=ProductForm,
    )

    def get_queryset(self, request):
        return product_listing_queryset()


class BrandViewSet(SnippetViewSet):
    model = Brand
    icon = "tag"
    list_display = ["name", "slug"]
    ordering = "name"


class CategoryIndexView(IndexView):
    """The whole tree in path order (no column sorting), each name indented by depth."""

    def get_valid_orderings(self):
        return []

    @cached_property
    def columns(self):
        checkbox, title, *rest = super().columns
        title.label = "Category"
        return [checkbox, title, *rest]


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = "Categories"
    index_view_class = CategoryIndexView
    copy_view_enabled = False
    ordering = "path"
    list_per_page = 200
    list_display = [
        "indented_name",
        Column("slug", label="Slug"),
        NumberColumn("numchild", label="Subcategories"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("description"),
            MultiFieldPanel([FieldPanel("parent"), FieldPanel("position"), FieldPanel("sibling")], heading="Place"),
        ],
        base_form_class=CategoryForm,
    )


class ProductTypeViewSet(SnippetViewSet):
    model = ProductType
    icon = "form"
    list_display = ["name", "slug"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            InlinePanel(
                "attribute_links",
                panels=[FieldRowPanel([FieldPanel("attribute"), FieldPanel("role"), FieldPanel("required")])],
                label="Attribute",
            ),
        ]
    )


class AttributeViewSet(SnippetViewSet):
    model = Attribute
    icon = "list-ul"
    list_display = ["name", "code", "kind", "unit", "marketplace_attribute"]
    list_filter = ["kind"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("unit")]),
            FieldPanel("marketplace_attribute"),
            InlinePanel("options", panels=[FieldPanel("value")], label="Allowed value (for choices)"),
        ]
    )


class StockLevelViewSet(SnippetViewSet):
    """Stock lives outside product revisions: editing it here writes only the StockLevel row."""

    model = StockLevel
    icon = "table"
    menu_label = "Stock"
    copy_view_enabled = False
    list_display = [
        "variant__sku",
        Column("product", label="Product", accessor="variant.product"),
        "location",
        NumberColumn("on_hand", label="On hand", sort_key="on_hand"),
        NumberColumn("reserved", label="Reserved", sort_key="reserved"),
        NumberColumn("available", label="Available"),
    ]
    filterset_class = StockLevelFilterSet
    search_fields = ["variant__sku"]
    search_backend_name = None  # StockLevel is not in the search index: search the SKU with the ORM
    edit_handler = ObjectList(
        [FieldPanel("sku"), FieldPanel("location"), FieldRowPanel([FieldPanel("on_hand"), FieldPanel("reserved")])],
        base_form_class=StockLevelForm,
    )

    def get_queryset(self, request):
        return StockLevel.objects.select_related("variant__product", "location")


class CatalogGroup(SnippetViewSetGroup):
    menu_label = "Catalog"
    menu_icon = "pick"
    menu_order = 100
    items = (ProductViewSet, BrandViewSet, CategoryViewSet, ProductTypeViewSet, AttributeViewSet, StockLevelViewSet)


register_snippet(CatalogGroup)
hooks.register("register_bulk_action", PublishBulkAction)


@hooks.register("register_actions")
def register_product_actions(registry):
    """Product.publish uses this action directly (as Page.publish does); the registry names it for other callers."""
    registry.register(Product, PublishProductRevisionAction)


@hooks.register("register_log_actions")
def register_catalog_log_actions(actions):
    @actions.register_action(PUBLISH_REFUSED_LOG_ACTION)
    class PublishRefused(LogFormatter):
        """A scheduled publish that another product's slug or SKU blocked (the revision stays scheduled)."""

        label = "Scheduled publish refused"

        def format_message(self, log_entry):
            return log_entry.data.get("message", "Scheduled publish refused")
