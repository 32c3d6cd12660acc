from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product, ProductImage, ProductTypeAttribute
from channels.feeds.models import FeedSettings
from channels.models import Channel, ProductListing, VariantListing
from tests.factories import (
    ChannelFactory,
    ImageFactory,
    ProductTypeFactory,
    category,
    choice_attribute,
    listed_product,
)

BASE_URL = "https://hub.example.com"
TRICKY_TITLE = 'Tab\there & <b>bold</b> "quoted", comma; Grüße – 日本'
TRICKY_DESCRIPTION = '<p>Line one &amp; "two" &lt;three&gt;</p><p>Second\tline: naïve café, 東京</p>'


@pytest.fixture(autouse=True)
def feeds_root(settings, tmp_path):
    settings.FEEDS_ROOT = tmp_path / "feeds"
    settings.FEEDS_BASE_URL = BASE_URL
    return settings.FEEDS_ROOT


def make_channel(kind: str, code: str | None = None, **kwargs) -> Channel:
    return ChannelFactory(code=code or f"{kind}-us", kind=kind, **kwargs)


@pytest.fixture
def google(db):
    return make_channel(Channel.Kind.GOOGLE)


@pytest.fixture
def meta(db):
    return make_channel(Channel.Kind.META)


@pytest.fixture
def amazon(db):
    channel = make_channel(Channel.Kind.AMAZON)
    FeedSettings.objects.create(channel=channel, amazon_seller_id="A1SELLER")
    return channel


@pytest.fixture
def marketplace(db):
    return make_channel(Channel.Kind.MARKETPLACE, code="market")


def listing(product, channel) -> ProductListing:
    return ProductListing.objects.get(product=product, channel=channel)


def set_listing(product, channel, **fields) -> None:
    ProductListing.objects.filter(product=product, channel=channel).update(**fields)


def set_prices(product, channel, **fields) -> None:
    VariantListing.objects.filter(product=product, channel=channel).update(**fields)


def google_shoe(google: Channel) -> Product:
    """A shoe in Google's Shoes category (187) with two variants whose sizes are a `shoe_size` option, not yet
    marked as standing for size: Google leaves it out for want of a size."""
    shoe_size = choice_attribute("shoe_size", ["41", "42"])
    footwear = ProductTypeFactory()
    ProductTypeAttribute.objects.create(product_type=footwear, attribute=shoe_size, role="variant")
    shoe = listed_product(google, variants=2, product_type=footwear)
    facts = {"age_group": "adult", "gender": "unisex", "color": "Black"}
    set_listing(shoe, google, channel_category="187", attributes=facts)
    for variant, size in zip(shoe.variants.order_by("sort_order", "pk"), ("41", "42"), strict=True):
        variant.options = {"shoe_size": size}
        variant.save()
    return shoe


def catalog_for(channel: Channel) -> dict:
    """A small catalog on one channel covering the cases the feeds must get right.

    - tricky: 2 variants (one on sale), tricky title and description, in a category breadcrumb
    - single: 1 variant, no sale
    - broken: an error for every kind of channel (no image) → left out and reported
    - draft: not live → absent;  hidden: listing unpublished → absent
    - future: listing window not open yet → absent;  unsold: variant not published on the channel → absent
    """
    apparel = category("Apparel")
    shirts = category("Shirts", parent=apparel)
    category_code = "LUGGAGE" if channel.kind == Channel.Kind.AMAZON else ""
    tricky = listed_product(channel, variants=2, title=TRICKY_TITLE, description=TRICKY_DESCRIPTION)
    tricky.categories.set([shirts])
    tricky.save()
    set_listing(
        tricky,
        channel,
        channel_category=category_code,
        attributes={"condition": "new"},
    )
    first, second = tricky.variants.order_by("sort_order", "pk")
    first.weight, first.weight_unit, first.options = Decimal("0.500"), "kg", {"size": "M", "color": "Blue"}
    first.save()
    second.options = {"size": "L", "color": "Blue"}
    second.save()
    now = timezone.now()
    VariantListing.objects.filter(product=tricky, channel=channel, sku=first.sku).update(
        sale_price=Decimal("19.50"), sale_start=now - timedelta(days=1), sale_end=now + timedelta(days=6)
    )
    single = listed_product(channel, price="5", title="Single thing")
    ProductImage.objects.create(product=single, image=ImageFactory(), role=ProductImage.Role.ADDITIONAL, sort_order=5)
    broken = listed_product(channel, title="No image")
    ProductImage.objects.filter(product=broken).delete()
    draft = listed_product(channel, title="Draft", live=False)
    hidden = listed_product(channel, title="Hidden")
    set_listing(hidden, channel, published=False)
    future = listed_product(channel, title="Future")
    set_listing(future, channel, available_from=now + timedelta(days=3))
    unsold = listed_product(channel, variants=2, title="Partly sold")
    unsold_variant = unsold.variants.order_by("pk").last()
    VariantListing.objects.filter(product=unsold, channel=channel, sku=unsold_variant.sku).update(published=False)
    Product.objects.filter(pk__in=[single.pk, unsold.pk]).update(
        description="<p>A longer description, long enough for Meta's thirty characters.</p>"
    )
    for product in (single, broken, draft, hidden, future, unsold):
        set_listing(product, channel, channel_category=category_code, attributes={"condition": "new"})
    # A product on another channel only.
    other = ChannelFactory(code="elsewhere", kind=Channel.Kind.STOREFRONT)
    elsewhere = listed_product(other, title="Elsewhere")
    return {
        "tricky": tricky,
        "single": single,
        "broken": broken,
        "draft": draft,
        "hidden": hidden,
        "future": future,
        "unsold": unsold,
        "unsold_variant": unsold_variant,
        "elsewhere": elsewhere,
        "first": first,
        "second": second,
    }


def expected_skus(products: dict) -> set[str]:
    skus = {v.sku for key in ("tricky", "single", "unsold") for v in products[key].variants.all()}
    return skus - {products["unsold_variant"].sku}
