import pytest
from django.core.cache import cache
from django.test import Client

from channels.api_keys import api_key_create
from tests.factories import ChannelFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_response_cache(settings):
    """Reads run the full path (queries counted) unless a test turns the response cache on (test_cache.py)."""
    settings.API_RESPONSE_CACHE = False


@pytest.fixture
def channel(db):
    return ChannelFactory(code="web", currency="USD", default_locale="en-US")


@pytest.fixture
def raw_key(channel):
    return api_key_create(channel=channel, name="web storefront")[1]


@pytest.fixture
def api(raw_key):
    """A test client that sends the channel's key on every request."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
