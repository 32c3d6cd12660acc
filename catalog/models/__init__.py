from .brand import Brand
from .category import Category
from .product import Product, ProductImage, ProductQuerySet, PublishProductRevisionAction
from .product_type import Attribute, AttributeOption, ProductType, ProductTypeAttribute
from .sku_claim import SkuClaim
from .stock import StockLevel, StockLocation
from .variant import SkuHolder, Variant, sku_holders

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
    "PublishProductRevisionAction",
    "SkuClaim",
    "SkuHolder",
    "StockLevel",
    "StockLocation",
    "Variant",
    "sku_holders",
]
