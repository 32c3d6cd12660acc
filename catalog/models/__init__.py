from .brand import Brand
from .category import Category
from .holder import Holder
from .product import (
    Product,
    ProductImage,
    ProductQuerySet,
    PublishProductRevisionAction,
    publish_conflicts,
    slug_holder,
)
from .product_type import Attribute, AttributeOption, ProductType, ProductTypeAttribute
from .sku_claim import SkuClaim
from .stock import StockLevel, StockLocation
from .variant import Variant, sku_holders

__all__ = [
    "Attribute",
    "AttributeOption",
    "Brand",
    "Category",
    "Holder",
    "Product",
    "ProductImage",
    "ProductQuerySet",
    "ProductType",
    "ProductTypeAttribute",
    "PublishProductRevisionAction",
    "SkuClaim",
    "StockLevel",
    "StockLocation",
    "Variant",
    "publish_conflicts",
    "sku_holders",
    "slug_holder",
]
