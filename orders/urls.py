"""The order API's URLs: /api-order/…, the checkout alias /api-order-checkout, and JSON 404s under the prefix."""

from django.urls import path, re_path

from hub.api_errors import api_not_found
from orders.api import api

api_urls = api.urls
# The source article shows a client posting to /api-order-checkout; it is the same (API-bound) operation.
checkout_alias = next(pattern.callback for pattern in api_urls[0] if pattern.name == "checkout")

urlpatterns = [
    path("api-order/", api_urls),
    path("api-order-checkout", checkout_alias, name="checkout_alias"),
    re_path(r"^api-order/", api_not_found),
]
