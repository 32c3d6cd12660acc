from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "channels.feeds"
    label = "feeds"
    verbose_name = "Marketplace feeds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from channels.feeds import receivers

        receivers.connect()
