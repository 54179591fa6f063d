from __future__ import annotations

import django_filters

from campaigns.models import Batch, EvaluatedDepartment, VoteSession
from issues.models import KeyIssue, Suggestion
from scoring.models import ScoreSheet


class CampaignScoped(django_filters.FilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__slug", label="评议活动（网址标识）")


class BatchFilter(CampaignScoped):
    class Meta:
        model = Batch
        fields = ["campaign", "stage", "number"]


class EvaluatedDepartmentFilter(CampaignScoped):
    batch = django_filters.NumberFilter(field_name="batch__number", label="批次序号")

    class Meta:
        model = EvaluatedDepartment
        fields = ["campaign", "batch"]


class VoteFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(field_name="batch__campaign__slug", label="评议活动")
    batch = django_filters.NumberFilter(field_name="batch__number", label="批次序号")

    class Meta:
        model = VoteSession
        fields = ["campaign", "batch", "state"]


class SuggestionFilter(CampaignScoped):
    department = django_filters.CharFilter(
        field_name="department__department__slug", label="部门（网址标识）"
    )
    submitted_after = django_filters.DateFilter(field_name="submitted_on", lookup_expr="gte")
    submitted_before = django_filters.DateFilter(field_name="submitted_on", lookup_expr="lte")

    class Meta:
        model = Suggestion
        fields = ["campaign", "department", "status", "channel", "source_type"]


class KeyIssueFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(field_name="department__campaign__slug", label="评议活动")
    department = django_filters.CharFilter(
        field_name="department__department__slug", label="部门（网址标识）"
    )

    class Meta:
        model = KeyIssue
        fields = ["campaign", "department", "status"]


class ScoreSheetFilter(CampaignScoped):
    published = django_filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, label="已公布"
    )

    class Meta:
        model = ScoreSheet
        fields = ["campaign", "published"]
