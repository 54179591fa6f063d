"""Output shapes of /api/v1/. Public serializers carry only what public pages show."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import Batch, Campaign, EvaluatedDepartment, VoteCandidate, VoteSession
from hotline.models import ImportBatch
from issues.models import KeyIssue, Suggestion
from scoring.models import ScoreRow, ScoreSheet


class EvaluatedDepartmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="department.name")
    short_name = serializers.CharField(source="department.short_name")
    slug = serializers.CharField(source="department.slug")
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    batch = serializers.IntegerField(source="batch.number")

    class Meta:
        model = EvaluatedDepartment
        fields = ["id", "campaign", "batch", "name", "short_name", "slug", "position"]


class BatchSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display")

    class Meta:
        model = Batch
        fields = [
            "id",
            "campaign",
            "number",
            "name",
            "stage",
            "stage_label",
            "slots",
            "vote_date",
            "hearing_date",
        ]


class CampaignSerializer(serializers.ModelSerializer):
    organizer = serializers.CharField(source="organizer.name")

    class Meta:
        model = Campaign
        fields = ["id", "slug", "year", "title", "organizer", "evaluation_start", "evaluation_end"]


class PublicDepartmentSerializer(serializers.Serializer):
    name = serializers.CharField(source="department.name")
    slug = serializers.CharField(source="department.slug")


class PublicBatchSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    departments = PublicDepartmentSerializer(source="evaluated", many=True)


class PublicCampaignSerializer(serializers.ModelSerializer):
    organizer = serializers.CharField(source="organizer.name")
    batches = PublicBatchSerializer(many=True)

    class Meta:
        model = Campaign
        fields = ["slug", "year", "title", "organizer", "batches"]


class VoteCandidateResultSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    votes = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = VoteCandidate
        fields = ["department", "votes", "outcome"]

    # Counts only once the session is closed; never who voted for whom (ballots are secret).
    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_votes(self, obj) -> int | None:
        return obj.votes if obj.session.state != VoteSession.State.OPEN else None

    def get_outcome(self, obj) -> str:
        return obj.outcome if obj.session.state == VoteSession.State.PUBLISHED else ""


class VoteResultSerializer(serializers.ModelSerializer):
    campaign = serializers.CharField(source="batch.campaign.slug")
    batch = serializers.IntegerField(source="batch.number")
    candidates = VoteCandidateResultSerializer(many=True)

    class Meta:
        model = VoteSession
        fields = ["id", "campaign", "batch", "round", "state", "slots", "closed_at", "candidates"]


class SuggestionSerializer(serializers.ModelSerializer):
    """Staff only, and still without the contact field (personal data stays in the app)."""

    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    department = serializers.CharField(
        source="department.department.name", default=None, allow_null=True
    )
    theme = serializers.CharField(source="theme.title", default=None, allow_null=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "receipt",
            "campaign",
            "department",
            "channel",
            "source_type",
            "text",
            "submitted_on",
            "status",
            "theme",
        ]


class KeyIssueSerializer(serializers.ModelSerializer):
    campaign = serializers.CharField(source="department.campaign.slug")
    department = serializers.CharField(source="department.department.name")

    class Meta:
        model = KeyIssue
        fields = ["id", "campaign", "department", "title", "description", "status", "position"]


class ScoreRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreRow
        fields = [
            "department_name",
            "batch_name",
            "research",
            "hotline",
            "survey",
            "public_vote",
            "committee",
            "composite",
            "rank_batch",
            "rank_campaign",
        ]


class ScoreSheetSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    rows = ScoreRowSerializer(many=True)

    class Meta:
        model = ScoreSheet
        fields = ["id", "campaign", "version", "created_at", "complete", "published_at", "rows"]


class PublicScoreSheetSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    rows = ScoreRowSerializer(many=True)

    class Meta:
        model = ScoreSheet
        fields = ["campaign", "version", "published_at", "rows"]


class HotlineImportSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.name")
    report = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "source",
            "file_name",
            "state",
            "phase",
            "done",
            "total",
            "created_at",
            "started_at",
            "finished_at",
            "report",
        ]

    @extend_schema_field(serializers.DictField())
    def get_report(self, obj) -> dict:
        return obj.report()


class HotlineUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV（UTF-8 或 GBK）或 XLSX，第一行为表头")
    source = serializers.CharField(required=False, default="12345热线", max_length=80)
    sheet = serializers.CharField(required=False, allow_blank=True, max_length=100)
