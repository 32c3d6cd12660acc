"""Publishing or unpublishing a product makes the feeds of its channels stale (wagtail's signals), and so does
a change to what its product type's attributes stand for (an attribute marked as the size …)."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import published, unpublished

from catalog.models import Attribute, Product, ProductTypeAttribute
from channels.feeds.services import channels_of_product
from channels.feeds.tasks import feeds_mark_dirty
from channels.selectors import channels_listing_types, product_types_with_new_feed_facts


def product_changed(sender, instance, **kwargs) -> None:
    channel_ids = channels_of_product(instance.pk)
    if channel_ids:
        feeds_mark_dirty(channel_ids)


def feed_facts_changed(sender, instance, raw=False, signal=None, **kwargs) -> None:
    if raw:
        return
    type_ids = product_types_with_new_feed_facts(instance, deleted=signal is post_delete)
    channel_ids = channels_listing_types(type_ids) if type_ids else []
    if channel_ids:
        feeds_mark_dirty(channel_ids)


def connect() -> None:
    published.connect(product_changed, sender=Product, dispatch_uid="feeds-product-published")
    unpublished.connect(product_changed, sender=Product, dispatch_uid="feeds-product-unpublished")
    post_save.connect(feed_facts_changed, sender=Attribute, dispatch_uid="feeds-attribute-saved")
    post_save.connect(feed_facts_changed, sender=ProductTypeAttribute, dispatch_uid="feeds-attribute-link-saved")
    post_delete.connect(feed_facts_changed, sender=ProductTypeAttribute, dispatch_uid="feeds-attribute-link-deleted")
