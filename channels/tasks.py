"""Background work for channels. Tasks take ids, work in batches and are safe to run twice."""

from django.db import transaction
from django_tasks import task

from channels.models import Channel
from channels.services import BATCH_SIZE, completeness_refresh_products, product_id_batches


def schedule_channel_completeness(channel: Channel) -> None:
    """Recompute a channel's completeness for every product in the background, once the change is committed."""
    channel_id = channel.pk
    transaction.on_commit(lambda: refresh_channel_completeness.enqueue(channel_id))


class _TypeBatch:
    """The product type ids of one transaction: one task for all of them when it commits."""

    def __init__(self) -> None:
        self.type_ids: set[int] = set()

    def __call__(self) -> None:
        refresh_types_completeness.enqueue(sorted(self.type_ids))


def schedule_types_completeness(type_ids: list[int]) -> None:
    """Recompute the completeness of the products of these types in the background, once committed.

    A product type form saves each of its attribute links: the ids of one transaction join the batch it has
    already registered (found among the connection's commit callbacks, `run_on_commit`, from which Django also
    drops those of a savepoint rolled back), so they make one task."""
    connection = transaction.get_connection()
    batch = next((func for _, func, _ in connection.run_on_commit if isinstance(func, _TypeBatch)), None)
    if batch is None:
        batch = _TypeBatch()
        batch.type_ids.update(type_ids)
        transaction.on_commit(batch)  # outside a transaction: at once
    else:
        batch.type_ids.update(type_ids)


@task()
def refresh_types_completeness(type_ids: list[int]) -> int:
    """The products of these types, a batch task each, on every channel (what their attributes stand for
    changed: only their results can)."""
    batches = 0
    for batch in product_id_batches(BATCH_SIZE, product_type_ids=type_ids):
        refresh_products_completeness.enqueue(batch)
        batches += 1
    return batches


@task()
def refresh_products_completeness(product_ids: list[int]) -> int:
    completeness_refresh_products(product_ids)
    return len(product_ids)


@task()
def refresh_channel_completeness(channel_id: int) -> int:
    """Split the catalog into batches; each batch is its own task, so workers share a big catalog.

    The channel is marked as computed with the rules of the code that runs this (not of the process that asked:
    during a rolling deploy that may be an older release), before its batches are queued behind it."""
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        return 0
    Channel.objects.filter(pk=channel_id).update(completeness_rules=channel.current_rules_digest())
    batches = 0
    for batch in product_id_batches(BATCH_SIZE):
        refresh_completeness_batch.enqueue(channel_id, batch)
        batches += 1
    return batches


@task()
def refresh_completeness_batch(channel_id: int, product_ids: list[int]) -> int:
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:  # deleted meanwhile: its rows went with it
        return 0
    completeness_refresh_products(product_ids, [channel])
    return len(product_ids)
