"""The demo's reference data (brands, category tree, attributes, product types, stock locations).

Each `ensure_*` function creates what is missing and leaves existing rows alone, so loading twice
changes nothing and editors' later changes to these rows survive a re-run.
"""

from dataclasses import dataclass

from catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    ProductType,
    ProductTypeAttribute,
    StockLocation,
)

from . import data


@dataclass(frozen=True)
class DemoReference:
    """The reference rows the product loaders need, looked up by slug or code."""

    brands: dict[str, Brand]
    categories: dict[str, Category]
    attributes: dict[str, Attribute]
    product_types: dict[str, ProductType]
    locations: list[StockLocation]


def ensure_reference_data() -> DemoReference:
    attributes = ensure_attributes()
    return DemoReference(
        brands=ensure_brands(),
        categories=ensure_categories(),
        attributes=attributes,
        product_types=ensure_product_types(attributes),
        locations=ensure_stock_locations(),
    )


def ensure_brands() -> dict[str, Brand]:
    brands = {brand.slug: brand for brand in Brand.objects.filter(slug__in=[spec.slug for spec in data.BRANDS])}
    for spec in data.BRANDS:
        if spec.slug not in brands:
            brands[spec.slug] = Brand.objects.create(slug=spec.slug, name=spec.name, description=spec.description)
    return brands


def ensure_categories() -> dict[str, Category]:
    slugs = [spec.slug for spec in _all_category_specs()]
    categories = {category.slug: category for category in Category.objects.filter(slug__in=slugs)}
    for root_spec in data.CATEGORIES:
        root = categories.get(root_spec.slug)
        if root is None:
            root = categories[root_spec.slug] = Category.add_root(name=root_spec.name, slug=root_spec.slug)
        for child_spec in root_spec.children:
            if child_spec.slug not in categories:
                # Re-read the parent: treebeard needs its current child count to place the new node.
                parent = Category.objects.get(pk=root.pk)
                categories[child_spec.slug] = parent.add_child(name=child_spec.name, slug=child_spec.slug)
    return categories


def _all_category_specs() -> list[data.CategorySpec]:
    return [spec for root in data.CATEGORIES for spec in (root, *root.children)]


def ensure_attributes() -> dict[str, Attribute]:
    codes = [spec.code for spec in data.ATTRIBUTES]
    attributes = {attribute.code: attribute for attribute in Attribute.objects.filter(code__in=codes)}
    for spec in data.ATTRIBUTES:
        if spec.code in attributes:
            continue
        attribute = Attribute.objects.create(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            unit=spec.unit,
            marketplace_attribute=spec.marketplace_attribute,
        )
        AttributeOption.objects.bulk_create(
            AttributeOption(attribute=attribute, value=value, sort_order=order)
            for order, value in enumerate(spec.options)
        )
        attributes[spec.code] = attribute
    return attributes


def ensure_product_types(attributes: dict[str, Attribute]) -> dict[str, ProductType]:
    slugs = [spec.slug for spec in data.PRODUCT_TYPES]
    existing = ProductType.objects.filter(slug__in=slugs).prefetch_related("attribute_links__attribute__options")
    product_types = {product_type.slug: product_type for product_type in existing}
    for spec in data.PRODUCT_TYPES:
        if spec.slug not in product_types:
            product_types[spec.slug] = create_product_type(spec, attributes)
    return product_types


def create_product_type(spec: data.ProductTypeSpec, attributes: dict[str, Attribute]) -> ProductType:
    product_type = ProductType.objects.create(slug=spec.slug, name=spec.name)
    roles = [(code, required, "product") for code, required in spec.product_attributes]
    roles += [(code, required, "variant") for code, required in spec.variant_attributes]
    ProductTypeAttribute.objects.bulk_create(
        ProductTypeAttribute(
            product_type=product_type, attribute=attributes[code], role=role, required=required, sort_order=order
        )
        for order, (code, required, role) in enumerate(roles)
    )
    # Fetched again with its links prefetched, so validating 180 variants costs no further queries.
    return ProductType.objects.prefetch_related("attribute_links__attribute__options").get(pk=product_type.pk)


def ensure_stock_locations() -> list[StockLocation]:
    locations = []
    for spec in data.STOCK_LOCATIONS:
        location, _ = StockLocation.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "country": spec.country}
        )
        locations.append(location)
    return locations
