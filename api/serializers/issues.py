"""Output shapes of suggestions and key issues."""

from __future__ import annotations

from rest_framework import serializers

from issues.models import KeyIssue, Suggestion


class SuggestionAnswerSerializer(serializers.Serializer):
    """The current answer (办理答复): the latest version; `corrected_at` once corrected."""

    version = serializers.IntegerField()
    text = serializers.CharField()
    answered_at = serializers.DateTimeField()
    corrected_at = serializers.DateTimeField(allow_null=True)


class SuggestionSerializer(serializers.ModelSerializer):
    """Staff only, and still without the contact field (personal data stays in the app)."""

    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    department = serializers.CharField(
        source="department.department.name", default=None, allow_null=True
    )
    theme = serializers.CharField(source="theme.title", default=None, allow_null=True)
    answer = SuggestionAnswerSerializer(source="answer_summary", read_only=True, allow_null=True)

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
            "answer",
        ]


class KeyIssueSerializer(serializers.ModelSerializer):
    campaign = serializers.CharField(source="department.campaign.slug")
    department = serializers.CharField(source="department.department.name")

    class Meta:
        model = KeyIssue
        fields = ["id", "campaign", "department", "title", "description", "status", "position"]
