"""The Feeds admin: a menu item, an overview of all channels, and a page per channel."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from channels.feeds import admin_views

admin_urlpatterns = [
    path("", admin_views.index, name="index"),
    path("<slug:channel_code>/", admin_views.channel_feeds, name="channel"),
    path("<slug:channel_code>/rebuild/", admin_views.rebuild, name="rebuild"),
    path("<slug:channel_code>/credentials/", admin_views.credentials, name="credentials"),
    path("<slug:channel_code>/download/<str:format_code>/", admin_views.download, name="download"),
]


@hooks.register("register_admin_urls")
def register_feed_urls():
    return [path("feeds/", include((admin_urlpatterns, "feeds_admin"), namespace="feeds_admin"))]


class FeedsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_feeds_menu_item():
    return FeedsMenuItem("Feeds", reverse("feeds_admin:index"), icon_name="download", order=450)
