"""Signal receivers: they only hand over to services and tasks, where the rules live."""

from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver
from wagtail.signals import published

from catalog.models import Product
from channels.models import Channel
from channels.services import channels_with_outdated_rules, completeness_refresh_product
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


@receiver(post_migrate)
def recompute_completeness_after_a_release_changed_rules(sender, apps=None, **kwargs):
    # Every release runs `migrate`: when it added or changed a completeness rule (a channel kind's new limit),
    # the stored completeness of the channels it concerns is recomputed, as after a change of their settings.
    # `flush` (the transactional tests) sends it too, without the migration state: the models' own state then.
    if sender.name != "channels" or not _keeps_rules_digest(apps or sender.apps):
        return
    for channel in channels_with_outdated_rules():
        schedule_channel_completeness(channel)


def _keeps_rules_digest(apps) -> bool:
    """Whether the database has the column yet (`migrate` to an earlier migration also ends here)."""
    try:
        fields = apps.get_model("channels", "Channel")._meta.get_fields()
    except LookupError:  # migrated back before channels existed
        return False
    return any(field.name == "completeness_rules" for field in fields)
