"""Output shapes of plans, measures and progress; public ones carry only what public pages show."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from rectification.models import Attachment, Measure, Plan, ProgressUpdate


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
            "return_reason",
            "round",
            "published_version",
            "updated_at",
        ]
        read_only_fields = ["state", "return_reason", "round", "updated_at"]


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
            "withdraw_reason",
            "withdrawn_at",
        ]
        read_only_fields = [
            "position",
            "current_value",
            "state",
            "round",
            "evidence",
            "done_at",
            "closed_at",
            "withdraw_reason",
            "withdrawn_at",
        ]


class MeasureDoneSerializer(serializers.Serializer):
    evidence = serializers.CharField(max_length=20000, help_text="完成情况和佐证")


class MeasureWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="撤回理由")


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
    caption = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="照片说明：照片拍的是什么（作为图片替代文本的一部分，与部门和日期一起）",
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
    withdraw_reason = serializers.CharField(help_text="已撤回的措施：撤回理由")


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
