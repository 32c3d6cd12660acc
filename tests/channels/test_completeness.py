import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.utils import timezone

from catalog.models import ProductImage
from channels.completeness import check
from channels.models import Channel, ProductListing, VariantListing
from channels.rules import rules_for
from tests.factories import (
    BrandFactory,
    ChannelFactory,
    ImageFactory,
    ProductFactory,
    ProductImageFactory,
    ProductListingFactory,
    StockLevelFactory,
    VariantFactory,
    VariantListingFactory,
    png_bytes,
)

pytestmark = pytest.mark.django_db

KINDS = ["storefront", "pos", "google", "meta", "amazon", "marketplace"]
CATEGORY = {"google": "5598", "amazon": "SHIRT", "meta": "", "storefront": "", "pos": "", "marketplace": ""}


def image(size: int):
    return ImageFactory(file=ImageFile(io.BytesIO(png_bytes(size, size)), name=f"i{size}.png"))


def ready_product(kind: str):
    """A product that passes every rule of the kind: the baseline each failing case changes one thing of."""
    channel = ChannelFactory(code=f"{kind}-ch", kind=kind)
    product = ProductFactory(
        title="Oxford shirt",
        brand=BrandFactory(name="Acme"),
        description="<p>A crisp cotton Oxford shirt with a button-down collar.</p>",
    )
    ProductImageFactory(product=product, image=image(1200), role=ProductImage.Role.MAIN)
    variant = VariantFactory(product=product, mpn="OX-100")
    StockLevelFactory(variant=variant, on_hand=5)
    VariantListingFactory(variant=variant, channel=channel, price=Decimal("30.00"))
    ProductListingFactory(
        product=product, channel=channel, channel_category=CATEGORY[kind], attributes={"condition": "new"}
    )
    return product, channel


def listing(product):
    return ProductListing.objects.get(product=product)


def set_listing(**values):
    return lambda product, channel: ProductListing.objects.filter(product=product).update(**values)


def set_listing_attributes(**values):
    def change(product, channel):
        row = listing(product)
        row.attributes = {**row.attributes, **values}
        row.save()

    return change


def set_variant(**values):
    return lambda product, channel: product.variants.update(**values)


def set_sku(sku: str):
    """The variant's SKU, and its listing's (a listing names its variant by SKU)."""

    def change(product, channel):
        product.variants.update(sku=sku)
        VariantListing.objects.filter(product=product).update(sku=sku)

    return change


def set_price_row(**values):
    return lambda product, channel: VariantListing.objects.filter(product=product).update(**values)


def set_product(**values):
    return lambda product, channel: type(product).objects.filter(pk=product.pk).update(**values)


def main_image(size):
    return lambda product, channel: product.images.update(image=image(size))


def no_image(product, channel):
    product.images.all().delete()


def extra_images(count):
    def change(product, channel):
        for order in range(count):
            ProductImageFactory(product=product, image=image(120), role="additional", sort_order=order + 1)

    return change


def no_brand(product, channel):
    set_product(brand=None)(product, channel)


def no_listing(product, channel):
    listing(product).delete()


def no_url(product, channel):
    Channel.objects.filter(pk=channel.pk).update(product_url_template="")


def relative_url(product, channel):
    Channel.objects.filter(pk=channel.pk).update(product_url_template="/p/{slug}")


