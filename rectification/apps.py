from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "整改落实与跟踪问效"

    def ready(self) -> None:
        from core.audit import audit_register

        from . import permissions  # noqa: F401 - registers the object rules

        for name in ("Plan", "Measure", "ProgressUpdate", "Verdict", "Rebound"):
            audit_register(self.get_model(name))
