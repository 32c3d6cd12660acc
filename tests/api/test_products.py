from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Product, Variant
from catalog.validators import SKU_MAX_LENGTH
from channels.models import ProductListing, VariantListing
from hub.models import ProductTombstone
from hub.services import tombstones_record
from tests.factories import (
    BrandFactory,
    ProductImageFactory,
    ProductTranslationFactory,
    ProductTypeFactory,
    StockLevelFactory,
    VariantFactory,
    VariantListingFactory,
    category,
    listed_product,
)

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_list_shows_a_listed_product_resolved_for_the_channel(api, channel):
    product = listed_product(channel, variants=2, price="24.99", title="Linen shirt")

    body = api.get("/api/v1/products").json()

    [item] = body["items"]
    assert item["id"] == product.pk
    assert item["title"] == "Linen shirt"
    assert item["currency"] == "USD"
    assert item["priceFrom"] == "24.99"
    assert [variant["price"] for variant in item["variants"]] == ["24.99", "24.99"]
    assert item["variants"][0]["availability"] == "in_stock"
    assert item["images"][0]["url"].startswith("http://testserver/")
    assert body["nextCursor"] is None


def test_drafts_unpublished_and_out_of_window_products_are_404_and_not_listed(api, channel):
    visible = listed_product(channel)
    draft = listed_product(channel, live=False)
    unpublished = listed_product(channel)
    ProductListing.objects.filter(product=unpublished).update(published=False)
    ended = listed_product(channel)
    ProductListing.objects.filter(product=ended).update(available_until=timezone.now() - timedelta(minutes=1))
    future = listed_product(channel)
    ProductListing.objects.filter(product=future).update(available_from=timezone.now() + timedelta(days=1))
    unlisted = listed_product(channel)
    ProductListing.objects.filter(product=unlisted).delete()

    assert ids(api.get("/api/v1/products")) == [visible.pk]
    for product in (draft, unpublished, ended, future, unlisted):
        assert api.get(f"/api/v1/products/{product.pk}").status_code == 404
        assert api.get(f"/api/v1/products/by-slug/{product.slug}").status_code == 404
    assert api.get(f"/api/v1/products/{visible.pk}").status_code == 200
    assert api.get(f"/api/v1/products/by-slug/{visible.slug}").json()["id"] == visible.pk


def test_variant_by_sku(api, channel):
    product = listed_product(channel, variants=2)
    sku = product.variants.order_by("sku").last().sku

    body = api.get(f"/api/v1/variants/{sku}").json()

    assert body["variant"]["sku"] == sku
    assert body["product"]["id"] == product.pk
    assert api.get("/api/v1/variants/NOPE").status_code == 404


def test_variant_by_a_sku_with_a_slash_space_and_ampersand(api, channel):
    product = listed_product(channel)
    Variant.objects.filter(product=product).update(sku="BOX 2/B&W")
    VariantListing.objects.filter(product=product).update(sku="BOX 2/B&W")

    for path in ("/api/v1/variants/BOX%202%2FB%26W", "/api/v1/variants/BOX%202/B%26W"):
        response = api.get(path)
        assert response.status_code == 200, path
        assert response.json()["variant"]["sku"] == "BOX 2/B&W"
    assert api.get("/api/v1/variants/BOX%202%2FB").status_code == 404


def test_a_sku_longer_than_the_longest_kept_is_no_variant_s(api, channel):
    longest = "L" * SKU_MAX_LENGTH
    product = listed_product(channel)
    Variant.objects.filter(product=product).update(sku=longest)
    VariantListing.objects.filter(product=product).update(sku=longest)

    assert api.get(f"/api/v1/variants/{longest}").json()["variant"]["sku"] == longest
    # Cut to the limit, it would be the variant above: it must not answer for it.
    assert api.get(f"/api/v1/variants/{longest}X").status_code == 404


def test_variant_not_sold_on_the_channel_is_404(api, channel):
    product = listed_product(channel)
    VariantListing.objects.filter(product=product).update(published=False)

    assert api.get(f"/api/v1/variants/{product.variants.get().sku}").status_code == 404


def test_category_filter_includes_descendants(api, channel):
    clothing = category("Clothing")
    shirts = category("Shirts", clothing)
    shoes = category("Shoes")
    shirt = listed_product(channel)
    shirt.categories.set([shirts])
    shirt.save()
    boot = listed_product(channel)
    boot.categories.set([shoes])
    boot.save()

    assert ids(api.get("/api/v1/products?category=clothing")) == [shirt.pk]
    assert ids(api.get(f"/api/v1/products?category={shoes.pk}")) == [boot.pk]
    assert sorted(ids(api.get("/api/v1/products?category=shirts&category=shoes"))) == sorted([shirt.pk, boot.pk])
    assert ids(api.get("/api/v1/products?category=unknown")) == []


