"""The admin's feed pages: per channel, each feed's last build, what it left out and why, and rebuild now."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from channels.feeds.formats import FORMATS
from channels.feeds.models import FeedBuild
from channels.feeds.pipeline import document_path, feed_path, feed_settings_for
from channels.feeds.tasks import rebuild_feed_now
from channels.models import Channel

VIEW_PERMISSION = "channels.view_channel"
CHANGE_PERMISSION = "channels.change_channel"


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


class CredentialsForm(forms.Form):
    basic_username = forms.CharField(label="HTTP Basic user", max_length=150, required=False)
    basic_password = forms.CharField(
        label="HTTP Basic password",
        required=False,
        widget=forms.PasswordInput,
        help_text="Leave empty to keep the current password.",
    )
    amazon_seller_id = forms.CharField(label="Amazon seller id", max_length=40, required=False)
    amazon_marketplace_id = forms.CharField(label="Amazon marketplace id", max_length=20, required=False)


def index(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW_PERMISSION)
    channels = Channel.objects.filter(active=True).order_by("name")
    rows = []
    for channel in channels:
        latest = FeedBuild.objects.latest_per_format(channel)
        codes = feed_settings_for(channel).format_codes
        rows.append({"channel": channel, "feeds": [(FORMATS[code], latest.get(code)) for code in codes]})
    return TemplateResponse(request, "feeds/admin/index.html", {"rows": rows, "page_title": "Feeds"})


def channel_feeds(request: HttpRequest, channel_code: str) -> HttpResponse:
    _require(request, VIEW_PERMISSION)
    channel = get_object_or_404(Channel, code=channel_code)
    feed_settings = feed_settings_for(channel)
    latest = FeedBuild.objects.latest_per_format(channel)
    feeds = []
    for code in feed_settings.format_codes:
        fmt = FORMATS[code]
        feeds.append(
            {
                "format": fmt,
                "build": latest.get(code),
                "exists": feed_path(channel, fmt).exists(),
                "public_url": request.build_absolute_uri(reverse("feeds:serve", args=[channel.code, fmt.filename])),
                "documents": [
                    {
                        **document,
                        "public_url": request.build_absolute_uri(
                            reverse("feeds:serve", args=[channel.code, document["name"]])
                        ),
                    }
                    for document in ((latest.get(code) and latest[code].documents) or [])
                    if isinstance(document, dict) and fmt.document_number(document.get("name", ""))
                ],
            }
        )
    form = CredentialsForm(
        initial={
            "basic_username": feed_settings.basic_username,
            "amazon_seller_id": feed_settings.amazon_seller_id,
            "amazon_marketplace_id": feed_settings.amazon_marketplace_id,
        }
    )
    context = {
        "channel": channel,
        "feed_settings": feed_settings,
        "feeds": feeds,
        "form": form,
        "history": FeedBuild.objects.filter(channel=channel).defer("legacy_skus", "diagnostics")[:20],
        "can_change": request.user.has_perm(CHANGE_PERMISSION),
        "page_title": f"Feeds of {channel.name}",
    }
    return TemplateResponse(request, "feeds/admin/channel.html", context)


@require_POST
def rebuild(request: HttpRequest, channel_code: str) -> HttpResponse:
    _require(request, CHANGE_PERMISSION)
    channel = get_object_or_404(Channel, code=channel_code)
    codes = feed_settings_for(channel).format_codes
    wanted = request.POST.get("format")
    if wanted:
        if wanted not in codes:
            raise Http404("This channel publishes no such feed.")
        codes = (wanted,)
    for code in codes:
        rebuild_feed_now.enqueue(channel.pk, code)
    messages.success(request, f"Rebuild of {', '.join(codes)} for {channel.name} started.")
    return redirect("feeds_admin:channel", channel.code)


@require_POST
def credentials(request: HttpRequest, channel_code: str) -> HttpResponse:
    _require(request, CHANGE_PERMISSION)
    channel = get_object_or_404(Channel, code=channel_code)
    feed_settings = feed_settings_for(channel)
    if "new_token" in request.POST:
        raw = feed_settings.set_token()
        feed_settings.save(update_fields=["token_hash", "token_prefix"])
        messages.success(request, f"New feed token (shown once, copy it now): {raw}")
        return redirect("feeds_admin:channel", channel.code)
    form = CredentialsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        feed_settings.amazon_seller_id = data["amazon_seller_id"]
        feed_settings.amazon_marketplace_id = data["amazon_marketplace_id"]
        if not data["basic_username"]:
            feed_settings.basic_username = ""
            feed_settings.basic_password_hash = ""
        elif data["basic_password"]:
            feed_settings.set_basic(data["basic_username"], data["basic_password"])
        else:
            feed_settings.basic_username = data["basic_username"]
        feed_settings.save()
        messages.success(request, "Feed settings saved.")
    else:
        messages.error(request, "The feed settings were not saved: check the fields.")
    return redirect("feeds_admin:channel", channel.code)


def download(request: HttpRequest, channel_code: str, format_code: str) -> HttpResponse:
    _require(request, VIEW_PERMISSION)
    channel = get_object_or_404(Channel, code=channel_code)
    fmt = FORMATS.get(format_code)
    if fmt is None or fmt.code not in feed_settings_for(channel).format_codes:
        raise Http404("This channel publishes no such feed.")
    filename = request.GET.get("document") or fmt.filename
    if not fmt.document_number(filename):
        raise Http404("This feed has no such document.")
    path = document_path(channel, fmt, filename)
    if not path.exists():
        raise Http404("This feed has not been built yet.")
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=f"{channel.code}-{filename}",
        content_type=fmt.content_type,
    )
