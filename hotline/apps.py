from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "12345热线"

    def ready(self) -> None:
        from core import publiccache

        from . import permissions  # noqa: F401 - registers the object rules

        # Public figures come from the aggregates (per department, whatever the campaign);
        # stats_refresh() writes them in bulk and bumps every page itself.
        for name in ("DailyStat", "MonthlyStat"):
            publiccache.register(self.get_model(name))