def test_brand_and_product_type_filters(api, channel):
    acme = BrandFactory(slug="acme")
    shoes = ProductTypeFactory(slug="shoes")
    first = listed_product(channel, brand=acme)
    second = listed_product(channel, product_type=shoes)

    assert ids(api.get("/api/v1/products?brand=acme")) == [first.pk]
    assert ids(api.get(f"/api/v1/products?brand={acme.pk}")) == [first.pk]
    assert ids(api.get("/api/v1/products?productType=shoes")) == [second.pk]


def test_attribute_filter_matches_product_attributes_and_variant_options(api, channel):
    linen = listed_product(channel, attributes={"material": "Linen"})
    red = listed_product(channel)
    red.variants.update(options={"color": "Red"})
    sized = listed_product(channel, attributes={"size_cm": 42})

    assert ids(api.get("/api/v1/products?attribute=material:Linen")) == [linen.pk]
    assert ids(api.get("/api/v1/products?attribute=color:Red")) == [red.pk]
    assert ids(api.get("/api/v1/products?attribute=size_cm:42")) == [sized.pk]
    assert ids(api.get("/api/v1/products?attribute=material:Linen&attribute=color:Red")) == []
    assert api.get("/api/v1/products?attribute=nocolon").status_code == 400


def test_price_range_uses_the_channel_price_and_sales(api, channel):
    cheap = listed_product(channel, price="10.00")
    dear = listed_product(channel, price="100.00")
    on_sale = listed_product(channel, price="100.00")
    VariantListing.objects.filter(product=on_sale).update(sale_price=Decimal("20.00"))

    assert sorted(ids(api.get("/api/v1/products?maxPrice=20"))) == sorted([cheap.pk, on_sale.pk])
    assert ids(api.get("/api/v1/products?minPrice=50")) == [dear.pk]
    assert ids(api.get("/api/v1/products?minPrice=15&maxPrice=25")) == [on_sale.pk]


def test_in_stock_filter(api, channel):
    stocked = listed_product(channel, stock=5)
    empty = listed_product(channel, stock=0)
    preorder = listed_product(channel, stock=0)
    forced = listed_product(channel, stock=0)
    VariantListing.objects.filter(product=preorder).update(availability="preorder")
    VariantListing.objects.filter(product=forced).update(availability="in_stock")

    assert sorted(ids(api.get("/api/v1/products?inStock=true"))) == sorted([stocked.pk, forced.pk])
    assert sorted(ids(api.get("/api/v1/products?inStock=false"))) == sorted([empty.pk, preorder.pk])


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", ["Apple", "Banana", "Cherry"]),
        ("-title", ["Cherry", "Banana", "Apple"]),
        ("price", ["Banana", "Cherry", "Apple"]),
        ("-price", ["Apple", "Cherry", "Banana"]),
        ("newest", ["Cherry", "Banana", "Apple"]),
    ],
)
def test_orderings(api, channel, ordering, expected):
    listed_product(channel, title="Apple", price="30.00")
    listed_product(channel, title="Banana", price="10.00")
    listed_product(channel, title="Cherry", price="20.00")

    titles = [item["title"] for item in api.get(f"/api/v1/products?ordering={ordering}").json()["items"]]

    assert titles == expected


def test_products_without_a_price_sort_last_both_ways(api, channel):
    priced = listed_product(channel, price="5.00")
    unpriced = listed_product(channel)
    VariantListing.objects.filter(product=unpriced).delete()

    assert ids(api.get("/api/v1/products?ordering=price")) == [priced.pk, unpriced.pk]
    assert ids(api.get("/api/v1/products?ordering=-price")) == [priced.pk, unpriced.pk]


@pytest.mark.parametrize("ordering", ["title", "price", "newest", "updated"])
def test_cursor_pages_are_stable_while_the_catalog_changes(api, channel, ordering):
    products = [listed_product(channel, title=f"Item {n:02d}", price=f"{10 + n}.00") for n in range(7)]
    first = api.get(f"/api/v1/products?ordering={ordering}&pageSize=3").json()
    seen = [item["id"] for item in first["items"]]

    # Meanwhile: a product that sorts before the cursor is added, one already seen leaves.
    listed_product(channel, title="Item 00a", price="10.50")
    Product.objects.filter(pk=seen[0]).update(live=False)
    cursor = first["nextCursor"]
    while cursor:
        page = api.get(f"/api/v1/products?ordering={ordering}&pageSize=3&cursor={cursor}").json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["nextCursor"]

    original = {product.pk for product in products}
    assert len(seen) == len(set(seen))  # nothing twice
    assert original <= set(seen)  # nothing skipped


def test_cursor_from_another_query_or_forged_is_400(api, channel):
    for _ in range(3):
        listed_product(channel)
    cursor = api.get("/api/v1/products?pageSize=1").json()["nextCursor"]

    assert api.get(f"/api/v1/products?pageSize=1&cursor={cursor}").status_code == 200
    assert api.get(f"/api/v1/products?ordering=price&cursor={cursor}").status_code == 400
    assert api.get(f"/api/v1/products?cursor={cursor[:-2]}xx").json()["errors"][0]["code"] == "invalid_cursor"


