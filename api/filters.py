from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Subquery
from django.utils import timezone

from campaigns.models import Batch, EvaluatedDepartment, VoteSession
from departments.models import Department
from hotline.models import HotlineRecord, HotlineSource, MonthlyStat
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


def _day_start(day: dt.date) -> dt.datetime:
    """The first instant of a local (Asia/Shanghai) day: received_day is received_at's local
    date, so a day range is a received_at range, which the (…, received_at, id) indexes
    that the cursor pages walk can serve."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class HotlineRecordFilter(django_filters.FilterSet):
    # By id through a subquery, not a join: a join on the department would lose the index
    # order and sort every record of the department (a million at 20M records).
    department = django_filters.CharFilter(method="by_department", label="部门（网址标识）")
    source = django_filters.CharFilter(method="by_source", label="来源")
    ticket_no = django_filters.CharFilter(method="by_ticket", label="工单编号")
    received_after = django_filters.DateFilter(
        method="from_day", label="受理日期起（含），如 2024-03-01"
    )
    received_before = django_filters.DateFilter(
        method="to_day", label="受理日期止（含），如 2024-03-31"
    )
    month = django_filters.DateFilter(
        method="in_month", input_formats=["%Y-%m"], label="受理月份，如 2024-03"
    )

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
            "month",
        ]

    def by_department(self, queryset, name, value):
        department = Department.objects.filter(slug=value).order_by().values("pk")[:1]
        return queryset.filter(department_id=Subquery(department))

    def by_source(self, queryset, name, value):
        return queryset.filter(source_id__in=HotlineSource.objects.filter(name=value).values("pk"))

    def by_ticket(self, queryset, name, value):
        # Ticket numbers are unique per source: naming the sources lets PostgreSQL look the
        # number up in the (source, ticket_no) key instead of walking every record.
        sources = list(HotlineSource.objects.values_list("pk", flat=True))
        return queryset.filter(source_id__in=sources, ticket_no=value)

    def from_day(self, queryset, name, value):
        return queryset.filter(received_at__gte=_day_start(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(received_at__lt=_day_start(value + dt.timedelta(days=1)))

    def in_month(self, queryset, name, value):
        start = value.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return queryset.filter(received_at__gte=_day_start(start), received_at__lt=_day_start(end))


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
