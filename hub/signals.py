"""Signal receivers: they only hand over to hub.services."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from wagtail.signals import published, unpublished

from catalog.models import Product
from hub.services import tombstones_record


@receiver(published, sender=Product)
@receiver(unpublished, sender=Product)
def record_tombstones_on_visibility_change(sender, instance, **kwargs):
    tombstones_record(instance)


@receiver(pre_delete, sender=Product)
def record_tombstones_on_delete(sender, instance, **kwargs):
    tombstones_record(instance, deleted=True)
