"""Bad input in the catalog admin is a form error on the field that says what is wrong, and nothing is saved."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Revision

from catalog.models import Product, SkuClaim, StockLevel, Variant
from tests.factories import (
    BrandFactory,
    ProductFactory,
    StockLevelFactory,
    VariantFactory,
    apparel_type,
    make_gtin13,
    product_form_data,
    product_form_data_for,
    variant_row,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("wagtailsnippets_catalog_product:add")


@pytest.fixture
def apparel(db):
    return apparel_type()


@pytest.fixture
def admin_client(client, merchandiser):
    client.force_login(merchandiser)
    return client


def post_product(client, product_type, variants, attributes="material: Linen", url=ADD_URL):
    data = product_form_data(
        title="Linen Shirt",
        slug="linen-shirt",
        product_type=product_type,
        brand=BrandFactory(),
        attributes=attributes,
        variants=variants,
    )
    return client.post(url, data)


def variant_errors(response, index: int) -> dict:
    return response.context["form"].formsets["variants"].forms[index].errors


def test_invalid_gtin_check_digit_is_an_error_on_gtin(admin_client, apparel):
    response = post_product(admin_client, apparel, [variant_row("LS-S", gtin="4006381333932", options="size: S")])

    assert response.status_code == 200
    assert variant_errors(response, 0)["gtin"] == ["The GS1 check digit is wrong: expected 1, got 2."]
    assert not Product.objects.exists()
    assert not Variant.objects.exists()


def test_sku_of_another_product_is_an_error_on_sku(admin_client, apparel):
    VariantFactory(sku="TAKEN-1", product=ProductFactory(title="Canvas Tote"))

    response = post_product(admin_client, apparel, [variant_row("TAKEN-1", options="size: S")])

    assert response.status_code == 200
    assert variant_errors(response, 0)["sku"] == ["SKU “TAKEN-1” is already used by the live product “Canvas Tote”."]
    assert not Product.objects.filter(slug="linen-shirt").exists()
    assert Variant.objects.count() == 1


def test_sku_check_takes_as_many_queries_for_eight_variants_as_for_two(admin_client, apparel):
    VariantFactory(sku="TAKEN-1", product=ProductFactory(title="Canvas Tote"))
    VariantFactory(sku="DRAFT-1", product=ProductFactory(title="Wool Socks", live=False))
    brand = BrandFactory()

    def post_with_variants(count: int):
        free = [variant_row(f"LS-{n}", options="size: M") for n in range(count - 2)]
        variants = [variant_row("TAKEN-1", options="size: S"), *free, variant_row("DRAFT-1", options="size: L")]
        data = product_form_data(
            title="Linen Shirt", slug="linen-shirt", product_type=apparel, brand=brand, variants=variants
        )
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.post(ADD_URL, data)
        return response, len(queries)

    _, queries_for_two = post_with_variants(2)
    response, queries_for_eight = post_with_variants(8)

    assert queries_for_eight == queries_for_two
    assert response.status_code == 200
    assert variant_errors(response, 0)["sku"] == ["SKU “TAKEN-1” is already used by the live product “Canvas Tote”."]
    assert variant_errors(response, 7)["sku"] == [
        "SKU “DRAFT-1” is already used in a draft of the product “Wool Socks”."
    ]
    assert [index for index in range(8) if "sku" in variant_errors(response, index)] == [0, 7]
    assert not Product.objects.filter(slug="linen-shirt").exists()
    assert Variant.objects.count() == 2


def test_same_sku_twice_in_one_form_is_an_error_on_the_second_sku(admin_client, apparel):
    variants = [variant_row("LS-1", options="size: S"), variant_row("LS-1", options="size: M")]

    response = post_product(admin_client, apparel, variants)

    assert response.status_code == 200
    assert "sku" not in variant_errors(response, 0)
    assert variant_errors(response, 1)["sku"] == ["SKU “LS-1” is given to more than one variant of this product."]
    assert not Product.objects.exists()
    assert not Variant.objects.exists()


@pytest.mark.parametrize(
    ("sku", "message"),
    [
        ("LS\t1", "A SKU cannot contain a tab (character 3)."),
        ("LS\n1", "A SKU cannot contain a line break (character 3)."),
        ("LS\u200b1", "A SKU cannot contain the character U+200B ZERO WIDTH SPACE (character 3)."),
        ("LS  1", "A SKU cannot contain two spaces in a row: Google collapses them"),
    ],
)
def test_sku_with_a_character_that_breaks_feeds_is_an_error_on_sku_and_saves_nothing(
    admin_client, apparel, sku, message
):
    response = post_product(admin_client, apparel, [variant_row(sku, options="size: S")])

    assert response.status_code == 200
    [error] = variant_errors(response, 0)["sku"]
    assert error.startswith(message)
    assert not Product.objects.exists()
    assert not Variant.objects.exists()
    assert not SkuClaim.objects.exists()


def test_sku_with_letters_of_any_script_punctuation_and_single_spaces_is_accepted(admin_client, apparel):
    response = post_product(admin_client, apparel, [variant_row("Größe 42/ß-№7 (ÉTÉ)", options="size: S")])

    assert response.status_code == 302
    assert Variant.objects.get().sku == "Größe 42/ß-№7 (ÉTÉ)"


def test_option_outside_the_allowed_values_is_an_error_on_options(admin_client, apparel):
    response = post_product(admin_client, apparel, [variant_row("LS-XL", options="size: XL")])

    assert response.status_code == 200
    assert variant_errors(response, 0)["options"] == ["size: “XL” is not one of the allowed values: S, M, L."]
    assert not Product.objects.exists()


def test_unknown_product_attribute_is_an_error_on_attributes(admin_client, apparel):
    response = post_product(admin_client, apparel, [variant_row("LS-S", options="size: S")], attributes="weave: Twill")

    assert response.status_code == 200
    errors = response.context["form"].errors["attributes"]
    assert errors == ["weave: “weave” is not an attribute of Apparel (known: material)."]
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("price", "currency", "message"),
    [("1.234", "USD", "USD allows 2 decimal places; got 3."), ("1.5", "JPY", "JPY allows 0 decimal places; got 1.")],
)
def test_price_with_more_decimals_than_the_currency_allows_is_an_error_on_price(
    admin_client, apparel, price, currency, message
):
    variants = [variant_row("LS-S", options="size: S", price=price, currency=currency)]

    response = post_product(admin_client, apparel, variants)

    assert response.status_code == 200
    assert variant_errors(response, 0)["price"] == [message]
    assert not Product.objects.exists()


def test_whole_yen_price_is_accepted(admin_client, apparel):
    response = post_product(
        admin_client, apparel, [variant_row("LS-S", options="size: S", price="1500", currency="JPY")]
    )

    assert response.status_code == 302
    assert Variant.objects.get(sku="LS-S").price == 1500


def test_bad_variant_on_an_existing_product_saves_no_revision(admin_client, apparel):
    product = ProductFactory(product_type=apparel, attributes={"material": "Linen"})
    VariantFactory(product=product, sku="OK-1", gtin=make_gtin13(7), options={"size": "S"})
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])
    data = product_form_data_for(product, **{"variants-0-gtin": "12345678"})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert variant_errors(response, 0)["gtin"] == ["The GS1 check digit is wrong: expected 0, got 8."]
    assert Revision.objects.for_instance(product).count() == 0
    assert Variant.objects.get(sku="OK-1").gtin == make_gtin13(7)


def test_a_sku_stored_before_the_sku_rule_does_not_block_other_edits_but_a_changed_one_is_checked(
    admin_client, apparel
):
    # Given a product whose variant's SKU was stored before validate_sku (a trailing space)
    product = ProductFactory(product_type=apparel, attributes={"material": "Linen"}, title="Old title")
    variant = VariantFactory(product=product, sku="OK-1", gtin=make_gtin13(7), options={"size": "S"})
    Variant.objects.filter(pk=variant.pk).update(sku="LEGACY-1 ")
    product.refresh_from_db()
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])

    # When an editor changes only the title, the draft saves
    response = admin_client.post(url, product_form_data_for(product, title="New title"))
    assert response.status_code == 302, response.context["form"].formsets["variants"].errors
    assert Revision.objects.for_instance(product).count() == 1

    # But changing the SKU to another that breaks the rule is refused on that field
    response = admin_client.post(url, product_form_data_for(product, **{"variants-0-sku": "LEGACY\t2"}))
    assert response.status_code == 200
    assert "A SKU cannot contain a tab" in variant_errors(response, 0)["sku"][0]
    assert Revision.objects.for_instance(product).count() == 1


def test_negative_stock_is_an_error_on_the_field_and_nothing_changes(admin_client):
    stock = StockLevelFactory(on_hand=4, reserved=1)
    url = reverse("wagtailsnippets_catalog_stocklevel:edit", args=[stock.pk])

    response = admin_client.post(
        url, {"sku": stock.variant.sku, "location": stock.location_id, "on_hand": -3, "reserved": -1}
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["on_hand"] == ["Ensure this value is greater than or equal to 0."]
    assert form.errors["reserved"] == ["Ensure this value is greater than or equal to 0."]
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (4, 1)


def test_stock_for_an_unknown_sku_is_an_error_on_sku(admin_client):
    location = StockLevelFactory().location
    url = reverse("wagtailsnippets_catalog_stocklevel:add")

    response = admin_client.post(url, {"sku": "NOPE", "location": location.pk, "on_hand": 3, "reserved": 0})

    assert response.status_code == 200
    assert response.context["form"].errors["sku"] == ["No variant has the SKU “NOPE”."]
    assert StockLevel.objects.count() == 1


def test_stock_row_is_added_by_sku(admin_client):
    variant = VariantFactory(sku="ADD-1")
    location = StockLevelFactory().location
    url = reverse("wagtailsnippets_catalog_stocklevel:add")

    response = admin_client.post(url, {"sku": "ADD-1", "location": location.pk, "on_hand": 3, "reserved": 0})

    assert response.status_code == 302
    assert StockLevel.objects.get(variant=variant).on_hand == 3


def swap_first_two_skus(data: dict) -> dict:
    data["variants-0-sku"], data["variants-1-sku"] = data["variants-1-sku"], data["variants-0-sku"]
    return data


def skus_by_size(product) -> dict[str, str]:
    return {
        options["size"]: sku for sku, options in Variant.objects.filter(product=product).values_list("sku", "options")
    }


def test_two_variants_of_a_never_published_product_trade_skus(admin_client, apparel):
    # A never-published product writes its variant rows at every save, one row at a time: the trade must not
    # break the SKU's unique constraint halfway (it answered 500).
    post_product(
        admin_client, apparel, [variant_row("SW-1", options="size: S"), variant_row("SW-2", options="size: M")]
    )
    product = Product.objects.get(slug="linen-shirt")
    assert skus_by_size(product) == {"S": "SW-1", "M": "SW-2"}

    response = admin_client.post(
        reverse("wagtailsnippets_catalog_product:edit", args=[product.pk]),
        swap_first_two_skus(product_form_data_for(product)),
    )

    assert response.status_code == 302
    assert skus_by_size(product) == {"S": "SW-2", "M": "SW-1"}
    assert set(SkuClaim.objects.filter(product=product).values_list("sku", flat=True)) == {"SW-1", "SW-2"}


def test_publishing_a_draft_in_which_two_variants_trade_skus(client, superuser, apparel):
    client.force_login(superuser)
    product = ProductFactory(product_type=apparel, attributes={"material": "Linen"})
    VariantFactory(product=product, sku="LV-1", options={"size": "S"})
    VariantFactory(product=product, sku="LV-2", options={"size": "M"})
    product.save_revision().publish()
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])

    data = swap_first_two_skus(product_form_data_for(product, **{"action-publish": "action-publish"}))
    response = client.post(url, data)

    assert response.status_code == 302
    assert skus_by_size(product) == {"S": "LV-2", "M": "LV-1"}
    product.refresh_from_db()
    assert product.live and not product.has_unpublished_changes
