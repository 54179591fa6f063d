from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "接口与客户端"

    def ready(self) -> None:
        from core.audit import audit_register

        from . import schema  # noqa: F401 - registers the auth scheme

        audit_register(self.get_model("ApiClient"), exclude_fields=["key_hash", "last_used_at"])
