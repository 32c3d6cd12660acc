"""Each format, parsed with a standard reader and checked item by item (the issue's "Correctness" list)."""

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from lxml import etree

from catalog.models import Attribute, ProductTypeAttribute
from channels.feeds.formats import AMAZON_JSON
from channels.feeds.pipeline import build_feed, set_link
from channels.feeds.serializers.google import COLUMNS as GOOGLE_COLUMNS
from channels.feeds.serializers.meta import COLUMNS as META_COLUMNS
from channels.feeds.sku_sets import SKU_FILE, read_skus
from channels.models import ProductListing, VariantListing
from tests.factories import (
    AttributeFactory,
    ProductFactory,
    ProductImageFactory,
    ProductListingFactory,
    ProductTypeFactory,
    StockLevelFactory,
    VariantFactory,
    VariantListingFactory,
    choice_attribute,
    listed_product,
)
from tests.feeds.conftest import TRICKY_TITLE, catalog_for, expected_skus, google_shoe, set_listing

SPECS = Path("/work/shared/specs/amazon")
G = "{http://base.google.com/ns/1.0}"
PRICE = re.compile(r"^\d+\.\d{2} USD$")
GOOGLE_INTERVAL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d{4}/\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d{4}$")
META_INTERVAL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d/\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d$")
PLAIN_DESCRIPTION = 'Line one & "two" <three>\nSecond line: naïve café, 東京'


def read(build) -> bytes:
    return Path(build.file_path).read_bytes()


def google_items(build) -> dict[str, dict[str, list[str]]]:
    root = etree.fromstring(read(build))
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert root.nsmap["g"] == "http://base.google.com/ns/1.0"
    channel = root.find("channel")
    assert channel.findtext("title") and channel.findtext("link") and channel.findtext("description")
    items = {}
    for element in channel.findall("item"):
        fields: dict[str, list[str]] = {}
        for child in element:
            assert child.tag.startswith(G), f"{child.tag} lacks the g: namespace"
            fields.setdefault(child.tag[len(G) :], []).append(child.text)
        items[fields["id"][0]] = fields
    return items


def test_google_xml_lists_each_sellable_variant_with_required_attributes(google):
    products = catalog_for(google)

    build = build_feed(google, "google-xml")

    items = google_items(build)
    assert set(items) == expected_skus(products)
    for fields in items.values():
        for name in ("id", "title", "description", "link", "image_link", "availability", "price", "condition", "brand"):
            assert len(fields[name]) == 1 and fields[name][0], name
        assert fields["availability"][0] in ("in_stock", "out_of_stock", "preorder", "backorder")
        assert fields["condition"][0] in ("new", "refurbished", "used")
        assert PRICE.match(fields["price"][0])
        assert len(fields["id"][0]) <= 50 and len(fields["title"][0]) <= 150
        assert fields["link"][0].startswith("https://shop.example.com/p/")
        assert fields["image_link"][0].startswith("https://hub.example.com/media/images/")
        assert "gtin" in fields or "mpn" in fields or fields.get("identifier_exists") == ["no"]
    first, second = products["first"].sku, products["second"].sku
    assert items[first]["title"] == [TRICKY_TITLE]  # tab, &, <, quotes and non-ASCII intact
    assert items[first]["description"] == [PLAIN_DESCRIPTION]
    assert items[first]["item_group_id"] == items[second]["item_group_id"] == [f"P{products['tricky'].pk}"]
    assert "item_group_id" not in items[products["single"].variants.get().sku]
    assert items[first]["product_type"] == ["Apparel > Shirts"]
    assert items[first]["price"] == ["24.99 USD"] and items[first]["sale_price"] == ["19.50 USD"]
    assert GOOGLE_INTERVAL.match(items[first]["sale_price_effective_date"][0])
    assert "sale_price" not in items[second]
    assert items[first]["shipping_weight"] == ["0.5 kg"]
    assert items[first]["size"] == ["M"] and items[second]["size"] == ["L"] and items[first]["color"] == ["Blue"]
    single = items[products["single"].variants.get().sku]
    assert single["price"] == ["5.00 USD"]
    assert len(single["additional_image_link"]) == 1 and single["additional_image_link"] != single["image_link"]
    assert b"xmlns:g" in read(build).split(b"<item>", 1)[0]  # declared once, on the root
    assert read(build).count(b"xmlns:g") == 1


