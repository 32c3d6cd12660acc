"""Draft preview in the storefront, for pages (wagtail-headless-preview as it is) and for the Product snippet.

The package's flow: the admin's Preview button stores the draft as JSON under a signed token (PagePreview)
and opens the client URL with `?content_type=…&token=…`; the storefront calls the API with that token.
Products get the same flow on PreviewableMixin: `serve_product_preview()` is what `Product.serve_preview`
should return (one preview mode per storefront channel, opening that channel's product URL).

The package's signer does not check a token's age; the API does, here, with API_PREVIEW_MAX_AGE.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from wagtail.models import Page, Site
from wagtail_headless_preview.models import PagePreview, get_client_root_url_from_site
from wagtail_headless_preview.signals import preview_update

from catalog.models import Product
from channels.api.http import bad_request
from channels.models import Channel

PRODUCT_CONTENT_TYPE = "catalog.product"
_SIGNER = signing.TimestampSigner(salt="headlesspreview.token")  # the package's own salt and signer


def preview_token_identifier(token: str) -> str:
    """What the token was made for (`id=42`, or `parent_id=…;page_type=…` for a new page), within max age."""
    try:
        return _SIGNER.unsign(token, max_age=settings.API_PREVIEW_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise bad_request("This preview token has expired; press Preview again.", "token", "preview_expired") from exc
    except signing.BadSignature as exc:
        raise bad_request("This preview token is not valid.", "token", "invalid_preview_token") from exc


def preview_object(content_type: str, token: str):
    """The draft stored under a valid token for that content type (a Page or a Product), or None."""
    identifier = preview_token_identifier(token)
    app_label, _, model = content_type.lower().partition(".")
    try:
        ctype = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        return None, identifier
    preview = PagePreview.objects.filter(content_type=ctype, token=token).first()
    if preview is None:
        return None, identifier
    model = ctype.model_class()
    if model is None:
        return None, identifier
    if issubclass(model, Page):
        return preview.as_page(), identifier
    # A snippet (Product): the package's as_page() wants a page's content_type key; modelcluster does the rest.
    return model.from_json(preview.content_json), identifier


def product_preview_create(product: Product) -> str:
    """Store the product's current (draft) state, children included, under a new signed token."""
    token = _SIGNER.sign(f"id={product.pk}")
    PagePreview.objects.update_or_create(
        token=token,
        defaults={"content_type": ContentType.objects.get_for_model(Product), "content_json": product.to_json()},
    )
    return token


def product_preview_url(request: HttpRequest, product: Product, channel: Channel | None, token: str) -> str:
    """The channel's storefront URL of the product (else the preview client URL) with the token added."""
    params = urlencode({"content_type": PRODUCT_CONTENT_TYPE, "token": token})
    if channel is not None and channel.product_url_template:
        sku = next((variant.sku for variant in product.variants.all()), "")
        base = channel.product_url(slug=product.slug, sku=sku, product_id=product.pk or "")
    else:
        base = get_client_root_url_from_site(Site.find_for_request(request) or Site.objects.first())
    return f"{base}{'&' if '?' in base else '?'}{params}"


def storefront_preview_modes() -> list[tuple[str, str]]:
    """One preview mode per active storefront or POS channel (for Product.preview_modes)."""
    channels = Channel.objects.filter(active=True, kind__in=[Channel.Kind.STOREFRONT, Channel.Kind.POS])
    return [("", "Storefront")] + [(channel.code, channel.name) for channel in channels]


def serve_product_preview(product: Product, request: HttpRequest, mode_name: str) -> HttpResponse:
    """What Product.serve_preview returns: the package's preview page framing the storefront URL."""
    PagePreview.garbage_collect()
    token = product_preview_create(product)
    preview_update.send(sender=Product, token=token)
    channel = Channel.objects.filter(code=mode_name).first() if mode_name else None
    if channel is None:
        channel = Channel.objects.filter(active=True, kind=Channel.Kind.STOREFRONT).first()
    url = product_preview_url(request, product, channel, token)
    return render(request, "wagtail_headless_preview/preview.html", {"preview_url": url})
