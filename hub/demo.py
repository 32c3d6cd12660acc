"""Demo editorial pages: a home page and a buying guide whose body embeds demo products."""

from typing import TextIO

from wagtail.models import Page, Site

from catalog.models import Product
from hub.models import ContentPage, HomePage

GUIDE_PRODUCT_COUNT = 3


def load_pages_demo(stdout: TextIO) -> None:
    """Idempotent: makes the home page the default site's root once, then the guide under it once."""
    home = HomePage.objects.first() or _replace_welcome_page()
    guide_exists = ContentPage.objects.child_of(home).filter(slug="camping-guide").exists()
    if not guide_exists:
        products = list(Product.objects.live().order_by("pk")[:GUIDE_PRODUCT_COUNT])
        body = [("heading", "Sleep warm, cook well"), ("paragraph", "<p>Our picks for a weekend outdoors.</p>")]
        body += [("product", {"product": product, "caption": ""}) for product in products]
        home.add_child(
            instance=ContentPage(title="Camping guide", slug="camping-guide", intro="Weekend kit.", body=body)
        )
    stdout.write(f"Pages demo: home page and camping guide ({'already there' if guide_exists else 'created'}).")


def _replace_welcome_page() -> HomePage:
    """Wagtail's first migration makes a placeholder "Welcome" page; the demo puts a HomePage in its place."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="home-page", intro="The hub's demo storefront."))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="The hub")
    else:
        placeholder = site.root_page
        site.root_page = home
        site.save()
        if placeholder.specific_class is Page and not placeholder.get_children().exists():
            placeholder.delete()
    return home
