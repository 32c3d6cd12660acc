"""The list and detail read products through the plain-row loader (channels.bulk); the ORM prefetch bundle
(channels.selectors) stays for drafts. Both must give the very same JSON, whatever a product carries."""

from datetime import timedelta
from decimal import Decimal

import orjson
import pytest
from django.test import RequestFactory
from django.utils import timezone

from catalog.models import Product, ProductImage
from channels.api.http import dumps
from channels.api.serializers import ImageRenderer, products_json
from channels.resolver import resolve_many
from channels.selectors import prefetch_bundle
from media.models import CustomImage
from tests.factories import (
    ChannelFactory,
    ImageFactory,
    ProductFactory,
    ProductImageFactory,
    ProductListingFactory,
    ProductListingImageFactory,
    ProductTranslationFactory,
    StockLevelFactory,
    VariantFactory,
    VariantListingFactory,
    apparel_type,
    category,
)

pytestmark = pytest.mark.django_db

SPECS = ("fill-160x160", "fill-400x400|format-webp")


def rich_product(channel, other, product_type, *, title: str, channel_images: bool):
    """A product with everything the resolver reads, and rows of another channel that must not leak in."""
    now = timezone.now()
    product = ProductFactory(
        title=title,
        product_type=product_type,
        attributes={"material": "Linen", "color": "Red", "undeclared": 3, "condition": "new"},
    )
    main, extra, lifestyle = ImageFactory(), ImageFactory(alt_text=""), ImageFactory()
    ProductImageFactory(product=product, image=lifestyle, role=ProductImage.Role.LIFESTYLE, sort_order=2)
    ProductImageFactory(product=product, image=main, role=ProductImage.Role.MAIN, sort_order=5)
    ProductImageFactory(product=product, image=extra, role=ProductImage.Role.ADDITIONAL, sort_order=1)
    if channel_images:
        ProductListingImageFactory(product=product, channel=channel, image=lifestyle, sort_order=0)
        ProductListingImageFactory(product=product, channel=channel, image=main, sort_order=1)
    ProductListingImageFactory(product=product, channel=other, image=extra, sort_order=0)

    on_sale = VariantFactory(
        product=product, options={"size": "M", "color": "Red"}, weight=Decimal("0.350"), sort_order=2
    )
    future_sale = VariantFactory(product=product, options={"size": "L"}, mpn="MPN-L", sort_order=1)
    preorder = VariantFactory(product=product, options={"size": "S"}, sort_order=3)
    unpriced = VariantFactory(product=product, options={"size": "XL"}, sort_order=4)
    VariantFactory(product=product, active=False, sort_order=0)
    StockLevelFactory(variant=on_sale, on_hand=7, reserved=2)
    StockLevelFactory(variant=future_sale, on_hand=0)
    VariantListingFactory(
        variant=on_sale,
        channel=channel,
        price=Decimal("30.00"),
        sale_price=Decimal("24.50"),
        sale_start=now - timedelta(days=1),
        sale_end=now + timedelta(days=1),
    )
    VariantListingFactory(
        variant=future_sale,
        channel=channel,
        price=Decimal("31.00"),
        sale_price=Decimal("20"),
        sale_start=now + timedelta(days=3),
    )
    VariantListingFactory(
        variant=preorder,
        channel=channel,
        price=Decimal("29.999"),
        availability="preorder",
        availability_date=now + timedelta(days=9),
    )
    VariantListingFactory(variant=unpriced, channel=other, price=Decimal("99"))

    ProductListingFactory(product=product, channel=channel, summary="Channel summary", attributes={"gender": "unisex"})
    ProductListingFactory(product=product, channel=other, title="Other channel title")
    ProductTranslationFactory(
        product=product, locale="de", title=f"{title} (de)", summary="", description="<p>Deutsch</p>"
    )
    ProductTranslationFactory(product=product, locale="de-CH", title=f"{title} (de-CH)")
    ProductTranslationFactory(product=product, locale="fr-FR", title=f"{title} (fr)")
    clothing = category(f"Clothing {title}")
    shirts = category(f"Shirts {title}", parent=clothing)
    product.categories.set([shirts, category(f"Sale {title}")])
    product.save()
    return product


def through_the_orm(channel, locale: str | None, specs) -> list[dict]:
    """The list's items as the ORM path (prefetch bundle) gives them, in the list's default order."""
    request = RequestFactory().get("/api/v1/products")
    queryset = prefetch_bundle(Product.objects.order_by("title", "pk"), channel, locale)
    resolved = [item for item in resolve_many(queryset, channel, locale) if item.visible]
    return orjson.loads(dumps(products_json(resolved, ImageRenderer(request, specs))))  # as the API renders


@pytest.mark.parametrize("locale", [None, "de-CH", "de-AT", "fr-FR"])
def test_list_and_detail_json_match_the_orm_path(api, channel, locale):
    other = ChannelFactory(code="other", currency="USD")
    apparel = apparel_type()
    first = rich_product(channel, other, apparel, title="Linen shirt", channel_images=True)
    rich_product(channel, other, apparel, title="Wool shirt", channel_images=False)
    image = "&".join(f"image={spec}" for spec in SPECS)
    suffix = f"&locale={locale}" if locale else ""

    listed = api.get(f"/api/v1/products?{image}{suffix}")
    detail = api.get(f"/api/v1/products/{first.pk}?{image}{suffix}")

    assert listed.status_code == 200, listed.content
    expected = through_the_orm(channel, locale, SPECS)
    assert len(expected) == 2
    assert listed.json()["items"] == expected
    assert detail.json() == expected[0]
    item = expected[0]
    assert [variant["salePrice"] for variant in item["variants"]] == ["20.00", "24.50", None]
    assert [image["id"] for image in item["images"]] == [
        img.image_id for img in first.channel_images.filter(channel=channel).order_by("sort_order")
    ]
    stored = CustomImage.objects.get(pk=item["images"][0]["id"])  # URLs as Wagtail's own FieldFile.url gives them
    assert item["images"][0]["url"] == f"http://testserver{stored.file.url}"
    assert [rendition["url"] for rendition in item["images"][0]["renditions"]] == [
        f"http://testserver{stored.get_rendition(spec).url}" for spec in SPECS
    ]
    assert [category["breadcrumb"][0]["name"] for category in item["categories"]][0] == "Clothing Linen shirt"
