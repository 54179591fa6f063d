"""Scoring records in the admin: view only, scoped to the user's organizer (issue 13).
Settings, sheets and history change only through the scoring pages."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import ScoreRow, ScoreSheet, ScoringConfig, ScoringEvent


@admin.register(ScoringConfig)
class ScoringConfigAdmin(ReadOnlyAdmin):
    organizer_field = "campaign__organizer"
    list_display = ["campaign", "committee_named"]


class ScoreRowInline(ReadOnlyTabularInline):
    model = ScoreRow
    fields = ["department_name", "batch_name", "composite", "rank_batch", "rank_campaign"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    organizer_field = "campaign__organizer"
    list_display = ["campaign", "version", "complete", "published_at"]
    inlines = [ScoreRowInline]


@admin.register(ScoringEvent)
class ScoringEventAdmin(ReadOnlyAdmin):
    organizer_field = "campaign__organizer"
    list_display = ["at", "campaign", "actor", "action", "summary"]
    list_filter = ["action"]
