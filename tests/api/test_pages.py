import pytest
from wagtail.models import Site

from hub.models import ContentPage, HomePage
from tests.factories import ImageFactory, listed_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(db):
    site = Site.objects.get(is_default_site=True)
    root = site.root_page.get_parent()
    home = root.add_child(instance=HomePage(title="Home", slug="home-page", intro="Welcome"))
    site.root_page = home
    site.save()
    return home


def test_pages_render_blocks_and_resolve_product_blocks_for_the_channel(api, channel, home):
    shown = listed_product(channel, title="Shown")
    hidden = listed_product(channel, title="Hidden", live=False)
    image = ImageFactory()
    page = home.add_child(
        instance=ContentPage(
            title="Guide",
            slug="guide",
            body=[
                ("heading", "Our picks"),
                ("paragraph", "<p>Read <b>this</b>.</p>"),
                ("image", {"image": image, "caption": "A photo"}),
                ("product", {"product": shown, "caption": ""}),
                ("product", {"product": hidden, "caption": ""}),
            ],
        )
    )

    listing = api.get("/api/v1/pages").json()["items"]
    detail = api.get(f"/api/v1/pages/{page.pk}?image=fill-160x160").json()
    by_path = api.get("/api/v1/pages/by-path", {"path": "/guide/"}).json()

    assert [(item["type"], item["path"]) for item in listing] == [("home", "/"), ("content", "/guide/")]
    assert [block["type"] for block in detail["body"]] == ["heading", "paragraph", "image", "product", "product"]
    assert detail["body"][1]["value"] == "<p>Read <b>this</b>.</p>"
    assert detail["body"][2]["value"]["image"]["renditions"][0]["width"] == 160
    assert detail["body"][3]["value"]["product"]["title"] == "Shown"
    assert detail["body"][3]["value"]["product"]["currency"] == "USD"
    assert detail["body"][4]["value"]["product"] is None  # a draft product never leaks through a page
    assert by_path["id"] == page.pk


def test_draft_pages_are_404_until_published_and_previewable_by_token(api, channel, home):
    page = home.add_child(instance=ContentPage(title="Soon", slug="soon", live=False))
    page.title = "Soon (draft)"
    page.save_revision()
    draft = page.get_latest_revision_as_object()
    token = draft.create_page_preview().token

    assert api.get(f"/api/v1/pages/{page.pk}").status_code == 404
    preview = api.get("/api/v1/pages/preview", {"contentType": "hub.contentpage", "token": token})
    assert preview.status_code == 200
    assert preview.json()["title"] == "Soon (draft)"
    wrong_type = api.get("/api/v1/pages/preview", {"contentType": "hub.homepage", "token": token})
    assert wrong_type.status_code == 404
