"""Publishing or unpublishing a product makes the feeds of its channels stale (wagtail's signals), and so does
a change to what its product type's attributes stand for (an attribute marked as the size …)."""

from wagtail.signals import published, unpublished

from catalog.models import Product
from channels.feed_facts import product_types_changed
from channels.feeds.services import channels_of_product
from channels.feeds.tasks import feeds_mark_dirty
from channels.selectors import channels_listing_types


def product_changed(sender, instance, **kwargs) -> None:
    channel_ids = channels_of_product(instance.pk)
    if channel_ids:
        feeds_mark_dirty(channel_ids)


def product_types_changed_facts(sender, type_ids, **kwargs) -> None:
    channel_ids = channels_listing_types(type_ids)
    if channel_ids:
        feeds_mark_dirty(channel_ids)


def connect() -> None:
    published.connect(product_changed, sender=Product, dispatch_uid="feeds-product-published")
    unpublished.connect(product_changed, sender=Product, dispatch_uid="feeds-product-unpublished")
    product_types_changed.connect(product_types_changed_facts, dispatch_uid="feeds-product-types-changed")
