from .brand import Brand
from .category import Category
from .product import Product, ProductImage, ProductQuerySet
from .product_type import Attribute, AttributeOption, ProductType, ProductTypeAttribute
from .stock import StockLevel, StockLocation
from .variant import Variant

__all__ = [
    "Attribute",
    "AttributeOption",
    "Brand",
    "Category",
    "Product",
    "ProductImage",
    "ProductQuerySet",
    "ProductType",
    "ProductTypeAttribute",
    "StockLevel",
    "StockLocation",
    "Variant",
]