def test_updated_since_returns_changes_and_tombstones(api, channel):
    kept = listed_product(channel)
    leaving = listed_product(channel)
    window_ended = listed_product(channel)
    since = timezone.now()
    changed = listed_product(channel)
    leaving.live = False
    leaving.save()
    tombstones_record(leaving)  # what the unpublished signal does
    ProductListing.objects.filter(product=window_ended).update(available_until=timezone.now())

    body = api.get("/api/v1/products", {"updatedSince": since.isoformat()}).json()

    assert [item["id"] for item in body["items"]] == [changed.pk]
    assert {item["id"] for item in body["tombstones"]} == {leaving.pk, window_ended.pk}
    assert kept.pk not in {item["id"] for item in body["tombstones"]}


def test_unpublishing_and_deleting_record_tombstones(api, channel):
    product = listed_product(channel)
    other = listed_product(channel)
    since = timezone.now()

    product.unpublish()
    other_id = other.pk
    other.delete()

    body = api.get("/api/v1/products", {"updatedSince": since.isoformat()}).json()
    assert {item["id"] for item in body["tombstones"]} == {product.pk, other_id}
    assert ProductTombstone.objects.filter(channel=channel).count() == 2


def test_locale_falls_back_as_the_resolver_does(api, channel):
    product = listed_product(channel, title="Shirt")
    ProductTranslationFactory(product=product, locale="de", title="Hemd")

    assert api.get("/api/v1/products?locale=de-AT").json()["items"][0]["title"] == "Hemd"
    assert api.get("/api/v1/products", HTTP_ACCEPT_LANGUAGE="de-CH,de;q=0.9").json()["items"][0]["title"] == "Hemd"
    assert api.get("/api/v1/products?locale=fr-FR").json()["items"][0]["title"] == "Shirt"
    assert api.get("/api/v1/products").json()["items"][0]["locale"] == "en-US"
    response = api.get("/api/v1/products?locale=xx-QQ")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "locale"


def _catalog(channel, count: int) -> None:
    for n in range(count):
        product = listed_product(channel, variants=2)
        ProductImageFactory(product=product, role="additional")
        product.categories.set([category(f"Cat {n}")])
        product.save()


@pytest.mark.parametrize("page_size", [5, 50])
def test_product_list_query_count_is_constant(api, channel, page_size):
    _catalog(channel, 12)
    api.get("/api/v1/products?pageSize=1")  # the key look-up is cached after the first request

    with CaptureQueriesContext(connection) as five:
        assert len(api.get("/api/v1/products?pageSize=5").json()["items"]) == 5
    with CaptureQueriesContext(connection) as fifty:
        assert len(api.get(f"/api/v1/products?pageSize={page_size}").json()["items"]) == min(page_size, 12)

    assert len(fifty) == len(five)
    assert len(five) <= 10, [query["sql"][:120] for query in five.captured_queries]


@pytest.mark.parametrize("ordering", ["title", "updated", "newest", "-price"])
def test_every_ordering_pages_in_a_constant_number_of_queries(api, channel, ordering):
    """The page's query also reads the ordering key, so the next cursor costs no query of its own."""
    _catalog(channel, 12)
    api.get("/api/v1/products?pageSize=1")

    counts = []
    for page_size in (2, 7):
        with CaptureQueriesContext(connection) as queries:
            body = api.get(f"/api/v1/products?ordering={ordering}&pageSize={page_size}").json()
        assert len(body["items"]) == page_size and body["nextCursor"]
        counts.append(len(queries))
    with_images = f"/api/v1/products?ordering={ordering}&pageSize=7&image=fill-160x160"
    api.get(with_images)  # makes the renditions
    with CaptureQueriesContext(connection) as images:
        api.get(with_images)

    assert counts[0] == counts[1] <= 10, counts
    assert len(images) == counts[0] + 1  # the renditions of every image on the page, in one query


def test_product_detail_query_count(api, channel):
    _catalog(channel, 1)
    product = Product.objects.get()
    api.get("/api/v1/products?pageSize=1")

    with CaptureQueriesContext(connection) as queries:
        assert api.get(f"/api/v1/products/{product.pk}").status_code == 200

    assert len(queries) <= 10, [query["sql"][:120] for query in queries.captured_queries]


def test_a_variant_added_later_does_not_change_the_query_count(api, channel):
    _catalog(channel, 3)
    api.get("/api/v1/products")
    with CaptureQueriesContext(connection) as before:
        api.get("/api/v1/products")
    product = Product.objects.first()
    for _ in range(5):
        variant = VariantFactory(product=product)
        StockLevelFactory(variant=variant)
        VariantListingFactory(variant=variant, channel=channel)

    with CaptureQueriesContext(connection) as after:
        api.get("/api/v1/products")

    assert len(after) == len(before)
