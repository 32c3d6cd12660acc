"""Background work for orders: delivering the outbox's order events, and purging expired idempotency keys.

Tasks are safe to run twice, also at the same time: a delivery run claims a batch of pending events (a short
transaction that sets `claimed_until`, skipping rows another run has locked), POSTs them outside any
transaction, then marks the delivered ones. Each POST carries the event id (`X-Hub-Event-Id`) so that a
receiver can drop a repeat (an event is delivered at least once: a run that dies after the POST and before
marking it sends it again once its claim has lapsed).
"""

import logging
import urllib.error
import urllib.request
from datetime import timedelta

import orjson
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from orders.idempotency import idempotency_purge_expired
from orders.models import OutboxEvent

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_BATCHES = 50  # per run; the next run goes on where this one stopped
CLAIM_FOR = timedelta(minutes=2)  # longer than a batch of POSTs can take (BATCH_SIZE × TIMEOUT_SECONDS / 2)
TIMEOUT_SECONDS = 2.0
RETRY_AFTER = timedelta(minutes=1)  # a refused event waits this long before the next try
TOPIC_PREFIX = "order."


@task()
def deliver_order_events(batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES) -> int:
    """POST pending order events to ORDER_EVENTS_WEBHOOK_URL, oldest first; returns how many were delivered.

    Without a URL nothing is sent and the events stay pending (the admin's outbox listing says why).
    """
    url = settings.ORDER_EVENTS_WEBHOOK_URL
    if not url:
        logger.info("ORDER_EVENTS_WEBHOOK_URL is not set; order events stay pending")
        return 0
    delivered = 0
    for _ in range(max_batches):
        batch = _claim(batch_size)
        if not batch:
            break
        delivered += _deliver(url, batch)
    return delivered


@task()
def purge_expired_idempotency_keys() -> int:
    """Delete Idempotency-Keys past their 24 hours; returns how many went."""
    return idempotency_purge_expired()


def _claim(batch_size: int) -> list[OutboxEvent]:
    now = timezone.now()
    pending = (
        OutboxEvent.objects.filter(delivered_at=None, topic__startswith=TOPIC_PREFIX)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .order_by("pk")
    )
    with transaction.atomic():
        # skip_locked: a concurrent run's batch is invisible here, not waited for (PostgreSQL; SQLite
        # serialises the whole transaction anyway).
        batch = list(pending.select_for_update(skip_locked=True)[:batch_size])
        OutboxEvent.objects.filter(pk__in=[event.pk for event in batch]).update(claimed_until=now + CLAIM_FOR)
    return batch


def _deliver(url: str, batch: list[OutboxEvent]) -> int:
    sent: list[int] = []
    failed: dict[int, str] = {}
    for event in batch:
        error = _post(url, event)
        if error is None:
            sent.append(event.pk)
        else:
            failed[event.pk] = error
    now = timezone.now()
    OutboxEvent.objects.filter(pk__in=sent, delivered_at=None).update(
        delivered_at=now, attempts=F("attempts") + 1, claimed_until=None, last_error=""
    )
    for pk, error in failed.items():
        # Kept out of the following batches for RETRY_AFTER, so a receiver that is down is not hammered.
        OutboxEvent.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, claimed_until=now + RETRY_AFTER, last_error=error[:500]
        )
    if failed:
        logger.warning("%d order event(s) could not be delivered; they stay pending", len(failed))
    return len(sent)


def _post(url: str, event: OutboxEvent) -> str | None:
    """POST one event; None when the receiver took it (2xx), else why not."""
    body = orjson.dumps(
        {
            "id": event.pk,
            "topic": event.topic,
            "key": event.key,
            "createdAt": event.created_at.isoformat(),
            "payload": event.payload,
        }
    )
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Event": event.topic,
        "X-Hub-Event-Id": str(event.pk),
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (a configured URL)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return f"{type(error).__name__}: {error}"
    return None
