"""Serving built feeds to marketplaces: per-channel credentials, conditional GET, gzip, streamed from disk."""

import base64
import binascii
import os

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.views.decorators.http import require_safe

from channels.feeds.formats import FORMATS
from channels.feeds.models import FeedSettings
from channels.feeds.pipeline import document_path
from channels.feeds.writer import gzip_path
from channels.models import Channel

REALM = "feeds"


def _unauthorized(channel_code: str) -> HttpResponse:
    response = HttpResponse("Feed credentials are missing or wrong.\n", status=401, content_type="text/plain")
    response["WWW-Authenticate"] = f'Basic realm="{REALM}:{channel_code}", charset="UTF-8"'
    return response


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


def _token(request: HttpRequest) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.META.get("HTTP_X_FEED_TOKEN", "") or request.GET.get("token", "")


def authorized(request: HttpRequest, feed_settings: FeedSettings) -> bool:
    token = _token(request)
    if token and feed_settings.check_token(token):
        return True
    credentials = _basic_credentials(request)
    return credentials is not None and feed_settings.check_basic(*credentials)


def _accepts_gzip(request: HttpRequest) -> bool:
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _not_modified(request: HttpRequest, etag: str, mtime: float) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or etag in tags or etag.removeprefix("W/") in tags
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(mtime) <= since


@require_safe
def serve_feed(request: HttpRequest, channel_code: str, filename: str) -> HttpResponse:
    """GET /feeds/<channel>/<file>: the last complete build of that feed."""
    channel = Channel.objects.filter(code=channel_code, active=True).first()
    feed_settings = FeedSettings.objects.filter(channel=channel).first() if channel else None
    # Unknown channels and channels without credentials answer like wrong credentials: nothing leaks.
    if feed_settings is None or not feed_settings.has_credentials or not authorized(request, feed_settings):
        return _unauthorized(channel_code)
    fmt = next((FORMATS[code] for code in feed_settings.format_codes if FORMATS[code].document_number(filename)), None)
    if fmt is None:
        raise Http404("This channel publishes no such feed.")
    path = document_path(channel, fmt, filename)
    compressed = gzip_path(path)
    use_gzip = _accepts_gzip(request) and compressed.exists()
    try:
        handle = open(compressed if use_gzip else path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        raise Http404("This feed has not been built yet.")
    stat = os.fstat(handle.fileno())
    plain_stat = os.stat(path) if use_gzip else stat
    # One ETag per representation (RFC 9110 §8.8.3): the gzip body is another byte sequence.
    etag = f'"{plain_stat.st_mtime_ns:x}-{plain_stat.st_size:x}{"-gz" if use_gzip else ""}"'
    if _not_modified(request, etag, plain_stat.st_mtime):
        handle.close()
        response = HttpResponseNotModified()
    else:
        response = FileResponse(handle, content_type=fmt.content_type)
        response["Content-Length"] = str(stat.st_size)
        if use_gzip:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(plain_stat.st_mtime)
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Accept-Encoding", "Authorization"))
    return response
