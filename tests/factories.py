"""Shared factory_boy factories. Add new factories at the end; keep each one minimal and valid."""

import io
import json
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from PIL import Image as PILImage

from catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductType,
    ProductTypeAttribute,
    StockLevel,
    StockLocation,
    Variant,
)
from catalog.validators import gtin_check_digit
from media.models import CustomImage


def make_gtin13(n: int) -> str:
    """A valid EAN-13 in the GS1 prefix range 400–440 (Germany), unique per n."""
    body = f"40{n:010d}"
    return body + str(gtin_check_digit(body))


def png_bytes(width: int = 800, height: int = 800, color: str = "steelblue") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.set(Group.objects.filter(name__in=names))
        if create:
            self.save()


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


def category(name: str, parent: Category | None = None) -> Category:
    """Categories live in a tree, so they are made through treebeard rather than a plain factory."""
    slug = name.lower().replace(" ", "-")
    if parent is None:
        return Category.add_root(name=name, slug=slug)
    return parent.add_child(name=name, slug=slug)


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute

    code = factory.Sequence(lambda n: f"attr{n}")
    name = factory.LazyAttribute(lambda attribute: attribute.code.title())
    kind = Attribute.Kind.TEXT


def choice_attribute(code: str, values: list[str]) -> Attribute:
    attribute = AttributeFactory(code=code, name=code.title(), kind=Attribute.Kind.CHOICE)
    for order, value in enumerate(values):
        AttributeOption.objects.create(attribute=attribute, value=value, sort_order=order)
    return attribute


class ProductTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductType

    name = factory.Sequence(lambda n: f"Type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")


def apparel_type() -> ProductType:
    """A product type with a choice option `size`, a text option `color` and a text attribute `material`."""
    product_type = ProductTypeFactory(name="Apparel", slug="apparel")
    size = choice_attribute("size", ["S", "M", "L"])
    color = AttributeFactory(code="color", name="Colour")
    material = AttributeFactory(code="material", name="Material")
    for order, (attribute, role) in enumerate([(size, "variant"), (color, "variant"), (material, "product")]):
        ProductTypeAttribute.objects.create(product_type=product_type, attribute=attribute, role=role, sort_order=order)
    return product_type


class ProductFactory(factory.django.DjangoModelFactory):
    """A live product; pass live=False for a draft."""

    class Meta:
        model = Product

    title = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    brand = factory.SubFactory(BrandFactory)
    product_type = factory.SubFactory(ProductTypeFactory)
    summary = "A useful thing."
    description = "<p>A longer description.</p>"
    live = True


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    gtin = factory.Sequence(make_gtin13)
    price = Decimal("19.99")
    currency = "USD"


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomImage

    title = factory.Sequence(lambda n: f"Image {n}")
    alt_text = "A product photo"
    file = factory.LazyFunction(lambda: ImageFile(io.BytesIO(png_bytes()), name="product.png"))


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.SubFactory(ImageFactory)
    role = ProductImage.Role.MAIN


class StockLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLocation
        django_get_or_create = ("code",)

    code = "warehouse"
    name = "Warehouse"


class StockLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLevel

    variant = factory.SubFactory(VariantFactory)
    location = factory.SubFactory(StockLocationFactory)
    on_hand = 10
    reserved = 0


# --- Admin form data (the POST a browser sends from the product editor) ---------------------------


