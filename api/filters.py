from __future__ import annotations

import django_filters

from campaigns.models import Batch, EvaluatedDepartment, VoteSession
from hotline.models import HotlineRecord, MonthlyStat
from issues.models import KeyIssue, Suggestion
from rectification.models import Measure, Plan, ProgressUpdate
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


class PlanFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(
        field_name="key_issue__department__campaign__slug", label="评议活动"
    )
    department = django_filters.CharFilter(
        field_name="key_issue__department__department__slug", label="部门（网址标识）"
    )

    class Meta:
        model = Plan
        fields = ["campaign", "department", "key_issue", "state"]


class MeasureFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(
        field_name="plan__key_issue__department__campaign__slug", label="评议活动"
    )
    department = django_filters.CharFilter(
        field_name="plan__key_issue__department__department__slug", label="部门（网址标识）"
    )
    key_issue = django_filters.NumberFilter(field_name="plan__key_issue", label="重点整改问题")

    class Meta:
        model = Measure
        fields = ["campaign", "department", "plan", "key_issue", "state"]


class ProgressUpdateFilter(MeasureFilter):
    class Meta:
        model = ProgressUpdate
        fields = ["campaign", "department", "plan", "key_issue", "state"]


class HotlineRecordFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug", label="部门（网址标识）")
    source = django_filters.CharFilter(field_name="source__name", label="来源")
    received_after = django_filters.DateFilter(field_name="received_day", lookup_expr="gte")
    received_before = django_filters.DateFilter(field_name="received_day", lookup_expr="lte")

    class Meta:
        model = HotlineRecord
        fields = [
            "department",
            "source",
            "ticket_no",
            "category",
            "district",
            "satisfaction",
            "received_after",
            "received_before",
        ]


class HotlineAggregateFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug", label="部门（网址标识）")
    campaign = django_filters.CharFilter(method="in_campaign", label="评议活动的被评议部门")
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte", label="起始月")
    month_to = django_filters.DateFilter(field_name="month", lookup_expr="lte", label="截止月")

    class Meta:
        model = MonthlyStat
        fields = ["department", "campaign", "month_from", "month_to"]

    def in_campaign(self, queryset, name, value):
        evaluated = EvaluatedDepartment.objects.filter(campaign__slug=value)
        return queryset.filter(department_id__in=evaluated.values("department_id"))
