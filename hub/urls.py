from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from channels.api.api import api as content_api
from hub.api_errors import api_not_found

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("feeds/", include("channels.feeds.urls")),
    path("", include("orders.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("api/v1/", content_api.urls),
    re_path(r"^api/v1/", api_not_found),  # unknown paths under the API answer JSON, not the site's 404
]

urlpatterns += [path("", include(wagtail_urls))]
