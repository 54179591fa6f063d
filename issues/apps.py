from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "意见建议与重点问题"

    def ready(self) -> None:
        from campaigns.stages import Stage, register_guard
        from core.audit import audit_register

        from .services import key_issue_bound_errors

        # A batch leaves the key-issues stage only when every department has between
        # key_issues_min and key_issues_max confirmed key issues.
        register_guard(Stage.RECTIFICATION)(key_issue_bound_errors)
        from . import (
            notify,  # noqa: F401 - registers the notification events
            permissions,  # noqa: F401 - registers the object rules
            workspace,  # noqa: F401 - registers the inbox items
        )

        # Triage of suggestions (mass assign, spam, merge): the decisions, never the text or
        # the contact a citizen left.
        audit_register(
            self.get_model("Suggestion"), include_fields=["status", "theme", "department"]
        )
        audit_register(self.get_model("KeyIssue"), m2m_fields={"themes"})
        # Answers are written once (append-only): the entry records who answered and when.
        audit_register(self.get_model("SuggestionAnswer"))

        # Public content (department pages: key issues, theme summaries, suggestion counts):
        # bumps the campaign's page generation. Bulk triage services bump it themselves.
        from core import publiccache

        for name, field, path in (
            ("KeyIssue", "department", "campaign__slug"),
            ("Theme", "campaign", "slug"),
            ("Suggestion", "campaign", "slug"),
        ):
            publiccache.register(self.get_model(name), campaigns=publiccache.via(field, path))
