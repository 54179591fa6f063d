from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = "部门与区划"

    def ready(self) -> None:
        from core import publiccache
        from core.audit import audit_register

        # Reference data: a rename or a move changes every page, export and hotline match
        # that names it, so each write keeps who, when, before and after (admin, staff
        # pages, API and commands all save through the model).
        for name in ("District", "Town", "Organizer", "Department", "DepartmentAlias"):
            audit_register(self.get_model(name))

        # Names shown on every public page: a change refreshes all of them.
        for name in ("District", "Organizer", "Department"):
            publiccache.register(self.get_model(name))