def contentstate(text: str) -> str:
    """Draftail's JSON for one paragraph, as the rich text widget posts it."""
    block = {"key": "a1b2c", "type": "unstyled", "depth": 0, "text": text, "inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})


def inline_formset_data(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    """Management form plus one `prefix-N-field` key per value; rows may carry `id` and `DELETE`."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
        data[f"{prefix}-{index}-id"] = str(row.get("id", ""))
        for field, value in row.items():
            if field != "id":
                data[f"{prefix}-{index}-{field}"] = "" if value is None else str(value)
    return data


def variant_row(sku: str, **fields) -> dict:
    row = {
        "sku": sku,
        "gtin": "",
        "mpn": "",
        "options": "",
        "weight": "",
        "weight_unit": "kg",
        "price": "19.99",
        "currency": "USD",
        "compare_at_price": "",
        "active": "on",
    }
    row.update(fields)
    return row


def product_form_data(
    *,
    title: str,
    slug: str,
    product_type,
    brand=None,
    categories=(),
    attributes: str = "",
    variants: list[dict] = (),
    images: list[dict] = (),
    initial_variants: int = 0,
    **fields,
) -> dict:
    """The product editor's POST: every tab's fields and the variants/images inline formsets."""
    data = {
        "title": title,
        "slug": slug,
        "brand": brand.pk if brand else "",
        "product_type": product_type.pk,
        "categories": [category.pk for category in categories],
        "summary": "Short.",
        "description": contentstate("Long."),
        "attributes": attributes,
        "seo_title": "",
        "seo_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    data |= inline_formset_data("variants", list(variants), initial=initial_variants)
    data |= inline_formset_data("images", list(images))
    for channel_relation in ("channel_listings", "variant_listings", "channel_images", "translations"):
        data |= inline_formset_data(channel_relation, [])  # the Channels tab, left empty
    data |= fields
    return data


def product_form_data_for(product: Product, **changes) -> dict:
    """The editor's POST for an existing product as its latest revision stands, with some fields changed."""
    current = product.get_latest_revision_as_object()
    variants = [
        {
            "id": variant.pk,
            **variant_row(
                variant.sku,
                gtin=variant.gtin,
                price=variant.price,
                currency=variant.currency,
                options=_lines(variant.options),
            ),
        }
        for variant in current.variants.all()
    ]
    data = product_form_data(
        title=current.title,
        slug=current.slug,
        product_type=current.product_type,
        brand=current.brand,
        categories=current.categories.all(),
        attributes=_lines(current.attributes),
        variants=variants,
        initial_variants=len(variants),
    )
    data |= changes
    return data


def _lines(values: dict) -> str:
    return "\n".join(f"{key}: {value}" for key, value in values.items())


# --- Channels (sales channels, listings, translations) ---

from channels.models import (  # noqa: E402 (appended section)
    Channel,
    ProductListing,
    ProductListingImage,
    ProductTranslation,
    VariantListing,
)


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"channel-{n}")
    name = factory.LazyAttribute(lambda channel: channel.code.replace("-", " ").title())
    kind = Channel.Kind.STOREFRONT
    currency = "USD"
    default_locale = "en-US"
    country = "US"
    product_url_template = "https://shop.example.com/p/{slug}?sku={sku}"


class ProductListingFactory(factory.django.DjangoModelFactory):
    """A published listing of a product on a channel, without overrides."""

    class Meta:
        model = ProductListing

    product = factory.SubFactory(ProductFactory)
    channel = factory.SubFactory(ChannelFactory)
    published = True


class VariantListingFactory(factory.django.DjangoModelFactory):
    """A channel price row for a variant (by SKU), in the channel's currency."""

    class Meta:
        model = VariantListing

    channel = factory.SubFactory(ChannelFactory)
    product = factory.LazyAttribute(lambda row: row.variant.product)
    sku = factory.LazyAttribute(lambda row: row.variant.sku)
    currency = factory.LazyAttribute(lambda row: row.channel.currency)
    price = Decimal("24.99")
    published = True

    class Params:
        variant = factory.SubFactory(VariantFactory)


class ProductListingImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductListingImage

    product = factory.SubFactory(ProductFactory)
    channel = factory.SubFactory(ChannelFactory)
    image = factory.SubFactory(ImageFactory)


class ProductTranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductTranslation

    product = factory.SubFactory(ProductFactory)
    locale = "de-DE"
    title = "Ein Produkt"
    summary = "Ein nützliches Ding."
    description = "<p>Eine längere Beschreibung.</p>"


def listed_product(channel: Channel, *, variants: int = 1, stock: int = 10, price: str = "24.99", **product_kwargs):
    """A live product with a main image, `variants` variants with stock, listed and priced on `channel`."""
    product = ProductFactory(**product_kwargs)
    ProductImageFactory(product=product)
    for _ in range(variants):
        variant = VariantFactory(product=product)
        if stock:
            StockLevelFactory(variant=variant, on_hand=stock)
        VariantListingFactory(variant=variant, channel=channel, price=Decimal(price))
    ProductListingFactory(product=product, channel=channel)
    return product


# ---- orders ------------------------------------------------------------------------------------------


class ShippingRateFactory(factory.django.DjangoModelFactory):
    """A flat shipping rate of a channel (price in the channel's currency)."""

    class Meta:
        model = "orders.ShippingRate"

    channel = factory.SubFactory(ChannelFactory)
    code = factory.Sequence(lambda n: f"rate-{n}")
    name = factory.LazyAttribute(lambda rate: rate.code.replace("-", " ").title())
    price = Decimal("5.00")
