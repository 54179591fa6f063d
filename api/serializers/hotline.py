"""Output shapes of hotline imports, records and aggregates."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hotline.models import HotlineRecord, ImportBatch
from hotline.selectors import satisfaction_rate


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
