"""Signal receivers: they only hand over to services and tasks, where the rules live."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import published

from catalog.models import Product
from channels.models import Channel
from channels.services import completeness_refresh_product
from channels.tasks import schedule_channel_completeness


@receiver(published, sender=Product)
def refresh_completeness_on_publish(sender, instance, **kwargs):
    # Covers every way of publishing: the editor, workflow approval, scheduled publishing.
    completeness_refresh_product(instance)


@receiver(post_save, sender=Channel)
def recompute_completeness_on_rule_change(sender, instance: Channel, raw=False, **kwargs):
    if raw or not instance.rules_changed:
        return
    instance.mark_rules_current()
    schedule_channel_completeness(instance)
