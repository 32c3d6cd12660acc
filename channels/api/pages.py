# ruff: noqa: B008 - ninja declares query parameters as Query(...) defaults
"""/pages: the editorial pages of hub/ (home, content pages), with product blocks resolved for the channel."""

from django.http import HttpRequest
from ninja import Query, Router
from wagtail.models import Page, Site
from wagtail.rich_text import expand_db_html

from catalog.models import Product
from channels.api.cursor import cursor_decode, cursor_encode, query_fingerprint
from channels.api.http import bad_request, json_read, not_found, query_params, request_locale
from channels.api.preview import preview_object
from channels.api.schemas import ERRORS, ERRORS_404, PageDetail, PageList
from channels.api.serializers import ImageRenderer, image_specs, latest, product_json
from channels.selectors import resolve_products, visible_in
from hub.models import ContentPage, HomePage

router = Router(tags=["pages"])

PAGE_TYPES = {"home": HomePage, "content": ContentPage}
PAGE_CONTENT_TYPES = {"hub.homepage", "hub.contentpage"}


def _pages():
    return Page.objects.live().public().type(*PAGE_TYPES.values())


def _site_root_path() -> str:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.url_path if site is not None else "/"


def _relative_path(page: Page, root: str) -> str:
    url_path = page.url_path or "/"
    return "/" + url_path[len(root) :] if url_path.startswith(root) else url_path


def _type_name(page: Page) -> str:
    return "home" if isinstance(page, HomePage) else "content"


def page_summary(page: Page, root: str) -> dict:
    return {
        "id": page.pk,
        "type": _type_name(page),
        "title": page.title,
        "slug": page.slug,
        "path": _relative_path(page, root),
        "intro": getattr(page, "intro", ""),
        "seoTitle": page.seo_title,
        "searchDescription": page.search_description,
        "firstPublishedAt": page.first_published_at,
        "lastPublishedAt": page.last_published_at,
    }


def page_detail(request: HttpRequest, page: Page, root: str, locale: str | None, specs) -> dict:
    """The page with its body; a product block carries the channel's resolved product (null if not listed)."""
    images = ImageRenderer(request, specs)
    body = list(page.body)
    product_ids = {
        block.value["product"].pk
        for block in body
        if block.block_type == "product" and block.value["product"] is not None
    }
    products = {}
    if product_ids:
        visible = visible_in(request.channel, Product.objects.filter(pk__in=product_ids))
        products = {item.id: item for item in resolve_products(visible, request.channel, locale)}
    images.prepare(
        block.value["image"] for block in body if block.block_type == "image" and block.value["image"] is not None
    )
    blocks = []
    for block in body:
        value = block.value
        if block.block_type == "paragraph":
            rendered = expand_db_html(value.source)
        elif block.block_type == "image":
            image = value["image"]
            rendered = {"image": images.image(image) if image is not None else None, "caption": value["caption"]}
        elif block.block_type == "product":
            product = value["product"]
            resolved = products.get(product.pk) if product is not None else None
            rendered = {
                "product": product_json(resolved, images) if resolved is not None else None,
                "caption": value["caption"],
            }
        else:
            rendered = value
        blocks.append({"type": block.block_type, "id": block.id, "value": rendered})
    return {**page_summary(page, root), "body": blocks}


@router.get(
    "/pages",
    response={200: PageList, **ERRORS},
    by_alias=True,
    operation_id="listPages",
    summary="Live editorial pages in tree order",
)
@query_params("type", "cursor", "pageSize")
def list_pages(
    request: HttpRequest,
    type: str | None = Query(None, pattern="^(home|content)$", description="home or content"),  # noqa: A002
    cursor: str | None = Query(None, max_length=1000),
    page_size: int = Query(20, ge=1, le=100, alias="pageSize"),
    locale: str | None = None,
):
    request_locale(request, locale)
    queryset = Page.objects.live().public().type(PAGE_TYPES[type]) if type else _pages()
    fingerprint = query_fingerprint({"pages": type})
    if cursor:
        position = cursor_decode(cursor, fingerprint)
        if len(position) != 1 or not isinstance(position[0], str):
            raise bad_request("This cursor is not valid.", "cursor", "invalid_cursor")
        queryset = queryset.filter(path__gt=position[0])
    rows = list(queryset.order_by("path").specific()[: page_size + 1])
    pages = rows[:page_size]
    root = _site_root_path()
    data = {
        "items": [page_summary(page, root) for page in pages],
        "nextCursor": cursor_encode(fingerprint, [pages[-1].path]) if len(rows) > page_size else None,
    }
    return json_read(request, data, last_modified=latest(page.last_published_at for page in pages))


@router.get(
    "/pages/preview",
    response={200: PageDetail, **ERRORS_404},
    by_alias=True,
    operation_id="previewPage",
    summary="A page's draft, for the token of wagtail-headless-preview",
)
@query_params("token", "contentType", "image")
def preview_page(
    request: HttpRequest,
    token: str = Query(..., max_length=500),
    content_type: str = Query(..., alias="contentType", max_length=100, description="e.g. hub.contentpage"),
    image: list[str] = Query(None),
    locale: str | None = None,
):
    locale = request_locale(request, locale)
    specs = image_specs(request)
    if content_type.lower() not in PAGE_CONTENT_TYPES:
        raise bad_request("Use contentType=hub.homepage or hub.contentpage.", "contentType")
    page, _identifier = preview_object(content_type, token)
    if page is None:
        raise not_found("No preview for this token.")
    return json_read(request, page_detail(request, page, _site_root_path(), locale, specs), cache=False)


@router.get(
    "/pages/by-path",
    response={200: PageDetail, **ERRORS_404},
    by_alias=True,
    operation_id="getPageByPath",
    summary="One page by its path on the site, e.g. /guides/running-shoes/",
)
@query_params("path", "image")
def get_page_by_path(
    request: HttpRequest,
    path: str = Query(..., max_length=500),
    image: list[str] = Query(None),
    locale: str | None = None,
):
    locale = request_locale(request, locale)
    specs = image_specs(request)
    root = _site_root_path()
    url_path = root.rstrip("/") + "/" + path.strip("/") + "/" if path.strip("/") else root
    page = _pages().filter(url_path=url_path).specific().first()
    if page is None:
        raise not_found("No such page.")
    return json_read(request, page_detail(request, page, root, locale, specs), last_modified=page.last_published_at)


@router.get(
    "/pages/{int:page_id}",
    response={200: PageDetail, **ERRORS_404},
    by_alias=True,
    operation_id="getPage",
    summary="One page by id",
)
@query_params("image")
def get_page(request: HttpRequest, page_id: int, image: list[str] = Query(None), locale: str | None = None):
    locale = request_locale(request, locale)
    specs = image_specs(request)
    page = _pages().filter(pk=page_id).specific().first() if 0 < page_id < 2**63 else None
    if page is None:
        raise not_found("No such page.")
    root = _site_root_path()
    return json_read(request, page_detail(request, page, root, locale, specs), last_modified=page.last_published_at)
