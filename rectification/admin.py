from django.contrib import admin

from .models import Event, Measure, Notice, Plan, PlanVersion, ProgressUpdate, Rebound, Verdict


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["key_issue", "state", "round", "deadline"]
    list_filter = ["state"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "responsible_unit", "deadline", "state"]
    list_filter = ["state"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["plan", "state", "percent", "created_at", "published_at"]
    list_filter = ["state"]


# History rows are read-only in the admin: they are the record of who did what.
@admin.register(PlanVersion, Verdict, Rebound, Notice, Event)
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
