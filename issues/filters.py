"""Filters of the staff key-issue page (django-filter over evaluated departments: the page
shows one card per department, with the key issues that match inside it)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from campaigns.models import EvaluatedDepartment

from .models import KeyIssue
from .selectors import BOUNDS_CHOICES, key_issue_bounds_q, matching_key_issues

PER_PAGE_CHOICES = [("50", "每页 50 条"), ("100", "每页 100 条"), ("200", "每页 200 条")]


def per_page(value: str | None) -> int:
    """50, 100 or 200 rows a page (the `per_page` GET parameter); 50 for anything else."""
    return int(value) if value in dict(PER_PAGE_CHOICES) else 50


class KeyIssueBoardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="filter_query")
    batch = django_filters.ChoiceFilter(label="批次", field_name="batch_id", empty_label="全部批次")
    department = django_filters.ChoiceFilter(
        label="部门（单位）", field_name="id", empty_label="全部部门"
    )
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=KeyIssue.Status.choices,
        method="filter_status",
        empty_label="全部状态",
    )
    bounds = django_filters.ChoiceFilter(
        label="数量", choices=BOUNDS_CHOICES, method="filter_bounds", empty_label="不限"
    )

    class Meta:
        model = EvaluatedDepartment
        fields: list[str] = []

    def __init__(self, *args, departments: list[EvaluatedDepartment], **kwargs):
        super().__init__(*args, **kwargs)
        batches = {ev.batch_id: ev.batch.name for ev in departments}
        self.filters["batch"].extra["choices"] = list(batches.items())
        self.filters["department"].extra["choices"] = [
            (ev.id, ev.department.short_name or ev.department.name) for ev in departments
        ]

    def filter_query(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(pk__in=matching_key_issues(query=value).values("department_id"))

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=matching_key_issues(status=value).values("department_id"))

    def filter_bounds(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(key_issue_bounds_q(value))

    def shown_issues(self) -> QuerySet[KeyIssue]:
        """The key issues shown inside each card: those matching status and search."""
        data = self.form.cleaned_data if self.is_valid() else {}
        return matching_key_issues(
            status=data.get("status") or "", query=(data.get("q") or "").strip()
        )
