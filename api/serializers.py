"""Output shapes of /api/v1/. Public serializers carry only what public pages show."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import Batch, Campaign, EvaluatedDepartment, VoteCandidate, VoteSession
from hotline.models import HotlineRecord, ImportBatch
from hotline.selectors import satisfaction_rate
from issues.models import KeyIssue, Suggestion
from rectification.models import Attachment, Measure, Plan, ProgressUpdate
from scoring.models import ScoreRow, ScoreSheet
from scoring.selectors import correction_note


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
    missing_reasons = serializers.SerializerMethodField(
        help_text="没有得分的组成项及原因（如“未达法定人数”）；0.00 是得分，不在此列。"
    )

    def get_missing_reasons(self, row) -> dict[str, str]:
        return (row.details or {}).get("missing_reasons", {})

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
            "missing_reasons",
        ]


class ScoreSheetSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    rows = ScoreRowSerializer(many=True)
    corrects = serializers.IntegerField(
        source="corrects.version", allow_null=True, default=None, read_only=True
    )

    class Meta:
        model = ScoreSheet
        fields = [
            "id",
            "campaign",
            "version",
            "created_at",
            "complete",
            "published_at",
            "corrects",
            "correction_reason",
            "rows",
        ]


class CorrectionChangeSerializer(serializers.Serializer):
    department = serializers.CharField()
    changes = serializers.SerializerMethodField()

    def get_changes(self, change) -> dict[str, dict[str, str | None]]:
        return {
            field: {"old": _str(old), "new": _str(new)}
            for field, (old, new) in change["changes"].items()
        }


def _str(value) -> str | None:
    return None if value is None else str(value)


class CorrectionNoteSerializer(serializers.Serializer):
    corrects = serializers.IntegerField(help_text="被更正的版本号")
    by = serializers.CharField(help_text="发布更正版本的人")
    at = serializers.DateTimeField()
    reason = serializers.CharField(help_text="更正理由")
    changes = CorrectionChangeSerializer(many=True)


class PublishedVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    corrects = serializers.IntegerField(source="corrects.version", allow_null=True, default=None)
    correction_reason = serializers.CharField()


class PublicScoreSheetSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    rows = ScoreRowSerializer(many=True)
    current_version = serializers.SerializerMethodField(help_text="现行（最新公布）的版本号")
    correction = serializers.SerializerMethodField(help_text="更正说明；首次公布的版本为 null")
    versions = serializers.SerializerMethodField(help_text="历次公布的版本，新的在前")

    def get_current_version(self, sheet) -> int:
        return self.context["versions"][0].version

    @extend_schema_field(CorrectionNoteSerializer(allow_null=True))
    def get_correction(self, sheet):
        note = correction_note(sheet=sheet)
        return CorrectionNoteSerializer(note).data if note else None

    @extend_schema_field(PublishedVersionSerializer(many=True))
    def get_versions(self, sheet):
        return PublishedVersionSerializer(self.context["versions"], many=True).data

    class Meta:
        model = ScoreSheet
        fields = [
            "campaign",
            "version",
            "current_version",
            "published_at",
            "correction",
            "versions",
            "rows",
        ]


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


# --- rectification: plans, measures, progress updates ---------------------------------------
class PlanSerializer(serializers.ModelSerializer):
    key_issue = serializers.IntegerField(source="key_issue_id", help_text="重点整改问题 id")
    key_issue_title = serializers.CharField(source="key_issue.title", read_only=True)
    campaign = serializers.CharField(source="key_issue.department.campaign.slug", read_only=True)
    department = serializers.CharField(
        source="key_issue.department.department.name", read_only=True
    )
    published_version = serializers.IntegerField(read_only=True, allow_null=True, default=None)

    class Meta:
        model = Plan
        fields = [
            "id",
            "key_issue",
            "key_issue_title",
            "campaign",
            "department",
            "goals",
            "deadline",
            "state",
            "round",
            "published_version",
            "updated_at",
        ]
        read_only_fields = ["state", "round", "updated_at"]


class PlanChangeSerializer(serializers.Serializer):
    goals = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    deadline = serializers.DateField(required=False, allow_null=True)


class MeasureSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan_id", help_text="整改方案 id")
    key_issue = serializers.IntegerField(source="plan.key_issue_id", read_only=True)
    campaign = serializers.CharField(
        source="plan.key_issue.department.campaign.slug", read_only=True
    )
    department = serializers.CharField(
        source="plan.key_issue.department.department.name", read_only=True
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "key_issue",
            "campaign",
            "department",
            "position",
            "title",
            "responsible_unit",
            "responsible_person",
            "deadline",
            "target_value",
            "target_unit",
            "current_value",
            "state",
            "round",
            "evidence",
            "done_at",
            "closed_at",
        ]
        read_only_fields = [
            "position",
            "current_value",
            "state",
            "round",
            "evidence",
            "done_at",
            "closed_at",
        ]


class MeasureDoneSerializer(serializers.Serializer):
    evidence = serializers.CharField(max_length=20000, help_text="完成情况和佐证")


class IndicatorValueSerializer(serializers.Serializer):
    measure = serializers.IntegerField(source="measure_id")
    value = serializers.DecimalField(max_digits=14, decimal_places=2)


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "size", "url"]

    def get_url(self, obj) -> str:
        # The checked file view: published files for everyone, others for their readers.
        return reverse("rectification:file", args=[obj.pk])


class ProgressUpdateSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    key_issue = serializers.IntegerField(source="plan.key_issue_id", read_only=True)
    campaign = serializers.CharField(
        source="plan.key_issue.department.campaign.slug", read_only=True
    )
    department = serializers.CharField(
        source="plan.key_issue.department.department.name", read_only=True
    )
    values = IndicatorValueSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "plan",
            "key_issue",
            "campaign",
            "department",
            "text",
            "percent",
            "state",
            "created_at",
            "reviewed_at",
            "published_at",
            "return_reason",
            "values",
            "attachments",
        ]
        read_only_fields = fields


class ProgressUpdateCreateSerializer(serializers.Serializer):
    plan = serializers.IntegerField(help_text="整改方案 id（已公开的方案才能报送进展）")
    text = serializers.CharField(max_length=20000)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2),
        required=False,
        help_text='措施 id → 指标当前值，如 {"12": 200}；multipart 中写作 values.12=200',
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="图片或 PDF，可多个"
    )

    def validate_values(self, values: dict) -> dict:
        try:
            return {int(k): v for k, v in values.items()}
        except (TypeError, ValueError) as exc:
            raise serializers.ValidationError("指标数值的键应为措施 id。") from exc


class ProgressUpdateReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=20000, help_text="退回理由")


# --- public progress: what /<slug>/progress/ shows ------------------------------------------
class PublicMeasureSerializer(serializers.Serializer):
    """The published commitment's ledger. No responsible person: the API carries no names."""

    title = serializers.CharField()
    responsible_unit = serializers.CharField()
    deadline = serializers.DateField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    status = serializers.CharField(source="badge.code")
    overdue_days = serializers.IntegerField()
    target_value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    target_unit = serializers.CharField()
    current_value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class PublicUpdateSerializer(serializers.Serializer):
    text = serializers.CharField()
    percent = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True, source="attachments.all")


class PublicProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="issue.pk")
    title = serializers.CharField(source="issue.title")
    department = serializers.CharField(source="issue.department.department.name")
    department_slug = serializers.CharField(source="issue.department.department.slug")
    batch = serializers.IntegerField(source="issue.department.batch.number")
    status = serializers.CharField(source="badge.code")
    status_label = serializers.CharField(source="badge.label")
    percent = serializers.IntegerField()
    satisfied = serializers.BooleanField()
    version = serializers.IntegerField(source="version.number")
    goals = serializers.CharField(source="version.goals")
    deadline = serializers.DateField(source="version.deadline", allow_null=True)
    last_published = serializers.DateTimeField(allow_null=True)
    measures = PublicMeasureSerializer(many=True)
    updates = PublicUpdateSerializer(many=True)


# --- hotline: tickets (staff) and monthly aggregates ------------------------------------------
class HotlineRecordSerializer(serializers.ModelSerializer):
    """A ticket. Never a phone number (none is stored); the caller hash only for staff and
    admins (rule hotline.view_caller_hash), so repeat callers can be told apart."""

    source = serializers.CharField(source="source.name")
    department = serializers.CharField(source="department.slug", default=None, allow_null=True)

    class Meta:
        model = HotlineRecord
        fields = [
            "id",
            "source",
            "ticket_no",
            "received_at",
            "received_day",
            "department",
            "department_name",
            "request_type",
            "category",
            "district",
            "town",
            "status",
            "closed_at",
            "satisfaction",
            "content",
            "caller_hash",
        ]
        extra_kwargs = {"caller_hash": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm("hotline.view_caller_hash"):
            data.pop("caller_hash", None)
        return data


class HotlineAggregateSerializer(serializers.Serializer):
    """Per department x month, from the monthly aggregates."""

    department = serializers.CharField(source="department__slug")
    department_name = serializers.CharField(source="department__name")
    month = serializers.DateField()
    total = serializers.IntegerField(help_text="工单量")
    satisfied = serializers.IntegerField()
    basic = serializers.IntegerField()
    dissatisfied = serializers.IntegerField()
    satisfaction_rate = serializers.SerializerMethodField(help_text="满意率（%），无评价时为空")

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True))
    def get_satisfaction_rate(self, row) -> str | None:
        rate = satisfaction_rate(row["satisfied"], row["basic"], row["dissatisfied"])
        return None if rate is None else str(rate)