def test_google_xml_reports_and_leaves_out_items_with_completeness_errors(google):
    products = catalog_for(google)

    build = build_feed(google, "google-xml")

    broken_sku = products["broken"].variants.get().sku
    assert broken_sku not in google_items(build)
    assert build.items_skipped == 1
    assert build.diagnostics["items"] == [
        {
            "product": "No image",
            "productId": products["broken"].pk,
            "sku": broken_sku,
            "field": "images",
            "reason": "A main image is missing.",
        }
    ]
    assert build.diagnostics["reasons"] == {"images: A main image is missing.": 1}


def test_google_xml_leaves_out_drafts_unpublished_listings_and_closed_windows(google):
    products = catalog_for(google)

    items = google_items(build_feed(google, "google-xml"))

    for key in ("draft", "hidden", "future", "elsewhere"):
        for variant in products[key].variants.all():
            assert variant.sku not in items, key
    assert products["unsold_variant"].sku not in items


def test_google_xml_says_identifier_exists_no_only_when_the_listing_says_so(google):
    products = catalog_for(google)
    single = products["single"]
    single.variants.update(gtin="")
    ProductListing.objects.filter(product=single, channel=google).update(attributes={"identifier_exists": False})

    items = google_items(build_feed(google, "google-xml"))

    fields = items[single.variants.get().sku]
    assert fields["identifier_exists"] == ["no"] and "gtin" not in fields
    assert all("identifier_exists" not in other for sku, other in items.items() if sku != single.variants.get().sku)


