"""Signal receivers: they only hand over to services and tasks, where the rules live."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver
from wagtail.signals import published

from catalog.models import Attribute, Product, ProductTypeAttribute
from channels.feed_facts import product_types_changed, product_types_with_new_feed_facts
from channels.models import Channel
from channels.services import channels_with_outdated_rules, completeness_refresh_product
from channels.tasks import schedule_channel_completeness, schedule_types_completeness


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


@receiver(post_save, sender=Attribute)
@receiver(post_save, sender=ProductTypeAttribute)
@receiver(post_delete, sender=ProductTypeAttribute)
def recompute_when_feed_facts_change(sender, instance, raw=False, signal=None, **kwargs):
    # Google's apparel rule reads the attribute standing for size: marking one changes what it says; the feeds
    # app hears of it through `product_types_changed`.
    if raw:
        return
    type_ids = product_types_with_new_feed_facts(instance, deleted=signal is post_delete)
    if type_ids:
        schedule_types_completeness(type_ids)
        product_types_changed.send(sender=type(instance), type_ids=type_ids)


@receiver(post_migrate)
def recompute_completeness_after_a_release_changed_rules(sender, using=DEFAULT_DB_ALIAS, plan=None, **kwargs):
    # Every release runs `migrate`: when it added or changed a completeness rule (a channel kind's new limit),
    # the stored completeness of the channels it concerns is recomputed, as after a change of their settings.
    # `flush` (the transactional tests) sends this signal without a plan: it is no release. Nor is a `migrate`
    # to an earlier migration, after which the models may read columns the database does not have yet.
    if sender.name != "channels" or plan is None or not fully_migrated(using):
        return
    for channel in channels_with_outdated_rules():
        schedule_channel_completeness(channel)


def fully_migrated(using: str) -> bool:
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())
