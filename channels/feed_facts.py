"""What a saved or deleted attribute, or attribute link, changes for the marketplace feeds.

Which of a product type's attributes holds a marketplace fact (`ResolvedProductType.marketplace_attributes`)
depends on the attributes' codes, units and marks and on the type's links. `channels.signals` asks
`product_types_with_new_feed_facts` once per save, recomputes the completeness of those types' products and
sends `product_types_changed`, which the feeds app takes to mark the feeds of their channels stale.
"""

from django.dispatch import Signal

from catalog.models import Attribute, ProductTypeAttribute

# Sent with `type_ids`: the product types whose marketplace facts a committed change may have moved.
product_types_changed = Signal()


def product_types_with_new_feed_facts(instance: Attribute | ProductTypeAttribute, *, deleted: bool) -> list[int]:
    """The product types whose marketplace facts a saved or deleted attribute or attribute link changes: an
    attribute's code, unit or mark, when it stands or stood for a fact; a link of such an attribute added,
    moved, swapped or removed."""
    if isinstance(instance, Attribute):
        return instance.product_type_ids() if instance.feeds_see_a_change else []
    if not (deleted or instance.moved):
        return []
    # the attribute the link adds and, when the form swapped it, the one it added before
    attributes = Attribute.objects.filter(pk__in=instance.attribute_ids_before_and_after())
    return [instance.product_type_id] if any(attribute.concerns_feeds for attribute in attributes) else []
