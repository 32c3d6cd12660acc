from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Product, ProductTypeAttribute
from channels.bulk import load_products
from channels.models import Channel, ProductListing, VariantListing
from channels.resolver import resolve, resolve_many
from channels.selectors import prefetch_bundle, resolve_variant_by_sku, resolve_variants_by_skus, visible_in
from tests.factories import (
    AttributeFactory,
    BrandFactory,
    ChannelFactory,
    ImageFactory,
    ProductFactory,
    ProductImageFactory,
    ProductListingFactory,
    ProductListingImageFactory,
    ProductTranslationFactory,
    ProductTypeFactory,
    StockLevelFactory,
    StockLocationFactory,
    VariantFactory,
    VariantListingFactory,
    category,
    listed_product,
)

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ["title", "summary", "description"]
BASE = {"title": "Base title", "summary": "Base summary", "description": "<p>Base description</p>"}
LOCALE = {"title": "Deutscher Titel", "summary": "Deutsche Kurzfassung", "description": "<p>Deutsch</p>"}
CHANNEL = {"title": "Channel title", "summary": "Channel summary", "description": "<p>Channel text</p>"}


@pytest.fixture
def web():
    return ChannelFactory(code="web", currency="USD", default_locale="de-DE")


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(
    ("has_channel", "has_locale", "has_base", "expected_source"),
    [
        (True, True, True, "channel"),
        (True, False, True, "channel"),
        (True, False, False, "channel"),
        (False, True, True, "locale"),
        (False, True, False, "locale"),
        (False, False, True, "base"),
        (False, False, False, "none"),
    ],
)
def test_resolver_falls_back_channel_then_locale_then_base(
    web, field, has_channel, has_locale, has_base, expected_source
):
    # given a product whose field is set (or blank) at each level
    product = ProductFactory(**{name: BASE[name] if has_base else "" for name in TEXT_FIELDS})
    ProductListingFactory(product=product, channel=web, **{field: CHANNEL[field] if has_channel else ""})
    ProductTranslationFactory(product=product, locale="de-DE", **{field: LOCALE[field] if has_locale else ""})

    # when it is resolved for the channel's locale
    resolved = resolve(product, web)

    # then the field comes from the first level that has it
    expected = {"channel": CHANNEL, "locale": LOCALE, "base": BASE, "none": {field: ""}}[expected_source][field]
    assert getattr(resolved, field) == expected
    assert resolved.sources[field] == expected_source


def test_resolver_uses_the_language_when_the_exact_locale_has_no_text(web):
    product = ProductFactory(title="Shirt")
    ProductListingFactory(product=product, channel=web)
    ProductTranslationFactory(product=product, locale="de", title="Hemd")

    assert resolve(product, web, "de-AT").title == "Hemd"
    assert resolve(product, web, "fr-FR").title == "Shirt"


def test_resolver_prefers_the_exact_locale_to_the_language(web):
    product = ProductFactory(title="Shirt")
    ProductTranslationFactory(product=product, locale="de", title="Hemd")
    ProductTranslationFactory(product=product, locale="de-CH", title="Hemd (CH)")

    assert resolve(product, web, "de-CH").title == "Hemd (CH)"
    assert resolve(product, web, "de-DE").title == "Hemd"


def test_variant_without_a_price_in_the_channel_currency_is_not_sellable():
    # given a EUR channel and a variant priced only in USD on it (the channel changed currency)
    channel = ChannelFactory(code="web-de", currency="EUR")
    product = ProductFactory()
    ProductListingFactory(product=product, channel=channel)
    priced = VariantFactory(product=product, price=Decimal("10.00"), currency="USD")
    unpriced = VariantFactory(product=product, price=Decimal("10.00"), currency="USD")
    VariantListingFactory(variant=priced, channel=channel, currency="EUR", price=Decimal("12.50"))
    VariantListingFactory(variant=unpriced, channel=channel, currency="USD", price=Decimal("11.00"))

    resolved = resolve(product, channel)

    eur, usd_only = resolved.variant(priced.sku), resolved.variant(unpriced.sku)
    assert (eur.price, eur.currency, eur.sellable) == (Decimal("12.50"), "EUR", True)
    # never converted, never the base price
    assert (usd_only.price, usd_only.unit_price, usd_only.currency, usd_only.sellable) == (None, None, "EUR", False)


def test_variant_without_any_channel_row_is_not_sellable(web):
    product = ProductFactory()
    ProductListingFactory(product=product, channel=web)
    variant = VariantFactory(product=product)

    resolved_variant = resolve(product, web).variant(variant.sku)

    assert (resolved_variant.price, resolved_variant.published, resolved_variant.sellable) == (None, False, False)


