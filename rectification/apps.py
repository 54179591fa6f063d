from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "整改落实与跟踪问效"

    def ready(self) -> None:
        from core.audit import audit_register

        from . import (
            documents,  # noqa: F401 - registers the official Word documents
            notify,  # noqa: F401 - registers the notification events
            permissions,  # noqa: F401 - registers the object rules
            workspace,  # noqa: F401 - registers the inbox items
        )

        for name in ("Plan", "Measure", "ProgressUpdate", "Verdict", "Rebound"):
            audit_register(self.get_model(name))

        # Public content (board, issue pages, feed): bumps the campaign's page generation.
        from core import publiccache

        issue = "key_issue__department__campaign__slug"
        for name, field, path in (
            ("Plan", "key_issue", "department__campaign__slug"),
            ("PlanVersion", "plan", issue),
            ("Measure", "plan", issue),
            ("ProgressUpdate", "plan", issue),
            ("IndicatorValue", "update", f"plan__{issue}"),
            ("Attachment", "update", f"plan__{issue}"),
            ("Verdict", "key_issue", "department__campaign__slug"),
            ("Rebound", "key_issue", "department__campaign__slug"),
        ):
            publiccache.register(self.get_model(name), campaigns=publiccache.via(field, path))
