"""The order API's URLs: /api-order/…, the checkout alias /api-order-checkout, and JSON 404s under the prefix.

Every error under the prefix is JSON: a wrong method is a 405 in the errors shape (json_api_urls), an
unknown path a 404 (api_not_found)."""

from django.urls import path, re_path

from hub.api_errors import api_not_found, json_api_urls
from orders.api import api, error_envelope

api_urls = json_api_urls(api, envelope=error_envelope)
# The source article shows a client posting to /api-order-checkout; it is the same (API-bound) operation.
checkout_alias = next(pattern.callback for pattern in api_urls[0] if pattern.name == "checkout")

urlpatterns = [
    path("api-order/", api_urls),
    path("api-order-checkout", checkout_alias, name="checkout_alias"),
    re_path(r"^api-order/", api_not_found),
]
