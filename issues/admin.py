"""Suggestions, themes, tags and key issues in the admin: view only, scoped to the user's
organizer (issue 13). A suggestion's contact is never shown here."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import KeyIssue, Suggestion, Tag, Theme


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    organizer_field = "campaign__organizer"
    list_display = ("receipt", "campaign", "department", "channel", "source_type", "status")
    list_filter = ("campaign", "channel", "source_type", "status")
    search_fields = ("receipt", "text")
    list_select_related = ("campaign", "department__department")
    exclude = ("contact",)


@admin.register(Theme)
class ThemeAdmin(ReadOnlyAdmin):
    organizer_field = "campaign__organizer"
    list_display = ("title", "campaign", "department", "is_focus", "summary_approved")
    list_filter = ("campaign", "is_focus", "summary_approved")
    search_fields = ("title",)


@admin.register(KeyIssue)
class KeyIssueAdmin(ReadOnlyAdmin):
    organizer_field = "department__campaign__organizer"
    list_display = ("title", "department", "status", "position")
    list_filter = ("status", "department__campaign")
    search_fields = ("title",)


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    organizer_field = "campaign__organizer"
    list_display = ("name", "campaign")
