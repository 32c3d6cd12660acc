"""Bulk reading for recomputing completeness over a whole catalog: plain rows instead of model instances.

Building ORM instances for a product and its ~30 children on six channels is most of the cost of a full
recompute, so this reads the same relations with `values_list` into light stand-ins that offer what the
resolver reads (attributes and `.all()` on relations). The resolver itself is unchanged: one fallback logic.
Products with an unpublished draft are not read here: their draft lives in a revision (see services).
"""

from collections import defaultdict
from types import SimpleNamespace

from django.db.models import F, Sum

from catalog.models import Brand, Category, Product, ProductImage, ProductType, ProductTypeAttribute, StockLevel
from catalog.models import Variant as VariantModel
from channels.models import ProductListing, ProductListingImage, ProductTranslation, VariantListing
from channels.resolver import STOCK_ANNOTATION
from media.models import CustomImage


class Rows(list):
    """A list that answers `.all()`, as a prefetched relation does."""

    def all(self):
        return self


def _namespaces(queryset, names: tuple[str, ...]) -> list[SimpleNamespace]:
    return [SimpleNamespace(**dict(zip(names, row, strict=True))) for row in queryset.values_list(*names)]


def _by(items, key: str) -> dict:
    grouped = defaultdict(Rows)
    for item in items:
        grouped[getattr(item, key)].append(item)
    return grouped


def load_products(product_ids: list[int]) -> list[SimpleNamespace]:
    """Stand-ins for the live products with these ids (those without unpublished changes), ready to resolve."""
    products = _namespaces(
        Product.objects.filter(pk__in=product_ids, has_unpublished_changes=False).order_by("pk"),
        (
            "pk",
            "slug",
            "live",
            "title",
            "summary",
            "description",
            "attributes",
            "brand_id",
            "product_type_id",
            "updated_at",
        ),
    )
    ids = [product.pk for product in products]
    variants = _namespaces(
        VariantModel.objects.filter(product_id__in=ids),
        ("pk", "product_id", "sku", "gtin", "mpn", "options", "weight", "weight_unit", "active", "sort_order"),
    )
    stock = dict(
        StockLevel.objects.filter(variant__product_id__in=ids)
        .values("variant_id")
        .annotate(available=Sum(F("on_hand") - F("reserved")))
        .values_list("variant_id", "available")
    )
    for variant in variants:
        setattr(variant, STOCK_ANNOTATION, stock.get(variant.pk, 0))
    product_images = _namespaces(
        ProductImage.objects.filter(product_id__in=ids), ("pk", "product_id", "image_id", "role", "sort_order")
    )
    channel_images = _namespaces(
        ProductListingImage.objects.filter(product_id__in=ids),
        ("pk", "product_id", "channel_id", "image_id", "sort_order"),
    )
    images = _images({item.image_id for item in [*product_images, *channel_images]})
    for item in [*product_images, *channel_images]:
        item.image = images[item.image_id]
    category_links = list(
        Product.categories.through.objects.filter(product_id__in=ids).values_list("product_id", "category_id")
    )
    categories = {
        node.pk: node
        for node in _namespaces(
            Category.objects.filter(pk__in={category for _, category in category_links}), ("pk", "path", "name", "slug")
        )
    }
    categories_by_product = defaultdict(Rows)
    for product_id, category_id in category_links:
        categories_by_product[product_id].append(categories[category_id])
    brands = {
        brand.pk: brand
        for brand in _namespaces(Brand.objects.filter(pk__in={p.brand_id for p in products}), ("pk", "name", "slug"))
    }
    product_types = _product_types({product.product_type_id for product in products})

    listings = _by(
        _namespaces(
            ProductListing.objects.filter(product_id__in=ids),
            (
                "product_id",
                "channel_id",
                "published",
                "available_from",
                "available_until",
                "title",
                "summary",
                "description",
                "channel_category",
                "attributes",
            ),
        ),
        "product_id",
    )
    variant_listings = _by(
        _namespaces(
            VariantListing.objects.filter(product_id__in=ids),
            (
                "product_id",
                "channel_id",
                "sku",
                "published",
                "currency",
                "price",
                "sale_price",
                "sale_start",
                "sale_end",
                "availability",
                "availability_date",
            ),
        ),
        "product_id",
    )
    translations = _by(
        _namespaces(
            ProductTranslation.objects.filter(product_id__in=ids),
            ("product_id", "locale", "title", "summary", "description"),
        ),
        "product_id",
    )
    variants_by_product = _by(variants, "product_id")
    images_by_product = _by(product_images, "product_id")
    channel_images_by_product = _by(channel_images, "product_id")

    for product in products:
        product.brand = brands.get(product.brand_id)
        product.product_type = product_types.get(product.product_type_id)
        product.variants = variants_by_product.get(product.pk, Rows())
        product.images = images_by_product.get(product.pk, Rows())
        product.categories = categories_by_product.get(product.pk, Rows())
        product.channel_listings = listings.get(product.pk, Rows())
        product.variant_listings = variant_listings.get(product.pk, Rows())
        product.channel_images = channel_images_by_product.get(product.pk, Rows())
        product.translations = translations.get(product.pk, Rows())
    return products


def _images(image_ids: set[int]) -> dict[int, SimpleNamespace]:
    images = {}
    rows = CustomImage.objects.filter(pk__in=image_ids).values_list(
        "pk", "alt_text", "description", "title", "width", "height"
    )
    for pk, alt_text, description, title, width, height in rows:
        images[pk] = SimpleNamespace(
            pk=pk, default_alt_text=alt_text or description or title, width=width, height=height
        )
    return images


def _product_types(type_ids: set[int]) -> dict[int, SimpleNamespace]:
    types = {row.pk: row for row in _namespaces(ProductType.objects.filter(pk__in=type_ids), ("pk", "name", "slug"))}
    for product_type in types.values():
        product_type.attribute_links = Rows()
    links = (
        ProductTypeAttribute.objects.filter(product_type_id__in=type_ids)
        .order_by("sort_order")
        .values_list("product_type_id", "attribute__code", "attribute__name", "attribute__unit")
    )
    for type_id, code, name, unit in links:
        attribute = SimpleNamespace(code=code, name=name, unit=unit)
        types[type_id].attribute_links.append(SimpleNamespace(attribute=attribute))
    return types
