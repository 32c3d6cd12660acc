"""The curated demo catalog: ~60 products with variants, drawn images, stock and revision history."""

import io
import itertools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import TextIO

from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from modelsearch import signal_handlers as search_signal_handlers
from wagtail.log_actions import log
from wagtail.models import ReferenceIndex
from wagtail.search.backends import get_search_backend
from wagtail.signal_handlers import disable_reference_index_auto_update

from catalog.models import Product, ProductImage, StockLevel, StockLocation, Variant
from catalog.validators import gtin_check_digit
from media.models import CustomImage

from . import data, images
from .reference import DemoReference, ensure_reference_data

DEFAULT_COLOUR = "#55606a"  # for products without a colour option (cookware)
PRICE_STEP_OPTIONS = {"diameter": Decimal("15.00"), "bed_size": Decimal("20.00")}  # bigger costs more
SCHEDULED_DELAY = timedelta(days=14)
BRAND_CODES = {spec.slug: spec.code for spec in data.BRANDS}  # SKU prefixes


def load_catalog_demo(stdout: TextIO) -> int:
    """Create the curated demo catalog where it is missing; returns how many products were created.

    Products are matched by slug: an existing one is left as it is (an editor may have changed it), so a
    second run makes no writes and takes a few queries.
    """
    with transaction.atomic():
        reference = ensure_reference_data()
        existing = set(Product.objects.filter(slug__in=curated_slugs()).values_list("slug", flat=True))
        swatches = SwatchImages()
        created = []
        with deferred_indexing():
            for number, spec in enumerate(data.PRODUCTS, start=1):
                if slugify(spec.title) not in existing:
                    created.append(create_curated_product(number, spec, reference, swatches))
            index_created(created, swatches.created)
    stdout.write(f"Catalog demo: {len(created)} products created, {len(data.PRODUCTS) - len(created)} already there.\n")
    return len(created)


