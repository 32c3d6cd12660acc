# ruff: noqa: B008 - ninja declares query parameters as Query(...) defaults
"""/categories, /brands and /channel: the shared catalog structure and the key's channel settings."""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from catalog.models import Brand, Category
from channels.api.http import json_read, query_params, request_locale
from channels.api.schemas import ERRORS, BrandOut, CategoryNode, ChannelOut
from channels.api.serializers import ImageRenderer, image_specs
from channels.models import Channel

router = Router(tags=["catalog"])


def changed_at(model) -> datetime:
    """When rows of `model` last changed, as this cache knows it (Last-Modified of tables without a stamp)."""
    key = f"hub:api:changed:{model._meta.label_lower}"
    cache.add(key, timezone.now().replace(microsecond=0), None)
    return cache.get(key) or timezone.now()


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Brand)
@receiver(post_delete, sender=Brand)
@receiver(post_save, sender=Channel)
@receiver(post_delete, sender=Channel)
def _touch(sender, **kwargs):
    cache.set(f"hub:api:changed:{sender._meta.label_lower}", timezone.now().replace(microsecond=0), None)


@router.get(
    "/categories",
    response={200: list[CategoryNode], **ERRORS},
    by_alias=True,
    operation_id="listCategories",
    summary="The category tree, roots first, children in their editors' order",
)
@query_params()
def list_categories(request: HttpRequest, locale: str | None = None):
    request_locale(request, locale)
    nodes: dict[str, dict] = {}
    roots: list[dict] = []
    step = Category.steplen
    for category in Category.objects.order_by("path").only("id", "name", "slug", "description", "path"):
        node = {
            "id": category.pk,
            "name": category.name,
            "slug": category.slug,
            "description": category.description,
            "children": [],
        }
        nodes[category.path] = node
        parent = nodes.get(category.path[:-step])
        (parent["children"] if parent is not None else roots).append(node)
    return json_read(request, roots, last_modified=changed_at(Category))


@router.get(
    "/brands",
    response={200: list[BrandOut], **ERRORS},
    by_alias=True,
    operation_id="listBrands",
    summary="Every brand, by name",
)
@query_params("image")
def list_brands(
    request: HttpRequest,
    image: list[str] = Query(None, description="Rendition spec(s) for the logos, from the allowlist."),
    locale: str | None = None,
):
    request_locale(request, locale)
    images = ImageRenderer(request, image_specs(request))
    brands = list(Brand.objects.select_related("logo").order_by("name"))
    images.prepare(brand.logo for brand in brands)
    data = [
        {
            "id": brand.pk,
            "name": brand.name,
            "slug": brand.slug,
            "description": brand.description,
            "logo": images.image(brand.logo) if brand.logo is not None else None,
        }
        for brand in brands
    ]
    return json_read(request, data, last_modified=changed_at(Brand))


@router.get(
    "/channel",
    response={200: ChannelOut, **ERRORS},
    by_alias=True,
    operation_id="getChannel",
    summary="The channel of the API key: currency, locale and what it may ask for",
    tags=["channel"],
)
@query_params()
def get_channel(request: HttpRequest, locale: str | None = None):
    channel: Channel = request.channel
    data = {
        "code": channel.code,
        "name": channel.name,
        "kind": channel.kind,
        "currency": channel.currency,
        "defaultLocale": channel.default_locale,
        "country": channel.country,
        "locale": request_locale(request, locale) or channel.default_locale,
        "imageRenditions": list(settings.API_IMAGE_RENDITIONS),
    }
    return json_read(request, data, last_modified=changed_at(Channel))
