from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "评议活动"

    def ready(self) -> None:
        from core.audit import audit_register

        from . import (
            guards,  # noqa: F401  (registers the stage guards)
            permissions,  # noqa: F401 - registers the object rules
            workspace,  # noqa: F401 - registers the workspace panels
        )

        audit_register(self.get_model("VoteSession"))
        audit_register(self.get_model("VoteCandidate"))
        audit_register(self.get_model("Nomination"))