def long_text(n, word="Quality "):
    return (word * (n // len(word) + 1))[:n]


COMMON_CASES = [
    ("no listing", no_listing, "listing", "error"),
    ("no title", set_product(title=""), "title", "error"),
    ("no price row", set_price_row(price=None), "price", "error"),
    ("price in another currency", set_price_row(currency="EUR"), "price", "error"),
]
CASES = {
    "storefront": [
        ("no description", set_product(description=""), "description", "warning"),
        ("no image", no_image, "images", "error"),
    ],
    "pos": [("no gtin", set_variant(gtin=""), "gtin", "warning")],
    "google": [
        ("title over 150", set_listing(title=long_text(151)), "title", "error"),
        ("no description", set_product(description=""), "description", "error"),
        ("description over 5000", set_listing(description=long_text(5001)), "description", "error"),
        ("no url template", no_url, "url", "error"),
        ("url not http", relative_url, "url", "error"),
        ("no image", no_image, "images", "error"),
        ("image under 100 px", main_image(99), "images", "error"),
        ("image under 500 px", main_image(300), "images", "warning"),
        (
            "apparel image under 250 px",
            lambda p, c: (main_image(200)(p, c), set_listing(channel_category="166")(p, c)),
            "images",
            "error",
        ),
        ("over 10 extra images", extra_images(11), "images", "warning"),
        ("no brand", no_brand, "brand", "error"),
        (
            "brand over 70",
            lambda p, c: p.brand.__class__.objects.filter(pk=p.brand_id).update(name=long_text(71)),
            "brand",
            "error",
        ),
        ("invalid gtin", set_variant(gtin="4006381333932"), "gtin", "error"),
        ("sku over merchant center's 50", set_sku("G" * 51), "sku", "error"),
        ("no gtin, no mpn", set_variant(gtin="", mpn=""), "gtin", "error"),
        ("condition not allowed", set_listing(attributes={"condition": "mint"}), "condition", "error"),
        ("age group not allowed", set_listing(attributes={"age_group": "teen"}), "age_group", "error"),
        ("gender not allowed", set_listing(attributes={"gender": "men"}), "gender", "error"),
        (
            "apparel without gender",
            set_listing(channel_category="1604", attributes={"age_group": "adult", "color": "Blue", "size": "M"}),
            "gender",
            "error",
        ),
        ("category neither id nor path", set_listing(channel_category="shirts"), "channel_category", "warning"),
        ("sale not below price", set_price_row(sale_price=Decimal("30.00")), "sale_price", "error"),
        ("preorder without date", set_price_row(availability="preorder"), "availability_date", "error"),
    ],
    "meta": [
        ("title over 200", set_listing(title=long_text(201)), "title", "error"),
        ("title over 150", set_listing(title=long_text(160)), "title", "warning"),
        ("no description", set_product(description=""), "description", "error"),
        ("description over 9999", set_listing(description=long_text(10002)), "description", "error"),
        ("description under 30", set_listing(description="Nice shirt."), "description", "warning"),
        (
            "description in capitals",
            set_listing(description="A VERY GOOD SHIRT INDEED, BUY IT NOW"),
            "description",
            "warning",
        ),
        ("no url template", no_url, "url", "error"),
        ("image under 500 px", main_image(400), "images", "error"),
        ("image under 1024 px", main_image(800), "images", "warning"),
        ("over 20 extra images", extra_images(21), "images", "warning"),
        ("no brand, gtin or mpn", lambda p, c: (no_brand(p, c), set_variant(gtin="", mpn="")(p, c)), "brand", "error"),
        (
            "brand over 100",
            lambda p, c: p.brand.__class__.objects.filter(pk=p.brand_id).update(name=long_text(101)),
            "brand",
            "error",
        ),
        ("no condition", set_listing(attributes={}), "condition", "error"),
        (
            "age group not allowed",
            set_listing(attributes={"condition": "new", "age_group": "baby"}),
            "age_group",
            "error",
        ),
        ("gender not allowed", set_listing(attributes={"condition": "new", "gender": "x"}), "gender", "error"),
        ("sale not below price", set_price_row(sale_price=Decimal("31.00")), "sale_price", "error"),
    ],
    "amazon": [
        ("title over 200", set_listing(title=long_text(201)), "title", "warning"),
        ("no product type", set_listing(channel_category=""), "channel_category", "error"),
        ("no brand", no_brand, "brand", "error"),
        ("no gtin though brand and mpn", set_variant(gtin=""), "gtin", "error"),
        ("invalid gtin", set_variant(gtin="12345678"), "gtin", "error"),
        ("sku over amazon's 40", set_sku("A" * 41), "sku", "error"),
        ("no image", no_image, "images", "error"),
        ("image under 500 px", main_image(400), "images", "error"),
        ("image under 1000 px", main_image(800), "images", "warning"),
        ("no description", set_product(description=""), "description", "warning"),
        ("condition not allowed", set_listing(attributes={"condition": "mint"}), "condition", "error"),
        ("sale not below price", set_price_row(sale_price=Decimal("40.00")), "sale_price", "error"),
    ],
    "marketplace": [
        ("no description", set_product(description=""), "description", "warning"),
        ("no image", no_image, "images", "error"),
        ("no brand", no_brand, "brand", "warning"),
        ("no gtin, no mpn", set_variant(gtin="", mpn=""), "gtin", "warning"),
        ("condition not allowed", set_listing(attributes={"condition": "mint"}), "condition", "error"),
    ],
}
ALL_CASES = [
    pytest.param(kind, change, field, severity, id=f"{kind}: {name}")
    for kind in KINDS
    for name, change, field, severity in [*COMMON_CASES, *CASES[kind]]
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_ready_product_passes_every_rule_of_the_kind(kind):
    product, channel = ready_product(kind)

    report = check(product, channel)

    assert report.issues == []
    assert (report.percent, report.ready) == (100, True)


@pytest.mark.parametrize(("kind", "change", "field", "severity"), ALL_CASES)
def test_each_rule_reports_what_is_missing(kind, change, field, severity):
    # given a ready product with exactly one thing wrong
    product, channel = ready_product(kind)
    change(product, channel)

    # when it is checked
    product.refresh_from_db()
    channel.refresh_from_db()
    report = check(product, channel)

    # then the rule reports it, with the field to fix
    assert (field, severity) in {(issue.field, issue.severity) for issue in report.issues}, report.issues
    if severity == "error":
        assert report.percent < 100 and not report.ready
    else:
        assert report.errors == [] and report.percent == 100


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("google", set_variant(gtin="")),  # brand + MPN stands in for a GTIN
        (
            "google",
            lambda p, c: (set_variant(gtin="", mpn="")(p, c), set_listing_attributes(identifier_exists="no")(p, c)),
        ),
        ("amazon", lambda p, c: (set_variant(gtin="")(p, c), set_listing_attributes(identifier_exists="no")(p, c))),
        ("meta", lambda p, c: (no_brand(p, c), set_variant(gtin="")(p, c))),  # an MPN alone is enough
        ("google", set_price_row(availability="backorder", availability_date=timezone.now() + timedelta(days=9))),
        ("google", set_listing(channel_category="1604", attributes={"age_group": "adult", "gender": "male"})),
    ],
    ids=[
        "google brand+mpn",
        "google no identifier",
        "amazon exemption",
        "meta mpn only",
        "google backorder date",
        "google apparel with options",
    ],
)
def test_the_alternatives_a_channel_accepts_pass(kind, change):
    product, channel = ready_product(kind)
    product.variants.update(options={"color": "Blue", "size": "M"})
    change(product, channel)

    report = check(type(product).objects.get(pk=product.pk), Channel.objects.get(pk=channel.pk))

    assert report.errors == [], report.errors


def test_channel_required_fields_add_to_the_built_in_rules():
    product, channel = ready_product("storefront")
    channel.required_fields = ["summary", "gender", "weight"]
    product.summary = ""
    product.save()

    report = check(product, channel)

    assert {(issue.field, issue.severity) for issue in report.issues} == {
        ("summary", "error"),
        ("gender", "error"),
        ("weight", "error"),
    }
    assert report.percent == 100 * 5 // 8  # 5 of the 8 checks pass (5 built in, 3 the channel's)


def test_percent_counts_checks_not_issues():
    product, channel = ready_product("google")
    for _ in range(3):
        variant = VariantFactory(product=product, gtin="")
        VariantListingFactory(variant=variant, channel=channel)
    product.variants.update(mpn="")

    report = check(product, channel)

    checks = len(rules_for("google"))
    assert [issue.field for issue in report.errors] == ["gtin"] * 3
    assert report.percent == 100 * (checks - 1) // checks  # one failed check, however many variants


@pytest.mark.parametrize(("kind", "longest"), [("google", 50), ("amazon", 40)])
def test_a_sku_of_the_marketplace_s_longest_length_passes(kind, longest):
    product, channel = ready_product(kind)
    set_sku("S" * longest)(product, channel)

    assert check(type(product).objects.get(pk=product.pk), channel).errors == []


def test_a_variant_not_sold_on_the_channel_is_not_checked():
    product, channel = ready_product("google")
    unsold = VariantFactory(product=product, gtin="", mpn="")
    VariantListingFactory(variant=unsold, channel=channel, published=False)

    assert check(product, channel).issues == []


def test_listing_attributes_are_validated_per_channel_kind():
    google = ChannelFactory(code="g", kind="google")
    meta = ChannelFactory(code="m", kind="meta")
    row = ProductListingFactory(channel=google, attributes={"identifier_exists": "no", "gender": "unisex"})
    row.full_clean()
    assert row.attributes == {"identifier_exists": False, "gender": "unisex"}

    bad = ProductListingFactory(channel=meta, attributes={"identifier_exists": "no", "age_group": "teen"})
    with pytest.raises(ValidationError) as raised:
        bad.full_clean()
    [message] = raised.value.message_dict["attributes"]
    assert message.startswith("identifier_exists: ")
    assert "age_group: " not in message  # teen is a Meta age group
