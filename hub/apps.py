from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "The hub"

    def ready(self):
        from hub import signals  # noqa: F401 (connects the receivers)
