"""Campaign records in the admin: view only (issue 13). Campaigns, batches, stages, votes
and statements change through the staff pages, where guards run and history is written."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyTabularInline

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


class BatchInline(ReadOnlyTabularInline):
    model = Batch


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    organizer_field = "organizer"
    list_display = ("title", "year", "organizer", "evaluation_start", "evaluation_end")
    list_filter = ("organizer", "year")
    inlines = [BatchInline]


class EvaluatedInline(ReadOnlyTabularInline):
    model = EvaluatedDepartment
    exclude = ("campaign",)


class NominationInline(ReadOnlyTabularInline):
    model = Nomination
    fields = ("department", "reason", "created_by", "created_at")


class TransitionInline(ReadOnlyTabularInline):
    model = StageTransition
    fields = ("at", "from_stage", "to_stage", "actor", "note")


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    organizer_field = "campaign__organizer"
    list_display = ("__str__", "stage", "slots", "vote_date", "hearing_date")
    list_filter = ("campaign", "stage")
    list_select_related = ("campaign",)
    inlines = [EvaluatedInline, NominationInline, TransitionInline]


class CandidateInline(ReadOnlyTabularInline):
    model = VoteCandidate
    fields = ("position", "department", "votes", "outcome")


@admin.register(VoteSession)
class VoteSessionAdmin(ReadOnlyAdmin):
    """A vote is run from the staff pages. Ballots and who-voted records are deliberately
    not in the admin."""

    organizer_field = "batch__campaign__organizer"
    list_display = ("__str__", "state", "slots", "eligible_count", "ballots_cast", "opened_at")
    list_filter = ("state",)
    list_select_related = ("batch", "batch__campaign")
    inlines = [CandidateInline]


@admin.register(CommitmentStatement)
class CommitmentStatementAdmin(ReadOnlyAdmin):
    organizer_field = "evaluated__campaign__organizer"
    list_display = ("evaluated", "speaker", "date", "is_published")
    list_filter = ("is_published",)
    list_select_related = ("evaluated__batch__campaign", "evaluated__department")
