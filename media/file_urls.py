"""The URL of a stored file by its name, remembered where it depends on nothing but the name.

A content API page shows about forty image and rendition URLs, and `FileSystemStorage.url()` quotes the
name and runs `urljoin` for each: measured, that was about 7% of a list request's CPU. A local file's URL
is MEDIA_URL plus the quoted name, fixed for the life of the process, so it is remembered per name. Other
storages (S3 with signed, expiring URLs, say) are asked every time.
"""

from collections.abc import Callable
from functools import lru_cache

from django.core.files.storage import FileSystemStorage, Storage
from django.core.signals import setting_changed
from django.dispatch import receiver

REMEMBERED_URLS = 20_000  # per storage; at ~150 bytes each, about 3 MB per process at most


def url_of(storage: Storage) -> Callable[[str], str]:
    """`storage.url`, remembered per name for local files."""
    if isinstance(storage, FileSystemStorage):
        return _remembered(storage)
    return storage.url


@lru_cache(maxsize=16)
def _remembered(storage: FileSystemStorage) -> Callable[[str], str]:
    return lru_cache(maxsize=REMEMBERED_URLS)(storage.url)


@receiver(setting_changed)
def _forget_on_settings_change(*, setting: str, **kwargs) -> None:
    """Tests (and only tests) change MEDIA_URL or the storages at run time: forget the URLs made before."""
    if setting in ("MEDIA_URL", "MEDIA_ROOT", "STORAGES"):
        _remembered.cache_clear()
