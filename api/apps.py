from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "接口、权限与审计"

    def ready(self) -> None:
        from .audit import register_all

        register_all()
