from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "The hub"

    def ready(self):
        from hub import lookups, signals  # noqa: F401 (registers the in_ids lookup, connects the receivers)
