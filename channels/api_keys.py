"""Creating and checking channel API keys; the API layers call these, never the hash directly."""

from django.http import HttpRequest

from channels.models import ApiKey, Channel
from channels.models.api_key import hash_key, new_raw_key


def api_key_create(*, channel: Channel, name: str) -> tuple[ApiKey, str]:
    """A new key for the channel, and the raw key, which is shown once and never stored."""
    raw_key = new_raw_key()
    api_key = ApiKey.objects.create(channel=channel, name=name, prefix=raw_key[:12], key_hash=hash_key(raw_key))
    return api_key, raw_key


def raw_key_from_request(request: HttpRequest) -> str | None:
    """`Authorization: Bearer <key>`, or `X-Api-Key: <key>`."""
    authorization = request.headers.get("Authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("X-Api-Key") or None


def api_key_authenticate(raw_key: str | None) -> ApiKey | None:
    """The usable key (not revoked, channel active) for a raw key, with its channel; None otherwise."""
    if not raw_key:
        return None
    return ApiKey.objects.usable().select_related("channel").filter(key_hash=hash_key(raw_key)).first()


def api_key_revoke(api_key: ApiKey) -> None:
    """Revoke a key: from now on it authenticates nothing. Revoking twice keeps the first time."""
    if not api_key.is_revoked:
        api_key.revoke()
