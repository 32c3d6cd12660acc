"""Publishing or unpublishing a product makes the feeds of its channels stale (wagtail's signals)."""

from wagtail.signals import published, unpublished

from catalog.models import Product
from channels.feeds.services import channels_of_product
from channels.feeds.tasks import feeds_mark_dirty


def product_changed(sender, instance, **kwargs) -> None:
    channel_ids = channels_of_product(instance.pk)
    if channel_ids:
        feeds_mark_dirty(channel_ids)


def connect() -> None:
    published.connect(product_changed, sender=Product, dispatch_uid="feeds-product-published")
    unpublished.connect(product_changed, sender=Product, dispatch_uid="feeds-product-unpublished")
