"""Channel API keys on the content API: the key decides the channel of every read.

Key look-ups are cached for API_KEY_CACHE_SECONDS so that a product list stays within its query budget;
saving or deleting a key or a channel clears the entry at once (in this process, or everywhere with a
shared cache such as Redis), and the TTL bounds how long another process may still accept a revoked key.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer

from channels.api_keys import api_key_authenticate, raw_key_from_request
from channels.models import ApiKey, Channel

_MISSING = object()


def _cache_key(key_hash: str) -> str:
    return f"hub:api:key:{key_hash}"


def channel_for_raw_key(raw_key: str | None) -> Channel | None:
    """The active channel of a usable key, or None."""
    if not raw_key:
        return None
    key = _cache_key(hashlib.sha256(raw_key.encode()).hexdigest())
    cached = cache.get(key, _MISSING)
    if cached is not _MISSING:
        return cached
    api_key = api_key_authenticate(raw_key)
    channel = api_key.channel if api_key is not None else None
    cache.set(key, channel, settings.API_KEY_CACHE_SECONDS)
    return channel


def _authenticate(request: HttpRequest) -> Channel | None:
    channel = channel_for_raw_key(raw_key_from_request(request))
    if channel is not None:
        request.channel = channel
    return channel


class BearerKey(HttpBearer):
    """`Authorization: Bearer <key>`."""

    def __call__(self, request: HttpRequest):
        return _authenticate(request)

    def authenticate(self, request: HttpRequest, token: str):  # pragma: no cover - __call__ does it
        return _authenticate(request)


class HeaderKey(APIKeyHeader):
    """`X-Api-Key: <key>`."""

    param_name = "X-Api-Key"

    def __call__(self, request: HttpRequest):
        return _authenticate(request)

    def authenticate(self, request: HttpRequest, key: str | None):  # pragma: no cover - __call__ does it
        return _authenticate(request)


CHANNEL_KEY_AUTH = [BearerKey(), HeaderKey()]


@receiver(post_save, sender=ApiKey)
@receiver(post_delete, sender=ApiKey)
def _forget_key(sender, instance: ApiKey, **kwargs):
    cache.delete(_cache_key(instance.key_hash))


@receiver(post_save, sender=Channel)
@receiver(post_delete, sender=Channel)
def _forget_channel_keys(sender, instance: Channel, **kwargs):
    hashes = ApiKey.objects.filter(channel_id=instance.pk).values_list("key_hash", flat=True)
    cache.delete_many([_cache_key(key_hash) for key_hash in hashes])
