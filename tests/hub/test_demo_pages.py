from io import StringIO

from wagtail.models import Page, Site

from hub.demo import load_pages_demo
from hub.models import ContentPage, HomePage
from tests.factories import ProductFactory


def test_pages_demo_puts_a_home_page_at_the_site_root_and_a_guide_embedding_products(db):
    products = [ProductFactory(), ProductFactory()]

    load_pages_demo(StringIO())
    load_pages_demo(StringIO())  # idempotent

    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page.specific == home
    guide = ContentPage.objects.child_of(home).get(slug="camping-guide")
    assert [block.value["product"] for block in guide.body if block.block_type == "product"] == products
    assert not Page.objects.filter(title__startswith="Welcome").exists()