def test_google_tsv_has_one_line_per_item_without_tabs_or_newlines_inside_values(google):
    products = catalog_for(google)

    build = build_feed(google, "google-tsv")

    text = read(build).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == list(GOOGLE_COLUMNS)
    assert all(len(row) == len(GOOGLE_COLUMNS) for row in rows)
    items = {row[0]: dict(zip(GOOGLE_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(items) == expected_skus(products)
    first = items[products["first"].sku]
    assert first["title"] == TRICKY_TITLE.replace("\t", " ")
    assert first["description"] == PLAIN_DESCRIPTION.replace("\n", " ")
    assert first["price"] == "24.99 USD" and first["sale_price"] == "19.50 USD"
    assert GOOGLE_INTERVAL.match(first["sale_price_effective_date"])
    assert first["availability"] == "in_stock" and first["condition"] == "new"
    assert first["item_group_id"] == f"P{products['tricky'].pk}"
    assert first["product_type"] == "Apparel > Shirts"
    single = items[products["single"].variants.get().sku]
    assert single["additional_image_link"].startswith("https://hub.example.com/")
    assert "," not in single["additional_image_link"]  # one extra image


def test_meta_csv_uses_meta_columns_and_enums_and_round_trips_quotes_and_newlines(meta):
    products = catalog_for(meta)

    build = build_feed(meta, "meta-csv")

    rows = list(csv.DictReader(io.StringIO(read(build).decode("utf-8"), newline="")))
    assert list(rows[0].keys()) == list(META_COLUMNS)
    items = {row["id"]: row for row in rows}
    assert set(items) == expected_skus(products)
    for row in rows:
        for name in ("id", "title", "description", "availability", "condition", "price", "link", "image_link"):
            assert row[name], name
        assert row["availability"] in ("in stock", "out of stock", "preorder", "available for order")
        assert row["condition"] == "new"
        assert PRICE.match(row["price"])
        assert len(row["title"]) <= 150
    first = items[products["first"].sku]
    assert first["title"] == TRICKY_TITLE
    assert first["description"] == PLAIN_DESCRIPTION
    assert first["availability"] == "in stock"
    assert first["sale_price"] == "19.50 USD" and META_INTERVAL.match(first["sale_price_effective_date"])
    assert first["item_group_id"] == items[products["second"].sku]["item_group_id"] == f"P{products['tricky'].pk}"
    assert first["quantity_to_sell_on_facebook"] == "10"
    assert products["broken"].variants.get().sku not in items
    assert [row["field"] for row in build.diagnostics["items"]] == ["images"]


def test_meta_csv_says_out_of_stock_with_a_space(meta):
    products = catalog_for(meta)
    products["single"].variants.get().stock_levels.update(on_hand=0)

    rows = list(csv.DictReader(io.StringIO(read(build_feed(meta, "meta-csv")).decode("utf-8"), newline="")))

    row = next(row for row in rows if row["id"] == products["single"].variants.get().sku)
    assert row["availability"] == "out of stock" and row["quantity_to_sell_on_facebook"] == ""


def listed_skus(channel) -> list[str]:
    """The SKUs the served Amazon set lists (its SKU file): what the next build deletes against."""
    return list(read_skus(set_link(channel, AMAZON_JSON) / SKU_FILE))


def amazon_document(build) -> dict:
    return amazon_document_at(Path(build.file_path))


def amazon_document_at(path: Path) -> dict:
    document = json.loads(path.read_bytes())
    schema = json.loads((SPECS / "listings-feed-schema-v2.json").read_text())
    jsonschema.Draft7Validator(schema).validate(document)
    return document


def test_amazon_feed_is_valid_against_the_listings_feed_schema(amazon):
    products = catalog_for(amazon)

    build = build_feed(amazon, "amazon-json")

    document = amazon_document(build)
    assert document["header"] == {"sellerId": "A1SELLER", "version": "2.0", "issueLocale": "en_US"}
    messages = {message["sku"]: message for message in document["messages"]}
    assert set(messages) == expected_skus(products)
    assert [message["messageId"] for message in document["messages"]] == list(range(1, len(messages) + 1))
    first = messages[products["first"].sku]
    assert first["operationType"] == "UPDATE" and first["productType"] == "LUGGAGE"
    attributes = first["attributes"]
    market = "ATVPDKIKX0DER"
    assert attributes["item_name"] == [{"value": TRICKY_TITLE, "language_tag": "en_US", "marketplace_id": market}]
    assert attributes["product_description"][0]["value"] == PLAIN_DESCRIPTION
    assert attributes["condition_type"] == [{"value": "new_new", "marketplace_id": "ATVPDKIKX0DER"}]
    assert attributes["externally_assigned_product_identifier"][0]["type"] == "ean"
    offer = attributes["purchasable_offer"][0]
    assert offer["currency"] == "USD" and offer["our_price"] == [{"schedule": [{"value_with_tax": 24.99}]}]
    assert offer["discounted_price"][0]["schedule"][0]["value_with_tax"] == 19.5
    assert attributes["fulfillment_availability"] == [{"fulfillment_channel_code": "DEFAULT", "quantity": 10}]
    assert attributes["main_product_image_locator"][0]["media_location"].startswith("https://hub.example.com/")
    assert attributes["item_package_weight"] == [{"value": 0.5, "unit": "kilograms", "marketplace_id": "ATVPDKIKX0DER"}]
    assert listed_skus(amazon) == sorted(message["sku"] for message in document["messages"])
    assert build.legacy_skus is None


def test_amazon_feed_leaves_out_and_reports_skus_longer_than_amazon_takes(amazon, google):
    # Given a product on Amazon and Google whose variants' SKUs are 40 and 41 characters long (the hub takes 64)
    product = ProductFactory(title="Long SKUs")
    ProductImageFactory(product=product)
    longest_allowed, too_long = "A" * 40, "B" * 41
    for sku in (longest_allowed, too_long):
        variant = VariantFactory(product=product, sku=sku)
        StockLevelFactory(variant=variant, on_hand=3)
        for channel in (amazon, google):
            VariantListingFactory(variant=variant, channel=channel)
    for channel in (amazon, google):
        ProductListingFactory(product=product, channel=channel, channel_category="LUGGAGE")

    # When the Amazon feed is built
    build = build_feed(amazon, "amazon-json")

    # Then the 41-character SKU is neither listed nor in the SKU file, and the diagnostics say why
    messages = amazon_document(build)["messages"]
    assert [message["sku"] for message in messages] == [longest_allowed]
    assert listed_skus(amazon) == [longest_allowed]
    assert (build.items_written, build.items_skipped) == (1, 1)
    reason = "Amazon accepts seller SKUs of at most 40 characters; this SKU is longer."
    assert build.diagnostics["items"] == [
        {"product": "Long SKUs", "productId": product.pk, "sku": too_long, "field": "sku", "reason": reason}
    ]
    assert build.diagnostics["reasons"] == {f"sku: {reason}": 1}
    # … while Google, which takes up to 50 characters, lists both
    assert set(google_items(build_feed(google, "google-xml"))) == {longest_allowed, too_long}


@pytest.mark.parametrize("fmt", ["google-xml", "google-tsv"])
def test_google_feeds_leave_out_and_report_ids_longer_than_merchant_center_takes(google, fmt):
    # Given variants whose SKUs are 50 and 51 characters long (the hub takes 64)
    product = ProductFactory(title="Long ids")
    ProductImageFactory(product=product)
    longest_allowed, too_long = "A" * 50, "A" * 50 + "B"
    for sku in (longest_allowed, too_long):
        variant = VariantFactory(product=product, sku=sku)
        StockLevelFactory(variant=variant, on_hand=3)
        VariantListingFactory(variant=variant, channel=google)
    ProductListingFactory(product=product, channel=google, channel_category="536")  # Home & Garden

    # When the feed is built
    build = build_feed(google, fmt)

    # Then the 51-character SKU is not cut to another item's id but left out, and the diagnostics say why
    assert (build.items_written, build.items_skipped) == (1, 1)
    reason = "Google Merchant Center accepts ids of at most 50 characters; this SKU is longer."
    assert build.diagnostics["items"] == [
        {"product": "Long ids", "productId": product.pk, "sku": too_long, "field": "sku", "reason": reason}
    ]
    if fmt == "google-xml":
        assert list(google_items(build)) == [longest_allowed]


def test_amazon_feed_deletes_skus_that_left_the_channel_since_the_previous_feed(amazon):
    products = catalog_for(amazon)
    build_feed(amazon, "amazon-json")
    gone = products["single"].variants.get().sku
    ProductListing.objects.filter(product=products["single"], channel=amazon).update(published=False)

    build = build_feed(amazon, "amazon-json")

    document = amazon_document(build)
    deletes = [message for message in document["messages"] if message["operationType"] == "DELETE"]
    assert deletes == [{"messageId": len(document["messages"]), "sku": gone, "operationType": "DELETE"}]
    assert listed_skus(amazon) == sorted(expected_skus(products) - {gone}) and build.deletes_written == 1
    # The next feed does not delete it again.
    again = amazon_document(build_feed(amazon, "amazon-json"))
    assert all(message["operationType"] == "UPDATE" for message in again["messages"])


def test_generic_csv_and_json_lines_carry_the_resolved_fields(marketplace):
    products = catalog_for(marketplace)

    csv_rows = list(csv.DictReader(io.StringIO(read(build_feed(marketplace, "csv")).decode("utf-8"), newline="")))
    lines = read(build_feed(marketplace, "jsonl")).decode("utf-8").splitlines()

    records = {record["sku"]: record for record in map(json.loads, lines)}
    assert set(records) == {row["id"] for row in csv_rows} == expected_skus(products)
    first = records[products["first"].sku]
    assert first["title"] == TRICKY_TITLE and first["description"] == PLAIN_DESCRIPTION
    assert first["price"] == "24.99" and first["salePrice"] == "19.50" and first["currency"] == "USD"
    assert first["unitPrice"] == "19.50" and first["availability"] == "in_stock" and first["quantity"] == 10
    assert first["categories"] == ["Apparel > Shirts"] and first["options"] == {"size": "M", "color": "Blue"}
    assert first["weight"] == "0.5" and first["weightUnit"] == "kg"
    row = next(row for row in csv_rows if row["id"] == products["first"].sku)
    assert row["title"] == TRICKY_TITLE and row["description"] == PLAIN_DESCRIPTION and row["price"] == "24.99"


@pytest.mark.parametrize("currency, expected", [("EUR", "24.99 EUR"), ("JPY", "25 JPY")])
def test_prices_carry_the_channel_currency_and_its_minor_unit(google, currency, expected):
    google.currency = currency
    google.save()
    products = catalog_for(google)
    VariantListing.objects.filter(channel=google).update(currency=currency)
    VariantListing.objects.filter(channel=google, sale_price__isnull=False).update(sale_price=None)

    items = google_items(build_feed(google, "google-xml"))

    assert items[products["second"].sku]["price"] == [expected]


def test_amazon_feed_above_the_message_limit_is_a_set_of_documents_swapped_in_together(amazon, settings, client):
    settings.FEEDS_AMAZON_MAX_MESSAGES = 2
    products = catalog_for(amazon)  # 4 items
    build_feed(amazon, "amazon-json")
    ProductListing.objects.filter(product=products["single"], channel=amazon).update(published=False)

    build = build_feed(amazon, "amazon-json")  # 3 UPDATEs and 1 DELETE

    root = Path(build.file_path).parent
    names = ["listings.json", "listings-2.json"]
    assert [document["name"] for document in build.documents] == names
    assert [(d["messages"], d["deletes"]) for d in build.documents] == [(2, 0), (2, 1)]
    documents = [amazon_document_at(root / name) for name in names]
    messages = [message for document in documents for message in document["messages"]]
    assert [[m["messageId"] for m in document["messages"]] for document in documents] == [[1, 2], [1, 2]]
    assert [m["operationType"] for m in messages] == ["UPDATE", "UPDATE", "UPDATE", "DELETE"]
    assert {m["sku"] for m in messages[:3]} == expected_skus(products) - {products["single"].variants.get().sku}
    assert build.items_written == 3 and build.deletes_written == 1
    assert build.file_size == sum((root / name).stat().st_size for name in names)
    # Served each, behind the channel's credentials; a document the set does not have is 404.
    feed_settings = amazon.feed_settings
    token = feed_settings.set_token()
    feed_settings.save()
    for name in names:
        response = client.get(f"/feeds/{amazon.code}/{name}", {"token": token})
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == (root / name).read_bytes()
    assert client.get(f"/feeds/{amazon.code}/listings-3.json", {"token": token}).status_code == 404
    assert client.get(f"/feeds/{amazon.code}/listings-1.json", {"token": token}).status_code == 404

    # A smaller next build replaces the whole set: no document of the previous set is left behind.
    settings.FEEDS_AMAZON_MAX_MESSAGES = 25_000
    smaller = build_feed(amazon, "amazon-json")
    assert [document["name"] for document in smaller.documents] == ["listings.json"]
    assert client.get(f"/feeds/{amazon.code}/listings-2.json", {"token": token}).status_code == 404
    assert sorted(p.name for p in root.resolve().parent.iterdir() if p.name.startswith(".amazon")) == [
        root.resolve().name
    ]


def test_a_failing_amazon_build_keeps_the_previous_set(amazon, settings, monkeypatch):
    settings.FEEDS_AMAZON_MAX_MESSAGES = 2
    catalog_for(amazon)
    good = build_feed(amazon, "amazon-json")
    root = Path(good.file_path).parent
    before = {name: (root / name).read_bytes() for name in ("listings.json", "listings-2.json")}

    def explode(*args):
        raise RuntimeError("serializer bug")

    monkeypatch.setattr("channels.feeds.serializers.amazon.variant_attributes", explode)
    with pytest.raises(RuntimeError, match="serializer bug"):
        build_feed(amazon, "amazon-json")

    assert {name: (root / name).read_bytes() for name in before} == before
    assert len([p for p in root.resolve().parent.iterdir() if p.name.startswith(".amazon-json.")]) == 1


def test_export_feed_command_reports_each_amazon_document(amazon, settings, tmp_path):
    settings.FEEDS_AMAZON_MAX_MESSAGES = 3
    catalog_for(amazon)
    out = io.StringIO()
    (tmp_path / "out-3.json").write_text("stale")

    call_command(
        "export_feed", amazon.code, "--output", str(tmp_path / "out.json"), "--format", "amazon-json", stdout=out
    )

    summary = out.getvalue()
    assert "out.json: 3 messages" in summary and "out-2.json: 1 message," in summary
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out-2.json", "out-2.json.gz", "out.json", "out.json.gz"]
    assert [len(amazon_document_at(tmp_path / n)["messages"]) for n in ("out.json", "out-2.json")] == [3, 1]


@pytest.mark.parametrize("fmt", ["google-xml", "meta-csv", "amazon-json"])
def test_a_variants_color_outranks_the_products_and_the_listings_outranks_both(google, meta, amazon, fmt):
    """A variant-level fact (color, size …) is the listing's channel attribute, else the variant's option, else
    the product attribute. The resolver carries a product attribute of a channel attribute's name as the
    product's channel attribute too; a feed gave that one to every variant, over their own colors."""
    channel = {"google-xml": google, "meta-csv": meta, "amazon-json": amazon}[fmt]
    product = listed_product(channel, variants=3, attributes={"color": "Red", "material": "Wool"})
    category = "LUGGAGE" if channel.kind == "amazon" else ""
    set_listing(product, channel, channel_category=category, attributes={"condition": "new"})
    blue, green, plain = product.variants.order_by("sort_order", "pk")
    blue.options, green.options = {"color": "Blue"}, {"color": "Green", "material": "Silk"}
    blue.save()
    green.save()

    colors = item_facts(build_feed(channel, fmt), fmt)

    assert colors == {blue.sku: ("Blue", "Wool"), green.sku: ("Green", "Silk"), plain.sku: ("Red", "Wool")}
    set_listing(product, channel, attributes={"color": "Black", "condition": "new"})
    assert set(item_facts(build_feed(channel, fmt), fmt).values()) == {("Black", "Wool"), ("Black", "Silk")}


@pytest.mark.parametrize("fmt", ["google-xml", "meta-csv", "amazon-json"])
def test_an_attribute_marked_as_the_marketplace_size_is_sent_as_size(google, meta, amazon, fmt):
    """Shoes vary by `shoe_size` and pans by `diameter` (cm): a marketplace knows neither name, and a Google item
    group's items must differ in what it knows. Marked as standing for size, they are sent as size (a number
    with its unit), from the variant's option or else the product attribute; the listing's size outranks both."""
    channel = {"google-xml": google, "meta-csv": meta, "amazon-json": amazon}[fmt]
    shoe_size = choice_attribute("shoe_size", ["41", "42"])
    diameter = AttributeFactory(code="diameter", kind=Attribute.Kind.NUMBER, unit="cm")
    footwear, cookware = ProductTypeFactory(), ProductTypeFactory()
    ProductTypeAttribute.objects.create(product_type=footwear, attribute=shoe_size, role="variant")
    ProductTypeAttribute.objects.create(product_type=cookware, attribute=diameter, role="variant")
    shoe = listed_product(channel, variants=2, product_type=footwear)
    pan = listed_product(channel, variants=1, product_type=cookware, attributes={"diameter": 24})
    wok = listed_product(channel, variants=2, product_type=cookware)
    for product in (shoe, pan, wok):
        category = "LUGGAGE" if channel.kind == "amazon" else ""
        set_listing(product, channel, channel_category=category, attributes={"condition": "new"})
    variants = {}
    for product, code, values in [(shoe, "shoe_size", ("41", "42")), (wok, "diameter", (28, 32.5))]:
        for variant, value in zip(product.variants.order_by("sort_order", "pk"), values, strict=True):
            variant.options = {code: value}
            variant.save()
            variants[value] = variant.sku
    variants["pan"] = pan.variants.get().sku

    unmarked = item_facts(build_feed(channel, fmt), fmt, "size")
    Attribute.objects.filter(pk__in=[shoe_size.pk, diameter.pk]).update(marketplace_attribute="size")
    marked = item_facts(build_feed(channel, fmt), fmt, "size")
    set_listing(shoe, channel, attributes={"condition": "new", "size": "One size"})
    listed = item_facts(build_feed(channel, fmt), fmt, "size")

    assert set(unmarked.values()) == {""}
    assert marked == {
        variants["41"]: "41",
        variants["42"]: "42",
        variants["pan"]: "24 cm",
        variants[28]: "28 cm",
        variants[32.5]: "32.5 cm",
    }
    assert [listed[variants[size]] for size in ("41", "42", 28)] == ["One size", "One size", "28 cm"]


def test_google_takes_shoes_whose_size_is_an_attribute_marked_as_size(google):
    """Google requires a size for shoes (category 187); a shoe's `shoe_size` option is one once it is marked."""
    shoe_size = google_shoe(google).product_type.attribute_links.get().attribute

    unmarked = build_feed(google, "google-xml")
    assert (unmarked.items_written, unmarked.items_skipped) == (0, 2)
    assert unmarked.diagnostics["reasons"] == {"size: Google requires size for apparel.": 2}

    Attribute.objects.filter(pk=shoe_size.pk).update(marketplace_attribute="size")
    marked = build_feed(google, "google-xml")
    assert (marked.items_written, marked.items_skipped) == (2, 0)
    assert sorted(fields["size"][0] for fields in google_items(marked).values()) == ["41", "42"]


def item_facts(build, fmt: str, *names: str) -> dict:
    """The facts `names` of each item by SKU, as the format writes them ("" when absent): (color, material)
    by default, a single fact's value alone."""
    names = names or ("color", "material")
    if fmt == "google-xml":
        facts = {sku: [fields.get(name, [""])[0] for name in names] for sku, fields in google_items(build).items()}
    elif fmt == "meta-csv":
        rows = csv.DictReader(io.StringIO(read(build).decode("utf-8"), newline=""))
        facts = {row["id"]: [row[name] for name in names] for row in rows}
    else:
        facts = {
            message["sku"]: [message["attributes"].get(name, [{"value": ""}])[0]["value"] for name in names]
            for message in amazon_document(build)["messages"]
        }
    return {sku: tuple(values) if len(values) > 1 else values[0] for sku, values in facts.items()}
