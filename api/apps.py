from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "接口、权限与审计"

    def ready(self) -> None:
        from . import rules, schema  # noqa: F401 - registers object rules and the auth scheme
        from .audit import register_all

        register_all()
