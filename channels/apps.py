from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "channels"
    verbose_name = "Sales channels"

    def ready(self):
        from channels import signals  # noqa: F401 (connects the receivers)
