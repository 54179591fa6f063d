"""Output shapes of score sheets; public ones carry only what the public page shows."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scoring.models import ScoreRow, ScoreSheet
from scoring.selectors import correction_note


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
