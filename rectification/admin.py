"""Rectification records in the admin: view only, scoped to the user's organizer
(issue 13). Plans, measures and progress updates change through the rectification pages."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Event, Measure, Notice, Plan, PlanVersion, ProgressUpdate, Rebound, Verdict

ORGANIZER = "key_issue__department__campaign__organizer"


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    organizer_field = ORGANIZER
    list_display = ["key_issue", "state", "round", "deadline"]
    list_filter = ["state"]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    organizer_field = f"plan__{ORGANIZER}"
    list_display = ["title", "responsible_unit", "deadline", "state"]
    list_filter = ["state"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    organizer_field = f"plan__{ORGANIZER}"
    list_display = ["plan", "state", "percent", "created_at", "published_at"]
    list_filter = ["state"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    organizer_field = f"plan__{ORGANIZER}"


@admin.register(Verdict, Rebound, Event)
class KeyIssueRecordAdmin(ReadOnlyAdmin):
    organizer_field = ORGANIZER


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Reminders name a measure or department only by id: admins only (no scope_q)."""
