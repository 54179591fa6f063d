from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "12345热线"

    def ready(self) -> None:
        from core import publiccache
        from core.audit import audit_register

        from . import (
            permissions,  # noqa: F401 - registers the object rules
            tasks,  # noqa: F401 - registers hotline.alias_rematch, which services send by name
            workspace,  # noqa: F401 - registers the inbox items
        )

        # Alias changes re-match tickets and change statistics: who, when, before/after.
        audit_register(self.get_model("AliasChange"))
        # Public figures come from the aggregates (per department, whatever the campaign);
        # stats_refresh() writes them in bulk and bumps every page itself.
        for name in ("DailyStat", "MonthlyStat"):
            publiccache.register(self.get_model(name))
