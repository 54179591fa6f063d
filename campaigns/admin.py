from django.contrib import admin

from .models import (
    Batch,
    Campaign,
    CommitmentStatement,
    EvaluatedDepartment,
    Nomination,
    StageTransition,
    VoteCandidate,
    VoteSession,
)


class BatchInline(admin.TabularInline):
    model = Batch
    extra = 0
    # Stages move only through the staff pages, where guards run and history is written.
    readonly_fields = ("stage",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "organizer", "evaluation_start", "evaluation_end")
    list_filter = ("organizer", "year")
    inlines = [BatchInline]


class EvaluatedInline(admin.TabularInline):
    model = EvaluatedDepartment
    extra = 0
    autocomplete_fields = ("department",)
    exclude = ("campaign",)


class NominationInline(admin.TabularInline):
    model = Nomination
    extra = 0
    fields = ("department", "reason", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = StageTransition
    extra = 0
    fields = ("at", "from_stage", "to_stage", "actor", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("__str__", "stage", "slots", "vote_date", "hearing_date")
    list_filter = ("campaign", "stage")
    list_select_related = ("campaign",)
    readonly_fields = ("stage",)
    inlines = [EvaluatedInline, NominationInline, TransitionInline]

    def save_formset(self, request, form, formset, change):
        # The campaign column exists only so the database can guard "once per campaign";
        # it always follows the batch.
        for obj in formset.save(commit=False):
            if isinstance(obj, EvaluatedDepartment):
                obj.campaign_id = form.instance.campaign_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()


class CandidateInline(admin.TabularInline):
    model = VoteCandidate
    extra = 0
    fields = ("position", "department", "votes", "outcome")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VoteSession)
class VoteSessionAdmin(admin.ModelAdmin):
    """Read-only: a vote is run from the staff pages. Ballots and who-voted records are
    deliberately not in the admin."""

    list_display = ("__str__", "state", "slots", "eligible_count", "ballots_cast", "opened_at")
    list_filter = ("state",)
    list_select_related = ("batch", "batch__campaign")
    inlines = [CandidateInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommitmentStatement)
class CommitmentStatementAdmin(admin.ModelAdmin):
    list_display = ("evaluated", "speaker", "date", "is_published")
    list_filter = ("is_published",)
    list_select_related = ("evaluated__batch__campaign", "evaluated__department")
    readonly_fields = ("updated_by", "updated_at", "published_by", "published_at")
