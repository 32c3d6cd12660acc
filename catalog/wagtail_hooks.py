"""Catalog admin: snippet viewsets, grouped under one menu item."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from catalog.models import Attribute, Brand, Category, Product, ProductType, StockLevel


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "pick"
    menu_label = "Products"
    list_display = ["title", "brand", "product_type"]
    search_fields = ["title"]


class BrandViewSet(SnippetViewSet):
    model = Brand
    icon = "tag"


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"


class ProductTypeViewSet(SnippetViewSet):
    model = ProductType
    icon = "form"


class AttributeViewSet(SnippetViewSet):
    model = Attribute
    icon = "list-ul"


class StockLevelViewSet(SnippetViewSet):
    model = StockLevel
    icon = "table"


class CatalogGroup(SnippetViewSetGroup):
    menu_label = "Catalog"
    menu_icon = "pick"
    menu_order = 100
    items = (ProductViewSet, BrandViewSet, CategoryViewSet, ProductTypeViewSet, AttributeViewSet, StockLevelViewSet)


register_snippet(CatalogGroup)
