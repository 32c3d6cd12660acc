"""Admin views for channels: API keys are created showing the raw key once, and revoked."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.decorators.cache import add_never_cache_headers
from wagtail.admin import messages
from wagtail.snippets.views.snippets import CreateView

from channels.api_keys import api_key_create, api_key_revoke
from channels.models import ApiKey


class ApiKeyCreateView(CreateView):
    """Creates the key through the service and renders the raw key once (no redirect, not cached)."""

    def save_instance(self):
        api_key, self.raw_key = api_key_create(
            channel=self.form.cleaned_data["channel"], name=self.form.cleaned_data["name"]
        )
        return api_key

    def save_action(self):
        response = TemplateResponse(
            self.request,
            "channels/admin/api_key_created.html",
            {"api_key": self.object, "raw_key": self.raw_key, "index_url": reverse(self.index_url_name)},
        )
        add_never_cache_headers(response)
        return response


class ApiKeyRevokeView(View):
    """GET asks for confirmation; POST revokes. Needs the permission to change API keys."""

    viewset = None  # set by ApiKeyViewSet

    def dispatch(self, request, *args, **kwargs):
        if not self.viewset.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.api_key = get_object_or_404(ApiKey.objects.select_related("channel"), pk=kwargs["pk"])
        self.index_url = reverse(self.viewset.get_url_name("list"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        context = {"api_key": self.api_key, "index_url": self.index_url}
        return TemplateResponse(request, "channels/admin/api_key_revoke.html", context)

    def post(self, request, pk):
        if not self.api_key.is_revoked:
            api_key_revoke(self.api_key)
            messages.success(request, f"API key “{self.api_key}” revoked.")
        return redirect(self.index_url)
