from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "成效评价"

    def ready(self) -> None:
        from core.audit import audit_register

        from . import (
            documents,  # noqa: F401 - registers the official Word documents
            notify,  # noqa: F401 - registers the notification events
            permissions,  # noqa: F401 - registers the object rules
            workspace,  # noqa: F401 - registers the inbox items
        )

        for name in ("ScoringConfig", "ResearchScore", "CommitteeSession", "PublicVote"):
            audit_register(self.get_model(name))
        audit_register(self.get_model("PublicVoter"), include_fields=["voided_at", "void_reason"])
        audit_register(self.get_model("ScoreSheet"), exclude_fields=["settings_snapshot"])

        # Public content (scores page, department pages): bumps the campaign's generation.
        from core import publiccache

        for name, field, path in (
            ("ScoreSheet", "campaign", "slug"),
            ("ScoreRow", "sheet", "campaign__slug"),
            ("ScoringConfig", "campaign", "slug"),
            ("PublicVote", "campaign", "slug"),
        ):
            publiccache.register(self.get_model(name), campaigns=publiccache.via(field, path))