def test_sale_price_is_the_unit_price_only_inside_its_window(web):
    now = timezone.now()
    product = ProductFactory()
    ProductListingFactory(product=product, channel=web)
    variant = VariantFactory(product=product)
    VariantListingFactory(
        variant=variant,
        channel=web,
        price=Decimal("20.00"),
        sale_price=Decimal("15.00"),
        sale_start=now - timedelta(days=1),
        sale_end=now + timedelta(days=1),
    )

    during = resolve(product, web, at=now).variant(variant.sku)
    after = resolve(product, web, at=now + timedelta(days=2)).variant(variant.sku)

    assert (during.unit_price, during.on_sale) == (Decimal("15.00"), True)
    assert (after.unit_price, after.on_sale, after.sale_price) == (Decimal("20.00"), False, Decimal("15.00"))


def test_availability_comes_from_stock_over_all_locations_minus_reserved(web):
    product = ProductFactory()
    ProductListingFactory(product=product, channel=web)
    stocked, reserved_out, empty = (VariantFactory(product=product) for _ in range(3))
    for variant in (stocked, reserved_out, empty):
        VariantListingFactory(variant=variant, channel=web)
    StockLevelFactory(variant=stocked, location=StockLocationFactory(code="a", name="A"), on_hand=3, reserved=1)
    StockLevelFactory(variant=stocked, location=StockLocationFactory(code="b", name="B"), on_hand=4)
    StockLevelFactory(variant=reserved_out, on_hand=2, reserved=2)

    resolved = resolve(product, web)

    assert [(v.available_quantity, v.availability) for v in resolved.variants] == [
        (6, "in_stock"),
        (0, "out_of_stock"),
        (0, "out_of_stock"),
    ]
    assert resolved.availability == "in_stock"


@pytest.mark.parametrize("override", ["preorder", "backorder", "out_of_stock", "in_stock"])
def test_availability_override_wins_over_stock(web, override):
    product = ProductFactory()
    ProductListingFactory(product=product, channel=web)
    variant = VariantFactory(product=product)
    StockLevelFactory(variant=variant, on_hand=0 if override != "out_of_stock" else 5)
    VariantListingFactory(variant=variant, channel=web, availability=override)

    resolved_variant = resolve(product, web).variant(variant.sku)

    assert resolved_variant.availability == override


def test_images_come_in_the_channel_order_else_the_products_with_main_first(web):
    product = ProductFactory()
    lifestyle = ProductImageFactory(product=product, role="lifestyle", sort_order=0)
    main = ProductImageFactory(product=product, role="main", sort_order=1)
    extra = ProductImageFactory(product=product, role="additional", sort_order=2)
    other = ChannelFactory(code="google-us", kind=Channel.Kind.GOOGLE)
    ProductListingImageFactory(product=product, channel=other, image=extra.image, sort_order=0)
    ProductListingImageFactory(product=product, channel=other, image=main.image, sort_order=1)

    on_web = resolve(product, web).images
    on_other = resolve(product, other).images

    assert [image.id for image in on_web] == [main.image_id, lifestyle.image_id, extra.image_id]
    assert [image.id for image in on_other] == [extra.image_id, main.image_id]
    assert on_other[0].role == "main"
    assert (on_web[0].alt_text, on_web[0].width, on_web[0].height) == ("A product photo", 800, 800)


def test_brand_categories_with_breadcrumbs_attributes_and_url(web):
    clothing = category("Clothing")
    shirts = category("Shirts", parent=clothing)
    product = ProductFactory(slug="oxford", brand=BrandFactory(name="Acme", slug="acme"), attributes={"x": 1})
    product.categories.set([shirts])
    variant = VariantFactory(product=product, sku="OX-1")
    ProductListingFactory(product=product, channel=web, attributes={"condition": "new"})

    resolved = resolve(product, web)

    assert (resolved.brand.name, resolved.brand.slug) == ("Acme", "acme")
    assert [crumb.name for crumb in resolved.categories[0].breadcrumb] == ["Clothing", "Shirts"]
    assert resolved.categories[0].path_text == "Clothing > Shirts"
    assert [(a.code, a.value) for a in resolved.attributes] == [("x", 1)]
    assert resolved.channel_attributes == {"condition": "new"}
    assert resolved.url == "https://shop.example.com/p/oxford?sku=OX-1"
    assert resolved.variant(variant.sku).url == "https://shop.example.com/p/oxford?sku=OX-1"


