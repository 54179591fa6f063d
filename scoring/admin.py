from django.contrib import admin

from .models import ScoreSheet, ScoringConfig, ScoringEvent


@admin.register(ScoringConfig)
class ScoringConfigAdmin(admin.ModelAdmin):
    list_display = ["campaign", "committee_named"]
    readonly_fields = ["campaign"]

    def has_change_permission(self, request, obj=None):
        # Settings change through the scoring page, which validates and keeps history.
        return False


@admin.register(ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    list_display = ["campaign", "version", "complete", "published_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoringEvent)
class ScoringEventAdmin(admin.ModelAdmin):
    list_display = ["at", "campaign", "actor", "action", "summary"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
