"""Output shapes of campaigns, batches, departments and vote results."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import Batch, Campaign, EvaluatedDepartment, VoteCandidate, VoteSession


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
