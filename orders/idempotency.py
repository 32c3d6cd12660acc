"""`Idempotency-Key` for the checkout: a retried request (same key, same body) gets the first answer back.

A key is claimed before any work (an IN_FLIGHT row, committed at once so concurrent requests see it),
completed with the response on success, and deleted on any failure: a request that failed stores nothing,
so the client may fix it and retry with the same key.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from channels.models import Channel
from hub.statements import insert
from orders.exceptions import OrderError
from orders.models import IdempotencyKey

KEY_TTL = timedelta(hours=24)
# A request still IN_FLIGHT after this long died with its worker; its key may be claimed again.
STALE_AFTER = timedelta(minutes=5)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class Claim:
    record_id: int | None = None  # ours to complete or release
    replay: dict[str, Any] | None = None  # the first request's response body


def request_fingerprint(channel: Channel, body: bytes) -> str:
    """A keyed hash of the body: the body holds card data, so a plain hash could be brute-forced."""
    secret = f"{settings.SECRET_KEY}:idempotency:{channel.pk}".encode()
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def idempotency_claim(*, channel: Channel, key: str, fingerprint: str) -> Claim:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise OrderError.of(
            "invalid_request", f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.", "Idempotency-Key"
        )
    for _ in range(3):
        now = timezone.now()
        try:
            record = IdempotencyKey(channel=channel, key=key, fingerprint=fingerprint, expires_at=now + KEY_TTL)
            _insert_committed_at_once(record)
            return Claim(record_id=record.pk)
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(channel=channel, key=key).first()
        if existing is None:
            continue  # released between our insert and our read: try again
        if existing.expires_at <= now or _stale(existing, now):
            IdempotencyKey.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
            continue
        if existing.fingerprint != fingerprint:
            raise OrderError.of(
                "idempotency_key_reused",
                "This Idempotency-Key was used with a different request body.",
                "Idempotency-Key",
            )
        if existing.state == IdempotencyKey.State.IN_FLIGHT:
            raise OrderError.of(
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still running; retry shortly.",
                "Idempotency-Key",
            )
        return Claim(replay=existing.response_body)
    raise OrderError.of("idempotency_key_in_use", "This Idempotency-Key is busy; retry shortly.", "Idempotency-Key")


def idempotency_complete(claim: Claim, *, status: int, body: dict[str, Any]) -> None:
    IdempotencyKey.objects.filter(pk=claim.record_id).update(
        state=IdempotencyKey.State.COMPLETED, response_status=status, response_body=body
    )


def idempotency_release(claim: Claim) -> None:
    IdempotencyKey.objects.filter(pk=claim.record_id, state=IdempotencyKey.State.IN_FLIGHT).delete()


def idempotency_purge_expired() -> int:
    """Delete keys past their 24 hours (run from a periodic task)."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def _insert_committed_at_once(record: IdempotencyKey) -> None:
    """One INSERT, which in autocommit mode is its own transaction (no BEGIN and COMMIT round trips). Inside a
    caller's transaction it gets a savepoint, so that a duplicate key does not abort the caller's transaction."""
    if connection.in_atomic_block:
        with transaction.atomic():
            insert([record])
    else:
        insert([record])


def _stale(record: IdempotencyKey, now) -> bool:
    return record.state == IdempotencyKey.State.IN_FLIGHT and record.created_at <= now - STALE_AFTER
