from django.contrib import admin

from .models import HotlineSource, ImportBatch


@admin.register(HotlineSource)
class HotlineSourceAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Batches are written by the importer only; the admin shows them for support."""

    list_display = ["file_name", "source", "state", "read", "inserted", "updated", "rejected"]
    list_filter = ["state", "source"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False
