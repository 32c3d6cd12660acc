"""A server-side cache of the product reads, keyed by a catalog version that every change moves.

A read's body is kept under (catalog version, channel, locale, host, path, normalised query). Every write
that can change what a read returns moves the version: saves and deletes of the rows the resolver reads
(products, variants, images, listings, prices, texts, stock, channels, categories, brands, types), the
publish/unpublish signals, and `catalog_changed()` for writes that send no signals (`QuerySet.update()`,
`bulk_create`). So the very next request after a change misses the cache: no stale read.

The version is moved when the write happens and again when its transaction commits, so a read that ran
between the two (and saw the old rows) is not served afterwards. It lives in the Django cache, so it reaches
every web process only when that cache is shared (Redis): the response cache is on by default only then
(`API_RESPONSE_CACHE`). Entries expire after `API_RESPONSE_CACHE_SECONDS`, which bounds how late a change
that no write makes (an availability or sale window opening at its time) is seen — as `Cache-Control`'s
max-age already does for every HTTP cache in front of the API.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from wagtail.signals import published, unpublished

from catalog.models import (
    Attribute,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductType,
    ProductTypeAttribute,
    StockLevel,
    Variant,
)
from channels.api.http import read_response, request_locale
from channels.catalog_version import catalog_bump_now, catalog_changed, catalog_version
from channels.models import Channel, ProductListing, ProductListingImage, ProductTranslation, VariantListing
from hub.api_errors import ApiError
from hub.models import ProductTombstone

_RESPONSE_PREFIX = "hub:api:read"
_BYPASS_PARAMS = frozenset({"previewToken", "token"})  # drafts are never cached
WATCHED_MODELS = (
    Product,
    Variant,
    ProductImage,
    StockLevel,
    Brand,
    Category,
    ProductType,
    ProductTypeAttribute,
    Attribute,
    Channel,
    ProductListing,
    ProductListingImage,
    VariantListing,
    ProductTranslation,
    ProductTombstone,
)


def cached_read(view):
    """Serve a read from the response cache when on; store what the view answered (200 or 304) otherwise."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        key = _response_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        entry = cache.get(key)
        if entry is not None:
            return read_response(request, entry)
        response = view(request, *args, **kwargs)
        entry = getattr(response, "read_entry", None)
        if entry is not None and entry.cache:
            cache.set(key, entry, settings.API_RESPONSE_CACHE_SECONDS)
        return response

    return wrapper


def _response_key(request: HttpRequest) -> str | None:
    if not settings.API_RESPONSE_CACHE or request.method != "GET":
        return None
    channel = getattr(request, "channel", None)
    if channel is None or any(name in request.GET for name in _BYPASS_PARAMS):
        return None
    try:
        locale = request_locale(request, request.GET.get("locale"))
    except ApiError:
        return None  # the view answers the 400
    query = sorted((name, tuple(request.GET.getlist(name))) for name in request.GET)
    identity = repr((channel.pk, locale, request.scheme, request.get_host(), request.path, query))
    digest = hashlib.blake2b(identity.encode(), digest_size=20).hexdigest()
    return f"{_RESPONSE_PREFIX}:{catalog_version()}:{digest}"


def _on_change(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded
    if sender is Channel:
        # A channel's own settings: one row saved in a short transaction, so moving the version now is
        # enough (and a channel save schedules nothing on commit unless its rules changed).
        catalog_bump_now()
        return
    catalog_changed()


for _model in WATCHED_MODELS:
    post_save.connect(_on_change, sender=_model, dispatch_uid=f"api-cache-save-{_model._meta.label}")
    post_delete.connect(_on_change, sender=_model, dispatch_uid=f"api-cache-delete-{_model._meta.label}")
m2m_changed.connect(_on_change, sender=Product.categories.through, dispatch_uid="api-cache-categories")
published.connect(_on_change, sender=Product, dispatch_uid="api-cache-published")
unpublished.connect(_on_change, sender=Product, dispatch_uid="api-cache-unpublished")