@contextmanager
def deferred_indexing() -> Iterator[None]:
    """Skip the per-save search and reference index updates; `index_created` does them once per object.

    Each product is saved three times (create, revision, publish) and every save would re-index it: with
    Wagtail's in-process task backend that was more than half of the load's time.
    """
    models = (Product, CustomImage)
    for model in models:
        post_save.disconnect(search_signal_handlers.post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(search_signal_handlers.post_save_signal_handler, sender=model)


def index_created(products: list[Product], other_images: list[CustomImage]) -> None:
    if not products:
        return
    backend = get_search_backend()
    backend.add_bulk(Product, list(Product.get_indexed_objects().filter(pk__in=[p.pk for p in products])))
    image_ids = {item.image_id for product in products for item in product.images.all()}
    image_ids |= {image.pk for image in other_images}
    backend.add_bulk(CustomImage, list(CustomImage.objects.filter(pk__in=image_ids)))
    for product in products:
        ReferenceIndex.create_or_update_for_object(product)


def curated_slugs() -> list[str]:
    return [slugify(spec.title) for spec in data.PRODUCTS]


def create_curated_product(
    number: int, spec: data.ProductSpec, reference: DemoReference, swatches: "SwatchImages"
) -> Product:
    """One product aggregate, saved and then published (or left in the status the spec asks for)."""
    product = build_product(spec, reference)
    product.variants = build_variants(number, spec, product, reference)
    product.images = build_gallery(number, spec, reference, swatches)
    for variant in product.variants.all():
        variant.full_clean(exclude=["product"])  # GTIN check digit, SKU uniqueness, options vs product type
    if spec.status == "scheduled":
        product.go_live_at = timezone.now() + SCHEDULED_DELAY
    product.save()
    log(product, "wagtail.create")
    create_stock(product, reference.locations)
    apply_status(spec, product)
    return product


def build_product(spec: data.ProductSpec, reference: DemoReference) -> Product:
    brand = reference.brands[spec.brand]
    product = Product(
        title=spec.title,
        slug=slugify(spec.title),
        brand=brand,
        product_type=reference.product_types[spec.product_type],
        summary=spec.summary,
        description=describe(spec, reference),
        attributes=dict(spec.attributes),
        seo_title=f"{spec.title} | {brand.name}",
        seo_description=spec.summary,
        live=False,  # made live by publishing its first revision, as the admin does
    )
    product.categories = [reference.categories[slug] for slug in spec.categories]
    return product


def describe(spec: data.ProductSpec, reference: DemoReference) -> str:
    """Rich-text description: the summary and a list of the product's attributes."""
    items = []
    for code, value in spec.attributes.items():
        attribute = reference.attributes[code]
        shown = {"yes": "Yes", "no": "No"}.get(value, value)
        items.append(
            f"<li>{escape(attribute.name)}: {escape(shown)}{' ' + attribute.unit if attribute.unit else ''}</li>"
        )
    return f"<p>{escape(spec.summary)}</p><ul>{''.join(items)}</ul>"


def build_variants(number: int, spec: data.ProductSpec, product: Product, reference: DemoReference) -> list[Variant]:
    brand_code = BRAND_CODES[spec.brand]
    codes = list(spec.options)
    variants = []
    for index, values in enumerate(itertools.product(*spec.options.values())):
        options = dict(zip(codes, values, strict=True))
        surcharge = sum(
            (
                PRICE_STEP_OPTIONS[code] * spec.options[code].index(value)
                for code, value in options.items()
                if code in PRICE_STEP_OPTIONS
            ),
            Decimal("0"),
        )
        variants.append(
            Variant(
                product=product,
                sku=f"{brand_code}-{number:03d}-{'-'.join(slugify(str(value)).upper() for value in values)}",
                gtin=curated_gtin(number, index),
                mpn=f"{brand_code}{1000 + number * 37}-{index + 1:02d}",
                options=options,
                weight=Decimal(spec.weight),
                weight_unit=Variant.WeightUnit.KG,
                price=Decimal(spec.price) + surcharge,
                currency="USD",
                compare_at_price=Decimal(spec.compare_at) + surcharge if spec.compare_at else None,
                sort_order=index,
            )
        )
    return variants


def curated_gtin(number: int, index: int) -> str:
    """GTIN-13: our demo company prefix, the product's number and the variant's index, then the check digit."""
    body = f"{data.CURATED_GTIN_PREFIX}{number:03d}{index:02d}"
    return body + str(gtin_check_digit(body))


def build_gallery(
    number: int, spec: data.ProductSpec, reference: DemoReference, swatches: "SwatchImages"
) -> list[ProductImage]:
    """Main and side studio shots for every product; a lifestyle shot for every third; swatches by colour."""
    shape = next(product_type.shape for product_type in data.PRODUCT_TYPES if product_type.slug == spec.product_type)
    colours = spec.options.get("color", ())
    colour = data.COLOURS[colours[0]] if colours else DEFAULT_COLOUR
    by_brand = f"{spec.title} by {reference.brands[spec.brand].name}"
    shots = [
        (
            ProductImage.Role.MAIN,
            "main",
            images.draw_product_image(spec.title, colour, shape),
            f"{by_brand}, studio shot",
        ),
        (
            ProductImage.Role.ADDITIONAL,
            "side",
            images.draw_product_image(spec.title, colour, shape, view=1),
            f"{by_brand}, seen from the side",
        ),
    ]
    if number % 3 == 0:
        shots.append(
            (
                ProductImage.Role.LIFESTYLE,
                "lifestyle",
                images.draw_lifestyle_image(spec.title, colour, shape),
                f"{spec.title} outdoors on a sunny day",
            )
        )
    slug = slugify(spec.title)
    gallery = [
        (role, save_image(f"{spec.title} – {name}", f"{slug}-{name}.jpg", content, alt_text))
        for role, name, content, alt_text in shots
    ]
    if len(colours) > 1:
        gallery += [(ProductImage.Role.SWATCH, swatches.get(name)) for name in colours]
    return [ProductImage(image=image, role=role, sort_order=order) for order, (role, image) in enumerate(gallery)]


def save_image(title: str, filename: str, content: bytes, alt_text: str) -> CustomImage:
    image = CustomImage(
        title=title,
        file=ImageFile(io.BytesIO(content), name=filename),
        alt_text=alt_text,
        credit=data.IMAGE_CREDIT,
        rights=data.IMAGE_RIGHTS,
    )
    image._set_image_file_metadata()  # file size and hash, as Wagtail's upload form sets them
    image.save()
    return image


class SwatchImages:
    """Swatch images are shared by colour across products, and found again on a re-run."""

    def __init__(self) -> None:
        self.created: list[CustomImage] = []
        self._by_title = {image.title: image for image in CustomImage.objects.filter(title__startswith="Swatch: ")}

    def get(self, colour_name: str) -> CustomImage:
        title = f"Swatch: {colour_name}"
        if title not in self._by_title:
            self._by_title[title] = save_image(
                title,
                f"swatch-{slugify(colour_name)}.png",
                images.draw_swatch(data.COLOURS[colour_name]),
                f"{colour_name} colour swatch",
            )
            self.created.append(self._by_title[title])
        return self._by_title[title]


def create_stock(product: Product, locations: list[StockLocation]) -> None:
    """Stock in both locations; seeded by slug, so a product always gets the same figures, some of them zero."""
    rng = random.Random(f"demo-stock:{product.slug}")  # noqa: S311 (demo data, not security)
    levels = []
    for variant in product.variants.all():
        sold_out = rng.random() < 0.1
        for location in locations:
            on_hand = 0 if sold_out or rng.random() < 0.1 else rng.randint(1, 120)
            reserved = rng.randint(0, min(on_hand, 5)) if on_hand else 0
            levels.append(StockLevel(variant=variant, location=location, on_hand=on_hand, reserved=reserved))
    StockLevel.objects.bulk_create(levels)


def apply_status(spec: data.ProductSpec, product: Product) -> None:
    """Publish, or leave a draft, or publish then save an unpublished change, so the admin shows every status."""
    revision = product.save_revision(log_action=spec.status == "draft")
    if spec.status == "draft":
        return
    revision.publish()  # for "scheduled", go_live_at in the future makes this a scheduled publish
    if spec.status == "changed":
        product.refresh_from_db()
        product.summary = f"{spec.summary} Now in a recycled fabric."
        product.save_revision(log_action=True)
