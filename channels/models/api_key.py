"""Channel API keys: the key decides the channel. Only a hash is stored; the key is shown once."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone

KEY_PREFIX = "hub_"


def hash_key(raw_key: str) -> str:
    # Keys are 256-bit random tokens, so a fast hash is enough (no password-style stretching needed).
    return hashlib.sha256(raw_key.encode()).hexdigest()


def new_raw_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, channel__active=True)


class ApiKey(models.Model):
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=120, help_text="Who uses it, e.g. “Web storefront production”.")
    prefix = models.CharField(max_length=12, editable=False, help_text="The key's first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
