"""Opaque, signed cursors: a position in one ordering of one query (anything else is a 400)."""

import base64
import hashlib
from typing import Any

import orjson
from django.core import signing

from channels.api.http import bad_request

_SIGNER = signing.Signer(salt="hub.api.cursor")


def query_fingerprint(params: dict[str, Any]) -> str:
    """A short hash of the query a cursor belongs to (its filters and ordering, not the page size)."""
    return hashlib.blake2b(orjson.dumps(params, option=orjson.OPT_SORT_KEYS), digest_size=8).hexdigest()


def cursor_encode(fingerprint: str, position: list[Any]) -> str:
    payload = base64.urlsafe_b64encode(orjson.dumps([fingerprint, position])).decode().rstrip("=")
    return _SIGNER.sign(payload)


def cursor_decode(cursor: str, fingerprint: str) -> list[Any]:
    """The position stored in a cursor made for this query; a 400 for anything forged, stale or foreign."""
    try:
        payload = _SIGNER.unsign(cursor)
        made_for, position = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise bad_request("This cursor is not valid.", "cursor", "invalid_cursor") from exc
    if made_for != fingerprint or not isinstance(position, list):
        raise bad_request("This cursor belongs to another query (filters or ordering).", "cursor", "invalid_cursor")
    return position
