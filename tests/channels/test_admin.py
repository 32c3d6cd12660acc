import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.management import call_command
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.tables import Table

from catalog.models import Product
from channels.admin_listing import ChannelReadinessColumn, ChannelReadinessFilterSetMixin
from channels.api_keys import api_key_authenticate
from channels.models import ApiKey, Channel
from channels.panels import channels_tab
from channels.services import completeness_refresh_product
from tests.factories import ChannelFactory, ProductListingFactory, VariantListingFactory, listed_product

pytestmark = pytest.mark.django_db


class ProductFilterSet(ChannelReadinessFilterSetMixin):
    class Meta:
        model = Product
        fields = []


@pytest.fixture
def catalog():
    google = ChannelFactory(code="google-us", name="Google", kind="google")
    amazon = ChannelFactory(code="amazon-us", name="Amazon", kind="amazon")
    ChannelFactory(code="old", name="Old", active=False)
    ready = listed_product(google, title="Ready")
    ProductListingFactory(product=ready, channel=amazon, channel_category="SHIRT")
    VariantListingFactory(variant=ready.variants.get(), channel=amazon)
    not_ready = listed_product(google, title="No brand", brand=None)
    for product in (ready, not_ready):
        completeness_refresh_product(product)
    return {"google": google, "amazon": amazon, "ready": ready, "not_ready": not_ready}


def test_filter_not_ready_for_a_channel_is_a_query_on_stored_results(catalog):
    google = ProductFilterSet({"not_ready_for": "google-us"}, queryset=Product.objects.all()).qs
    amazon = ProductFilterSet({"not_ready_for": "amazon-us"}, queryset=Product.objects.all()).qs
    everything = ProductFilterSet({}, queryset=Product.objects.all()).qs

    assert list(google) == [catalog["not_ready"]]
    assert list(amazon) == []  # the ready product is ready there; the other is not listed
    assert set(everything) == {catalog["ready"], catalog["not_ready"]}


def test_filter_rejects_an_inactive_channel(catalog):
    filterset = ProductFilterSet({"not_ready_for": "old"}, queryset=Product.objects.all())
    assert not filterset.is_valid()


def test_readiness_column_shows_a_badge_per_active_channel(catalog, rf, django_assert_max_num_queries):
    products = list(Product.objects.order_by("title"))  # No brand, Ready
    column = ChannelReadinessColumn()
    table = Table([column], products)
    context = {"table": table, "request": rf.get("/"), "row": None}

    with django_assert_max_num_queries(2):
        cells = [column.get_cell_context_data(product, context)["badges"] for product in products]

    labels = [[badge["label"] for badge in badges] for badges in cells]
    assert labels[0][0] == "Amazon –" and labels[0][1].startswith("Google ") and labels[0][1] != "Google 100%"
    assert labels[1] == ["Amazon 100%", "Google 100%"]
    html = column.render_cell_html(products[1], context)
    assert "Google 100%" in html and "Old" not in html


def test_dashboard_panel_shows_ready_and_not_ready_counts(catalog, client, merchandiser):
    client.force_login(merchandiser)

    response = client.get("/admin/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Channel readiness" in html
    panel = html[html.index("Channel readiness") :]
    google_row = panel[panel.index("Google") : panel.index("</tr>", panel.index("Google"))]
    assert '<td class="channel-ready-count">1</td>' in google_row
    assert ">1</" in google_row.split("channel-not-ready-count")[1]


def test_editor_panel_lists_issues_with_where_to_fix(catalog, rf, merchandiser):
    product = catalog["not_ready"]
    tab = channels_tab().bind_to_model(Product)
    request = rf.get("/")
    request.user = merchandiser
    form_class = tab.get_form_class()
    form = form_class(instance=product, for_user=merchandiser)
    bound = tab.get_bound_panel(instance=product, form=form, request=request)

    html = " ".join(bound.render_html().split())

    assert "Google: " in html and "Brand is missing." in html and "Fix in: Brand" in html
    assert "Amazon: " in html and "not listed" in html


def test_publishing_with_errors_warns_what_is_missing(catalog, rf, merchandiser):
    request = rf.post("/", {"action-publish": "1"})
    request.user = merchandiser
    request.session = {}
    request._messages = FallbackStorage(request)
    for hook in hooks.get_hooks("after_edit_snippet"):
        hook(request, catalog["not_ready"])

    messages = [str(message) for message in request._messages]
    assert any("Published, but not ready for Google: Brand is missing." in message for message in messages)


def test_create_api_key_command_prints_the_key_once(capsys):
    channel = ChannelFactory(code="web")

    call_command("create_api_key", "web", name="Storefront")

    raw_key = capsys.readouterr().out.strip()
    assert api_key_authenticate(raw_key).channel == channel
    assert ApiKey.objects.get().key_hash != raw_key


def test_admin_creates_an_api_key_showing_it_once_and_revokes_it(client, superuser):
    channel = ChannelFactory(code="web")
    client.force_login(superuser)
    add_url = reverse("wagtailsnippets_channels_apikey:add")

    response = client.post(add_url, {"channel": channel.pk, "name": "Shop"})

    assert response.status_code == 200
    api_key = ApiKey.objects.get()
    raw_key = response.content.decode().split('id="raw-api-key"')[1].split(">")[1].split("<")[0]
    assert api_key_authenticate(raw_key) == api_key
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]

    revoke_url = reverse("wagtailsnippets_channels_apikey:revoke", args=[api_key.pk])
    assert client.get(revoke_url).status_code == 200
    client.post(revoke_url)
    assert api_key_authenticate(raw_key) is None
    assert client.get(reverse("wagtailsnippets_channels_apikey:list")).status_code == 200


def test_merchandisers_cannot_revoke_keys(client, merchandiser):
    channel = ChannelFactory(code="web")
    api_key = ApiKey.objects.create(channel=channel, name="x", prefix="hub_", key_hash="h")
    client.force_login(merchandiser)

    response = client.post(reverse("wagtailsnippets_channels_apikey:revoke", args=[api_key.pk]))

    assert response.status_code in (302, 403)
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


def test_channel_admin_edits_required_fields(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("wagtailsnippets_channels_channel:add"))
    assert response.status_code == 200
    response = client.post(
        reverse("wagtailsnippets_channels_channel:add"),
        {
            "name": "Google US",
            "code": "google-us",
            "kind": "google",
            "active": "on",
            "currency": "USD",
            "default_locale": "en-US",
            "country": "US",
            "product_url_template": "https://shop.example.com/p/{slug}",
            "required_fields": "summary, gender",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Channel.objects.get(code="google-us").required_fields == ["summary", "gender"]
