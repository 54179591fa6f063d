from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from core.audit import audit_register

        from . import catalogue  # noqa: F401 - registers the digest and its providers

        audit_register(self.get_model("Robot"), mask_fields=["url", "secret"])
