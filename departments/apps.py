from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = "部门与区划"

    def ready(self) -> None:
        from core import publiccache

        # Names shown on every public page: a change refreshes all of them.
        for name in ("District", "Organizer", "Department"):
            publiccache.register(self.get_model(name))
