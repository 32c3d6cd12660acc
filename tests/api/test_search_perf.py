"""Search ranks as the configured backend does (on SQLite through its index in one pass, not per row)."""

import pytest
from wagtail.search.backends import get_search_backend

from catalog.models import Product
from channels.api.search import search_ids
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_search_ids_rank_live_products_as_the_backend_does():
    titles = ["Linen shirt", "Linen linen shirt", "Linen trousers", "Cotton shirt", "Linen", "Linen shirt"]
    for title in titles:
        ProductFactory(title=title)
    ProductFactory(title="Linen draft", live=False)
    backend = get_search_backend()

    for q in ("linen", "linen shirt", "shirt", "nothing-matches"):
        expected = [item.pk for item in backend.search(q, Product.objects.live(), order_by_relevance=True)]
        assert search_ids(q) == expected, q
    assert len(search_ids("linen")) == 5
