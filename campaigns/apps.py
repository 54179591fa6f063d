from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "评议活动"

    def ready(self) -> None:
        from core.audit import audit_register

        from . import (
            guards,  # noqa: F401  (registers the stage guards)
            notify,  # noqa: F401 - registers the notification events
            permissions,  # noqa: F401 - registers the object rules
            workspace,  # noqa: F401 - registers the workspace panels
        )

        audit_register(self.get_model("VoteSession"))
        audit_register(self.get_model("VoteCandidate"))
        audit_register(self.get_model("Nomination"))

        # Public content: saving or deleting one bumps the campaign's public page generation.
        # A campaign edit (its slug may change) refreshes every public page.
        from core import publiccache

        publiccache.register(self.get_model("Campaign"))
        for name, field, path in (
            ("Batch", "campaign", "slug"),
            ("EvaluatedDepartment", "campaign", "slug"),
            ("StageTransition", "batch", "campaign__slug"),
            ("StagePlan", "batch", "campaign__slug"),
            ("VoteSession", "batch", "campaign__slug"),
            ("VoteCandidate", "session", "batch__campaign__slug"),
            ("CommitmentStatement", "evaluated", "campaign__slug"),
        ):
            publiccache.register(self.get_model(name), campaigns=publiccache.via(field, path))