def test_the_product_type_says_which_attribute_holds_each_marketplace_fact(web):
    """The type's attribute named after the fact, else the first (in the type's order) marked as standing for
    it, with its unit; the same whether the product comes as model instances or as the feeds' plain rows."""
    product_type = ProductTypeFactory()
    attributes = [
        AttributeFactory(code="shoe_size", marketplace_attribute="size"),
        AttributeFactory(code="diameter", unit="cm", marketplace_attribute="size"),
        AttributeFactory(code="hue", marketplace_attribute="color"),
        AttributeFactory(code="color"),
        AttributeFactory(code="fabric", marketplace_attribute="material"),
    ]
    for order, attribute in enumerate(attributes):
        ProductTypeAttribute.objects.create(product_type=product_type, attribute=attribute, sort_order=order)
    product = listed_product(web, product_type=product_type)

    instances = resolve(Product.objects.get(pk=product.pk), web)
    (rows,) = resolve_many(load_products([product.pk], channel=web), web)

    expected = {"size": ("shoe_size", ""), "color": ("color", ""), "material": ("fabric", "")}
    assert instances.product_type.marketplace_attributes == expected
    assert rows.product_type.marketplace_attributes == expected
    assert [instances.attribute_for(fact) for fact in ("size", "pattern")] == [("shoe_size", ""), ("pattern", "")]


def test_a_sku_that_is_not_url_safe_is_percent_encoded_in_the_url(web):
    product = ProductFactory(slug="oxford")
    VariantFactory(product=product, sku="OX 1/B&W#2")
    ProductListingFactory(product=product, channel=web)

    resolved = resolve(product, web)

    assert resolved.url == "https://shop.example.com/p/oxford?sku=OX%201%2FB%26W%232"
    assert resolved.variant("OX 1/B&W#2").url == resolved.url


def test_visible_in_needs_live_published_and_inside_the_window(web):
    now = timezone.now()
    visible = ProductListingFactory(channel=web).product
    ProductListingFactory(channel=web, published=False)
    ProductListingFactory(channel=web, product=ProductFactory(live=False))
    ProductListingFactory(channel=web, available_from=now + timedelta(days=1))
    ProductListingFactory(channel=web, available_until=now - timedelta(days=1))
    ProductListingFactory(channel=ChannelFactory(code="other"))
    windowed = ProductListingFactory(
        channel=web, available_from=now - timedelta(days=1), available_until=now + timedelta(days=1)
    ).product

    assert set(visible_in(web)) == {visible, windowed}
    assert resolve(visible, web).visible is True


def test_visible_in_after_an_id_pages_through_the_visible_products(web):
    products = [ProductListingFactory(channel=web).product for _ in range(4)]
    hidden = ProductListingFactory(channel=web, published=False).product
    ProductListingFactory(channel=ChannelFactory(code="other"))
    visible_ids = sorted(product.pk for product in products)

    pages, after = [], 0
    while page := list(visible_in(web, after=after).order_by("pk").values_list("pk", flat=True)[:3]):
        pages.append(page)
        after = page[-1]

    assert pages == [visible_ids[:3], visible_ids[3:]]
    assert hidden.pk not in visible_ids
    # The bound is on the listings too (PostgreSQL does not carry it across the join, and read the listings of
    # every earlier product for each page).
    sql = str(visible_in(web, after=after).query)
    assert sql.count(f"> {after}") == 2


def test_a_variant_of_an_invisible_product_is_not_sellable(web):
    product = listed_product(web)
    ProductListing.objects.filter(product=product).update(published=False)

    assert [variant.sellable for variant in resolve(product, web).variants] == [False]


def test_resolve_variant_by_sku_returns_the_channel_price_and_stock(web):
    product = listed_product(web, price="24.99", stock=7)
    sku = product.variants.get().sku

    resolved_product, resolved_variant = resolve_variant_by_sku(web, sku)

    assert resolved_product.id == product.pk
    assert (resolved_variant.sku, resolved_variant.unit_price, resolved_variant.currency) == (
        sku,
        Decimal("24.99"),
        "USD",
    )
    assert (resolved_variant.available_quantity, resolved_variant.sellable) == (7, True)
    assert resolve_variant_by_sku(web, "NO-SUCH-SKU") is None


def test_resolve_variant_by_sku_ignores_drafts(web):
    product = listed_product(web, live=False)

    assert resolve_variant_by_sku(web, product.variants.get().sku) is None


