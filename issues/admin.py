from django.contrib import admin

from .models import KeyIssue, Suggestion, Tag, Theme


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("receipt", "campaign", "department", "channel", "source_type", "status")
    list_filter = ("campaign", "channel", "source_type", "status")
    search_fields = ("receipt", "text")
    list_select_related = ("campaign", "department__department")
    raw_id_fields = ("theme", "department", "submitted_by", "district")
    filter_horizontal = ("tags",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("title", "campaign", "department", "is_focus", "summary_approved")
    list_filter = ("campaign", "is_focus", "summary_approved")
    search_fields = ("title",)
    raw_id_fields = ("department", "created_by")


@admin.register(KeyIssue)
class KeyIssueAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "status", "position")
    list_filter = ("status", "department__campaign")
    search_fields = ("title",)
    raw_id_fields = ("department", "proposed_by", "confirmed_by")
    filter_horizontal = ("themes",)


admin.site.register(Tag)
