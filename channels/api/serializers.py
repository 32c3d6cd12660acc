"""Resolved products (channels.resolved) to the JSON of channels.api.schemas, without another query.

Plain dicts, built once and rendered by orjson: the schemas describe them and the schemathesis run checks
that they agree.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest

from catalog.money import format_optional_amount
from channels.api.http import bad_request
from channels.resolved import ResolvedImage, ResolvedProduct, ResolvedVariant
from media.file_urls import url_of
from media.models import CustomImage, CustomRendition
from media.renditions import existing_renditions


def image_specs(request: HttpRequest) -> tuple[str, ...]:
    """The rendition specs asked for with ?image= (repeatable or comma-separated), each from the allowlist."""
    specs: list[str] = []
    for raw in request.GET.getlist("image"):
        specs.extend(spec.strip() for spec in raw.split(",") if spec.strip())
    allowed = settings.API_IMAGE_RENDITIONS
    for spec in specs:
        if spec not in allowed:
            raise bad_request(f"Image spec “{spec[:80]}” is not offered; use one of: {', '.join(allowed)}.", "image")
    return tuple(dict.fromkeys(specs))


class ImageRenderer:
    """Image JSON for one response; renditions of every image on it are fetched in one query.

    Existing renditions come from `media.renditions` (the bulk match the feeds use too); only missing ones
    go through `get_renditions`, which makes them. URLs are made absolute against the request's origin once.
    """

    def __init__(self, request: HttpRequest, specs: Sequence[str]):
        self.request = request
        self.specs = tuple(specs)
        self._origin = request.build_absolute_uri("/")[:-1]
        # The storages' `url` methods, looked up once per response: `FieldFile.url` goes through the
        # default_storage proxy (a LazyObject) on every call, which cost more than the rest of the image JSON.
        self._image_url = url_of(CustomImage._meta.get_field("file").storage)
        self._rendition_url = url_of(CustomRendition._meta.get_field("file").storage)
        self._renditions: dict[int, dict[str, tuple[str, int, int]]] = {}  # image id -> spec -> (file, w, h)

    def prepare(self, images: Iterable) -> None:
        """Fetch existing renditions of these images (CustomImage instances) for the requested specs."""
        if not self.specs:
            return
        pending = {image.pk: image for image in images if image is not None and image.pk not in self._renditions}
        if not pending:
            return
        self._renditions.update(existing_renditions(pending, self.specs))

    def absolute(self, url: str) -> str:
        if url.startswith("/") and not url.startswith("//"):
            return self._origin + url
        return self.request.build_absolute_uri(url)

    def image(self, image, role: str | None = None, alt_text: str | None = None) -> dict:
        renditions = []
        if self.specs:
            if image.pk not in self._renditions:
                self.prepare([image])
            made = self._renditions[image.pk]
            missing = [spec for spec in self.specs if spec not in made]
            if missing:
                for spec, rendition in zip(missing, image.get_renditions(*missing).values(), strict=True):
                    made[spec] = (rendition.file.name, rendition.width, rendition.height)
            for spec in self.specs:
                name, width, height = made[spec]
                renditions.append(
                    {"spec": spec, "url": self.absolute(self._rendition_url(name)), "width": width, "height": height}
                )
        return {
            "id": image.pk,
            "role": role,
            "altText": alt_text if alt_text is not None else image.default_alt_text,
            "width": image.width,
            "height": image.height,
            "url": self.absolute(self._image_url(image.file_name)),
            "renditions": renditions,
        }

    def resolved(self, item: ResolvedImage) -> dict:
        return self.image(item.image, item.role, item.alt_text)


def variant_json(variant: ResolvedVariant) -> dict:
    return {
        "id": variant.id,
        "sku": variant.sku,
        "gtin": variant.gtin,
        "mpn": variant.mpn,
        "options": variant.options,
        "weight": None if variant.weight is None else str(variant.weight),
        "weightUnit": variant.weight_unit,
        "currency": variant.currency,
        "price": format_optional_amount(variant.price, variant.currency),
        "salePrice": format_optional_amount(variant.sale_price, variant.currency),
        "saleStart": variant.sale_start,
        "saleEnd": variant.sale_end,
        "unitPrice": format_optional_amount(variant.unit_price, variant.currency),
        "onSale": variant.on_sale,
        "availability": variant.availability,
        "availabilityDate": variant.availability_date,
        "availableQuantity": variant.available_quantity,
        "sellable": variant.sellable,
        "url": variant.url,
    }


def product_json(product: ResolvedProduct, images: ImageRenderer) -> dict:
    variants = [variant for variant in product.variants if variant.published]
    prices = [variant.unit_price for variant in variants if variant.sellable and variant.unit_price is not None]
    return {
        "id": product.id,
        "slug": product.slug,
        "locale": product.locale,
        "currency": product.currency,
        "title": product.title,
        "summary": product.summary,
        "description": product.description,
        "url": product.url,
        "brand": _ref(product.brand),
        "productType": _ref(product.product_type),
        "categories": [
            {
                "id": category.id,
                "name": category.name,
                "slug": category.slug,
                "breadcrumb": [_ref(crumb) for crumb in category.breadcrumb],
            }
            for category in product.categories
        ],
        "images": [images.resolved(image) for image in product.images],
        "attributes": [
            {"code": item.code, "name": item.name, "value": item.value, "unit": item.unit}
            for item in product.attributes
        ],
        "availability": product.availability,
        "priceFrom": format_optional_amount(min(prices), product.currency) if prices else None,
        "variants": [variant_json(variant) for variant in variants],
        "updatedAt": product.updated_at,
    }


def products_json(products: Sequence[ResolvedProduct], images: ImageRenderer) -> list[dict]:
    images.prepare(item.image for product in products for item in product.images)
    return [product_json(product, images) for product in products]


def _ref(item) -> dict | None:
    if item is None:
        return None
    return {"id": item.id, "name": item.name, "slug": item.slug}


def latest(values: Iterable[datetime | None]) -> datetime | None:
    stamps = [value for value in values if value is not None]
    return max(stamps) if stamps else None
