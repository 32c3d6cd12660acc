"""Fuzz the content API from its own OpenAPI document: no 5xx, and every response matches the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import BrandFactory, ProductTranslationFactory, category, listed_product

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def catalog(channel):
    shirts = category("Shirts", category("Clothing"))
    brand = BrandFactory(name="Acme", slug="acme")
    for n in range(3):
        product = listed_product(channel, title=f"Shirt {n}", brand=brand, attributes={"material": "Linen"})
        product.categories.set([shirts])
        product.save()
    ProductTranslationFactory(product=product, locale="de")


@pytest.fixture
def wsgi_app():
    # The WSGI handler would close the test transaction's connection between requests (the test client
    # disconnects these receivers for the same reason).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_server_errors_and_responses_match_the_schema(catalog, raw_key, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    headers = {"Authorization": f"Bearer {raw_key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14

    statuses: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(headers=headers)
            statuses.setdefault(case.operation.label, set()).add(response.status_code)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        check()

    # The key was accepted (no operation answered only 401) and the lists were really read.
    assert all(codes - {401} for codes in statuses.values()), statuses
    assert 200 in statuses["GET /api/v1/products"]
