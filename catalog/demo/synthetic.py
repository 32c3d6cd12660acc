"""Synthetic products for scale tests: bulk inserts in chunks, so 100,000 products load in minutes.

No revisions, signals or per-row saves: each chunk is a handful of multi-row INSERTs in one transaction,
and memory holds one chunk at a time. The products are live, like published ones without history.
"""

import io
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TextIO

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import connection, reset_queries, transaction
from django.db.models import Model
from django.utils import timezone
from tqdm import tqdm

from catalog.models import Brand, Product, ProductImage, StockLevel, Variant
from catalog.validators import gtin_check_digit
from media.models import CustomImage

from . import data, images
from .reference import DemoReference, ensure_reference_data

CHUNK_SIZE = 1000
VARIANTS_PER_PRODUCT = 3
SHARED_IMAGE_TITLE = "Synthetic product – placeholder"
NUMBER_WIDTH = 8  # zero-padded, so the highest number is also the last slug in sort order
# Bulk inserts send no save signals, so the search index does not see these products. Indexing them here
# (the backend's add_bulk, per chunk) was measured at ~45% of the load's time on SQLite and ~85% on
# PostgreSQL (about 10 ms a product there), which would put 100,000 products far past five minutes.
SEARCH_INDEX_HINT = "Search: run `manage.py update_index` to make them findable in the admin search.\n"


@dataclass(frozen=True)
class SyntheticContext:
    """What every chunk needs, looked up once."""

    brands: list[Brand]
    templates: list[tuple[int, int, str, dict, tuple]]  # product type id, category id, noun, attributes, options
    location_ids: list[int]
    image_id: int


def load_synthetic_products(count: int, stdout: TextIO, *, chunk_size: int = CHUNK_SIZE) -> int:
    """Add `count` live synthetic products (3 variants each, stock in every demo location, one shared image).

    Numbering continues after the highest synthetic product already there, so it can run again and again.
    """
    with transaction.atomic():
        context = synthetic_context(ensure_reference_data())
    first = next_synthetic_number()
    numbers = range(first, first + count)
    with _without_query_log(), tqdm(total=count, unit="product", file=sys.stderr, mininterval=1.0) as progress:
        for start in range(0, count, chunk_size):
            chunk = numbers[start : start + chunk_size]
            with transaction.atomic():
                insert_chunk(chunk, context)
            progress.update(len(chunk))
    stdout.write(f"Synthetic products: {count} added (numbers {first} to {first + count - 1}).\n")
    stdout.write(SEARCH_INDEX_HINT)
    return count


def synthetic_context(reference: DemoReference) -> SyntheticContext:
    templates = [
        (reference.product_types[type_slug].pk, reference.categories[category_slug].pk, noun, attributes, options)
        for type_slug, category_slug, noun, attributes, options in data.SYNTHETIC_TEMPLATES
    ]
    return SyntheticContext(
        brands=sorted(reference.brands.values(), key=lambda brand: brand.pk),
        templates=templates,
        location_ids=[location.pk for location in reference.locations],
        image_id=ensure_shared_image().pk,
    )


def ensure_shared_image() -> CustomImage:
    """One placeholder image all synthetic products show, so channel checks find a main image."""
    image = CustomImage.objects.filter(title=SHARED_IMAGE_TITLE).first()
    if image is None:
        content = images.draw_product_image("Synthetic Product", "#8a94a6", "gear")
        image = CustomImage(
            title=SHARED_IMAGE_TITLE,
            file=ImageFile(io.BytesIO(content), name="synthetic-product.jpg"),
            alt_text="Placeholder picture of a synthetic demo product",
            credit=data.IMAGE_CREDIT,
            rights=data.IMAGE_RIGHTS,
        )
        image._set_image_file_metadata()
        image.save()
    return image


def next_synthetic_number() -> int:
    last_slug = (
        Product.objects.filter(slug__startswith=data.SYNTHETIC_SLUG_PREFIX)
        .order_by("-slug")
        .values_list("slug", flat=True)
        .first()
    )
    return int(last_slug.removeprefix(data.SYNTHETIC_SLUG_PREFIX)) + 1 if last_slug else 1


