from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "12345热线"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the object rules
