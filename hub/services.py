"""Writes with rules for the hub's own models: the sync tombstones of products that left a channel."""

from django.utils import timezone

from catalog.models import Product
from channels.models import Channel
from channels.selectors import visible_in
from hub.models import ProductTombstone


def tombstones_record(product: Product, *, deleted: bool = False) -> None:
    """Mark the product gone from every channel that does not show it now; clear it where it is back."""
    now = timezone.now()
    for channel in Channel.objects.all():
        visible = not deleted and visible_in(channel, Product.objects.filter(pk=product.pk)).exists()
        if visible:
            ProductTombstone.objects.filter(channel=channel, product_id=product.pk).delete()
        else:
            ProductTombstone.objects.update_or_create(
                channel=channel, product_id=product.pk, defaults={"slug": product.slug, "removed_at": now}
            )
