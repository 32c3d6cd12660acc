"""Publishing or unpublishing a product makes the feeds of its channels stale (wagtail's signals), and so does
saving its product type or marking an attribute as standing for a marketplace fact."""

from django.db.models.signals import post_save
from wagtail.signals import published, unpublished

from catalog.models import Attribute, Product, ProductType
from channels.feeds.services import channels_of_product
from channels.feeds.tasks import feeds_mark_dirty
from channels.selectors import channels_seeing_type_change


def product_changed(sender, instance, **kwargs) -> None:
    channel_ids = channels_of_product(instance.pk)
    if channel_ids:
        feeds_mark_dirty(channel_ids)


def type_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    channel_ids = channels_seeing_type_change(instance)
    if channel_ids:
        feeds_mark_dirty(channel_ids)


def connect() -> None:
    published.connect(product_changed, sender=Product, dispatch_uid="feeds-product-published")
    unpublished.connect(product_changed, sender=Product, dispatch_uid="feeds-product-unpublished")
    post_save.connect(type_changed, sender=Attribute, dispatch_uid="feeds-attribute-saved")
    post_save.connect(type_changed, sender=ProductType, dispatch_uid="feeds-product-type-saved")
