from .api_key import ApiKey
from .channel import Channel
from .completeness import ChannelCompleteness
from .listing import ProductListing, ProductListingImage, VariantListing
from .translation import ProductTranslation

__all__ = [
    "ApiKey",
    "Channel",
    "ChannelCompleteness",
    "ProductListing",
    "ProductListingImage",
    "ProductTranslation",
    "VariantListing",
]
