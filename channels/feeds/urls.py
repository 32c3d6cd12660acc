from django.urls import path

from channels.feeds import views

app_name = "feeds"

urlpatterns = [
    path("<slug:channel_code>/<str:filename>", views.serve_feed, name="serve"),
]
