from django.contrib import admin

from core.admin import OrganizerScopedAdmin, ReadOnlyAdmin

from .models import HotlineSource, ImportBatch


@admin.register(HotlineSource)
class HotlineSourceAdmin(OrganizerScopedAdmin):
    """Sources are the city's: admins and the city's staff keep them."""

    city_wide = True
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False  # records keep naming their source (PROTECT)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """Batches are written by the importer only; the admin shows them for support."""

    city_wide = True
    list_display = ["file_name", "source", "state", "read", "inserted", "updated", "rejected"]
    list_filter = ["state", "source"]