def test_resolve_variants_by_skus_answers_as_resolve_variant_by_sku_in_constant_queries(web):
    products = [listed_product(web, variants=2, stock=n + 1) for n in range(3)]
    draft = listed_product(web, live=False)
    skus = [variant.sku for product in products for variant in product.variants.all()]
    draft_sku = draft.variants.get().sku

    with CaptureQueriesContext(connection) as one:
        resolve_variants_by_skus(web, skus[:1])
    with CaptureQueriesContext(connection) as all_of_them:
        found = resolve_variants_by_skus(web, [*skus, draft_sku, "NO-SUCH-SKU"])

    assert len(one) == len(all_of_them) <= 5
    assert sorted(found) == sorted(skus)
    for sku in skus:
        product, variant = found[sku]
        expected_product, expected_variant = resolve_variant_by_sku(web, sku)
        assert variant == expected_variant
        assert (product.id, product.title, product.visible, product.availability) == (
            expected_product.id,
            expected_product.title,
            expected_product.visible,
            expected_product.availability,
        )
    assert resolve_variants_by_skus(web, []) == {}


def test_the_bundle_serves_children_through_the_relations_without_queries(web):
    product = listed_product(web, variants=2)
    product.categories.set([category("Shoes")])
    product.save()

    [loaded] = prefetch_bundle(Product.objects.filter(pk=product.pk), web)

    with CaptureQueriesContext(connection) as queries:
        assert len(loaded.variants.all()) == 2
        assert loaded.variants.all()[0].product is loaded
        assert [item.name for item in loaded.categories.all()] == ["Shoes"]
        assert len(loaded.images.all()) == len(loaded.channel_listings.all()) == 1
        assert list(loaded.product_type.attribute_links.all()) == list(product.product_type.attribute_links.all())
    assert len(queries) == 1  # only the last comparison's own look-up of the unbundled product
    assert loaded.variants.filter(sku=product.variants.first().sku).count() == 1  # still scoped to the product


def test_the_bundle_also_loads_when_iterated_in_chunks(web):
    for _ in range(3):
        listed_product(web)

    products = list(prefetch_bundle(Product.objects.order_by("pk"), web).iterator(chunk_size=2))

    with CaptureQueriesContext(connection) as queries:
        resolved = resolve_many(products, web)
    assert [len(item.variants) for item in resolved] == [1, 1, 1]
    assert len(queries) <= 1  # category breadcrumbs at most


def _catalog(channel, count):
    parent = category(f"Root {count}")
    for n in range(count):
        product = listed_product(channel, variants=3)
        product.categories.set([category(f"Leaf {count}-{n}", parent=parent)])
        ProductImageFactory(product=product, role="additional")
        ProductTranslationFactory(product=product)
        ProductListingImageFactory(product=product, channel=channel, image=ImageFactory())
    return Product.objects.order_by("pk")


def _count_queries(channel, queryset):
    with CaptureQueriesContext(connection) as captured:
        resolved = resolve_many(prefetch_bundle(queryset, channel), channel)
    return len(captured), resolved


def test_resolve_many_runs_a_constant_number_of_queries(web):
    queryset = _catalog(web, 20)

    five, resolved_five = _count_queries(web, queryset[:5])
    twenty, resolved_twenty = _count_queries(web, queryset[:20])

    assert (len(resolved_five), len(resolved_twenty)) == (5, 20)
    assert all(len(product.variants) == 3 and len(product.images) == 1 for product in resolved_twenty)
    assert five == twenty
    assert twenty <= 11


def test_a_draft_override_is_not_what_a_live_resolve_returns_until_published(web):
    # given a live product with a channel title
    product = listed_product(web)
    ProductListing.objects.filter(product=product).update(title="Live title")
    product = Product.objects.get(pk=product.pk)
    product.save_revision().publish()

    # when an editor saves a draft with a new channel title and a new price
    draft = product.get_latest_revision_as_object()
    draft.channel_listings.all()[0].title = "Draft title"
    variant_row = draft.variant_listings.all()[0]
    variant_row.price = Decimal("99.00")
    revision = draft.save_revision()

    # then a live resolve still returns the published values
    live = resolve(Product.objects.get(pk=product.pk), web)
    assert (live.title, live.variants[0].price) == ("Live title", Decimal("24.99"))
    # while the draft itself resolves with the new ones (what completeness checks)
    assert resolve(revision.as_object(), web).title == "Draft title"

    # and after publishing, the live resolve returns them
    revision.publish()
    published = resolve(Product.objects.get(pk=product.pk), web)
    assert (published.title, published.variants[0].price) == ("Draft title", Decimal("99.00"))
    assert VariantListing.objects.get(product=product).price == Decimal("99.00")
