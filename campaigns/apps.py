from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "评议活动"

    def ready(self) -> None:
        from . import guards  # noqa: F401  (registers the stage guards)
