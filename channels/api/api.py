"""The content API: one NinjaAPI under /api/v1/, a router per resource, every error in one JSON shape."""

from ninja import NinjaAPI

from channels.api import catalog, pages, products
from channels.api.auth import CHANNEL_KEY_AUTH
from channels.api.http import ORJSONRenderer
from hub.api_errors import register_exception_handlers

DESCRIPTION = """Channel-resolved products, categories, brands and editorial pages for storefronts, apps and POS.

Every endpoint needs a channel API key (`Authorization: Bearer <key>` or `X-Api-Key: <key>`); the key decides
the channel. Texts resolve for `?locale=` or `Accept-Language`, falling back to the channel's locale. Reads
carry `ETag` and `Last-Modified` and answer `304` to `If-None-Match` / `If-Modified-Since`. Errors are
`{"errors": [{"code", "field", "message"}]}` with a 4xx status.
"""

api = NinjaAPI(
    title="The hub content API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="content-api",
    auth=CHANNEL_KEY_AUTH,
    renderer=ORJSONRenderer(),
)
register_exception_handlers(api)
api.add_router("", products.router)
api.add_router("", catalog.router)
api.add_router("", pages.router)
