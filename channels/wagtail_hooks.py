"""Channels in the admin: channel and API key viewsets, the dashboard panel, completeness on save."""

from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from catalog.models import Product
from catalog.models.product import PREVIEW_MODES_HOOK, SERVE_PREVIEW_HOOK
from channels.api.preview import serve_product_preview, storefront_preview_modes
from channels.models import ApiKey, Channel
from channels.readiness import readiness_by_channel
from channels.services import completeness_refresh_product
from channels.views import ApiKeyCreateView, ApiKeyRevokeView

PRODUCT_LIST_URL_NAME = "wagtailsnippets_catalog_product:list"


class ChannelViewSet(SnippetViewSet):
    model = Channel
    icon = "site"
    menu_label = "Channels"
    list_display = ["name", "code", "kind", "currency", "default_locale", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("active")]),
        FieldRowPanel([FieldPanel("currency"), FieldPanel("default_locale"), FieldPanel("country")]),
        FieldPanel("product_url_template"),
        MultiFieldPanel([FieldPanel("required_fields")], heading="Rules on top of the kind's built-in rules"),
    ]


class RevokeColumn(Column):
    def __init__(self, viewset):
        super().__init__("revoke", label="", accessor="pk")
        self.viewset = viewset

    def get_value(self, instance):
        if instance.is_revoked:
            return f"revoked {instance.revoked_at:%Y-%m-%d}"
        url = reverse(self.viewset.get_url_name("revoke"), args=[instance.pk])
        return format_html('<a href="{}" class="button button-small button-secondary">Revoke</a>', url)


class ApiKeyViewSet(SnippetViewSet):
    model = ApiKey
    icon = "key"
    menu_label = "API keys"
    add_view_class = ApiKeyCreateView
    list_filter = ["channel"]
    panels = [FieldPanel("channel"), FieldPanel("name")]

    @property
    def list_display(self):
        return ["name", "channel", "prefix", "created_at", "last_used_at", RevokeColumn(self)]

    @property
    def revoke_view(self):
        return ApiKeyRevokeView.as_view(viewset=self)

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("revoke/<int:pk>/", self.revoke_view, name="revoke")]


class ChannelsGroup(SnippetViewSetGroup):
    menu_label = "Channels"
    menu_icon = "site"
    menu_order = 150
    items = (ChannelViewSet, ApiKeyViewSet)


register_snippet(ChannelsGroup)


class ChannelReadinessDashboardPanel(Component):
    name = "channel_readiness"
    template_name = "channels/admin/dashboard_panel.html"
    order = 150

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        try:
            list_url = reverse(PRODUCT_LIST_URL_NAME)
        except NoReverseMatch:
            list_url = ""
        context.update(rows=readiness_by_channel(), list_url=list_url)
        return context


@hooks.register("construct_homepage_panels")
def add_channel_readiness_panel(request, panels):
    panels.append(ChannelReadinessDashboardPanel())


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def store_completeness_after_save(request, instance):
    """Store readiness for what was saved; when it was published with errors, say what is missing."""
    if not isinstance(instance, Product):
        return
    reports = completeness_refresh_product(instance)
    if "action-publish" not in request.POST:
        return
    channels = {channel.pk: channel for channel in Channel.objects.filter(pk__in=reports)}
    problems = [
        f"{channels[channel_id].name}: " + "; ".join(issue.message for issue in report.errors)
        for channel_id, report in reports.items()
        if report.errors
    ]
    if problems:
        messages.warning(request, "Published, but not ready for " + " · ".join(problems))


@hooks.register(PREVIEW_MODES_HOOK)
def storefront_preview_modes_for_products():
    """One "Storefront: <channel>" preview mode per active storefront or POS channel."""
    return [(code, f"Storefront: {name}") for code, name in storefront_preview_modes() if code]


@hooks.register(SERVE_PREVIEW_HOOK)
def serve_storefront_preview(product, request, mode_name):
    """A storefront mode opens the channel's product URL with a preview token; the admin's own mode is ''."""
    if not mode_name:
        return None
    return serve_product_preview(product, request, mode_name)
