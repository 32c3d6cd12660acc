"""The catalog version: one number every change to what channels see moves, so cached reads know they are stale.

The content API's response cache keys its entries by it (channels/api/cache.py); writers that bypass model
signals (bulk updates such as the checkout's stock reservation) call `catalog_changed()` themselves.
"""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "hub:api:catalog-version"


def catalog_version() -> int:
    """The current catalog version (a fresh one, never an old number, if the cache lost it)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, 0)
    return version


def catalog_changed() -> None:
    """Move the version now and once more when the current transaction commits (call after bulk writes)."""
    catalog_bump_now()
    catalog_changed_at_commit()


def catalog_changed_at_commit() -> None:
    """Move the version only once the current transaction commits (at once outside one).

    For writes made while rows are locked (stock reservations): with a shared cache the move is a network
    call, which must not run under the lock. After COMMIT is enough: a read that ran before then saw the old
    rows and was cached under the old version, which the move retires.
    """
    transaction.on_commit(catalog_bump_now, robust=True)


def catalog_bump_now() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there (evicted, or never read): start from a number no entry was made under
        cache.set(VERSION_KEY, time.time_ns(), None)