def insert_chunk(numbers: range, context: SyntheticContext) -> None:
    """One chunk of products and everything that hangs off them, in bulk."""
    now = timezone.now()
    products = Product.objects.bulk_create(build_product(number, context, now) for number in numbers)
    variants = Variant.objects.bulk_create(
        variant
        for number, product in zip(numbers, products, strict=True)
        for variant in build_variants(number, product, context)
    )
    insert_rows(
        StockLevel,
        ("variant_id", "location_id", "on_hand", "reserved", "updated_at"),
        stock_rows(variants, context, now),
    )
    insert_rows(
        Product.categories.through,
        ("product_id", "category_id"),
        ((product.pk, template_for(number, context)[1]) for number, product in zip(numbers, products, strict=True)),
    )
    insert_rows(
        ProductImage,
        ("product_id", "image_id", "role", "sort_order"),
        ((product.pk, context.image_id, ProductImage.Role.MAIN.value, 0) for product in products),
    )


def insert_rows(model: type[Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Plain rows into a table whose rows need no model logic (stock, links): executemany, no model instances.

    Building a model instance per row cost more than the insert itself for these 4–5 integer columns.
    """
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(column) for column in columns)}) "  # noqa: S608 (names from the model)
        f"VALUES ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))


def template_for(number: int, context: SyntheticContext) -> tuple[int, int, str, dict, tuple]:
    return context.templates[number % len(context.templates)]


def build_product(number: int, context: SyntheticContext, now: datetime) -> Product:
    product_type_id, _category_id, noun, attributes, _options = template_for(number, context)
    adjective = data.SYNTHETIC_ADJECTIVES[number // len(context.templates) % len(data.SYNTHETIC_ADJECTIVES)]
    title = f"{adjective} {noun} {number}"
    return Product(
        title=title,
        slug=f"{data.SYNTHETIC_SLUG_PREFIX}{number:0{NUMBER_WIDTH}d}",
        brand=context.brands[number % len(context.brands)],
        product_type_id=product_type_id,
        summary=f"{title}: a synthetic product for scale tests.",
        description=f"<p>{title}, generated by <code>load_demo --products</code>.</p>",
        attributes=attributes,
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
        updated_at=now,
    )


def build_variants(number: int, product: Product, context: SyntheticContext) -> list[Variant]:
    options = template_for(number, context)[4]
    price = Decimal(f"{19 + number % 180}.99")
    return [
        Variant(
            product_id=product.pk,
            sku=f"{data.SYNTHETIC_SKU_PREFIX}{number:0{NUMBER_WIDTH}d}-{index + 1}",
            gtin=synthetic_gtin(number * VARIANTS_PER_PRODUCT + index),
            mpn=f"SYN{number}-{index + 1}",
            options=options[index],
            weight=Decimal("0.500"),
            weight_unit=Variant.WeightUnit.KG,
            price=price,
            currency="USD",
            compare_at_price=price + 10 if number % 5 == 0 else None,
            sort_order=index,
        )
        for index in range(VARIANTS_PER_PRODUCT)
    ]


def synthetic_gtin(serial: int) -> str:
    """GTIN-13: the synthetic prefix, a 10-digit running number, the check digit; unique per variant."""
    body = f"{data.SYNTHETIC_GTIN_PREFIX}{serial:010d}"
    return body + str(gtin_check_digit(body))


def stock_rows(variants: list[Variant], context: SyntheticContext, now: datetime) -> Iterator[tuple]:
    """Stock in every location; about one level in ten is zero (the arithmetic spreads them evenly)."""
    updated_at = connection.ops.adapt_datetimefield_value(now)
    for variant in variants:
        for offset, location_id in enumerate(context.location_ids):
            on_hand = (variant.pk * 7 + offset * 13) % 50
            yield (variant.pk, location_id, 0 if on_hand < 5 else on_hand, 0, updated_at)


@contextmanager
def _without_query_log() -> Iterator[None]:
    # With DEBUG on (the development default) Django keeps every query's SQL and, on SQLite, quotes each
    # parameter again to log it: for multi-row INSERTs that doubles the work and grows memory with N.
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug
        reset_queries()
