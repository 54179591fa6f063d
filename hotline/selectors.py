"""Reads for the hotline. Pages and scoring read the aggregates (DailyStat, MonthlyStat),
never the raw records, so their cost does not grow with the number of tickets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value

from accounts.models import Role
from campaigns.models import EvaluatedDepartment
from departments.models import Department, Organizer

from .counts import HotlineCounts
from .models import AliasChange, DailyStat, HotlineRecord, ImportBatch, MonthlyStat


def year_earlier(day: dt.date) -> dt.date:
    """The same date one year earlier (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _counts_query(*, department_ids: list[int], start: dt.date, end: dt.date) -> QuerySet:
    """Rating counts of [start, end] and volumes of it and of the same dates a year earlier,
    one row per department that has any."""
    base_start, base_end = year_earlier(start), year_earlier(end)
    window = Q(day__gte=start, day__lte=end)
    baseline = Q(day__gte=base_start, day__lte=base_end)
    return (
        DailyStat.objects.filter(window | baseline, department_id__in=department_ids)
        .order_by()
        .values("department_id")
        .annotate(
            satisfied=Sum("satisfied", filter=window),
            basic=Sum("basic", filter=window),
            dissatisfied=Sum("dissatisfied", filter=window),
            n_window=Sum("total", filter=window),
            n_baseline=Sum("total", filter=baseline),
        )
    )


def _counts_of(row: dict) -> HotlineCounts:
    return HotlineCounts(
        satisfied=row["satisfied"] or 0,
        basic=row["basic"] or 0,
        dissatisfied=row["dissatisfied"] or 0,
        n_window=row["n_window"] or 0,
        n_baseline=row["n_baseline"] or 0,
    )


def hotline_counts(
    *, department_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, HotlineCounts]:
    """Rating counts in [start, end] and record volumes of that window and of the same
    dates a year earlier, per department, in one query. Departments without records get
    zeros."""
    result = {pk: HotlineCounts() for pk in department_ids}
    for row in _counts_query(department_ids=department_ids, start=start, end=end):
        result[row["department_id"]] = _counts_of(row)
    return result


Window = tuple[dt.date, dt.date]


def hotline_counts_by_window(
    *, windows: dict[Window, list[int]]
) -> dict[Window, dict[int, HotlineCounts]]:
    """`hotline_counts` of several windows ((start, end) -> department ids; campaigns have
    their own evaluation windows) in one query (a UNION ALL of one aggregate per window),
    so a page reading every campaign does not query once per campaign."""
    keyed = list(windows.items())
    result = {window: {pk: HotlineCounts() for pk in ids} for window, ids in keyed}
    parts = [
        _counts_query(department_ids=ids, start=start, end=end).annotate(
            window_index=Value(i, output_field=IntegerField())
        )
        for i, ((start, end), ids) in enumerate(keyed)
        if ids
    ]
    if not parts:
        return result
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for row in rows:
        result[keyed[row["window_index"]][0]][row["department_id"]] = _counts_of(row)
    return result


def satisfaction_rate(satisfied: int, basic: int, dissatisfied: int) -> Decimal | None:
    """The scoring.md rate as a percentage with two decimals; None without ratings."""
    rated = satisfied + basic + dissatisfied
    if not rated:
        return None
    return (Decimal(100 * (satisfied + basic)) / rated).quantize(Decimal("0.01"))


def change_percent(current: int, previous: int) -> Decimal | None:
    if not previous:
        return None
    return (Decimal(100 * (current - previous)) / previous).quantize(Decimal("0.1"))


def _month_range(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], dt.date(start.year, start.month, 1)
    while month <= end:
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def department_monthly(*, department_id: int, start: dt.date, end: dt.date) -> list[dict]:
    """Per month of [start, end]: volume, the same month a year earlier, change, rate."""
    months = _month_range(start, end)
    earlier = [year_earlier(m) for m in months]
    sums = (
        MonthlyStat.objects.filter(department_id=department_id, month__in=months + earlier)
        .order_by()
        .values("month")
        .annotate(
            total=Sum("total"),
            satisfied=Sum("satisfied"),
            basic=Sum("basic"),
            dissatisfied=Sum("dissatisfied"),
        )
    )
    by_month = {row["month"]: row for row in sums}
    empty = {"total": 0, "satisfied": 0, "basic": 0, "dissatisfied": 0}
    result = []
    for month, before in zip(months, earlier, strict=True):
        row, prev = by_month.get(month, empty), by_month.get(before, empty)
        result.append(
            {
                "month": month,
                "label": f"{month.year}年{month.month}月",
                "total": row["total"],
                "last_year": prev["total"],
                "change": change_percent(row["total"], prev["total"]),
                "rate": satisfaction_rate(row["satisfied"], row["basic"], row["dissatisfied"]),
            }
        )
    return result


def _grouped(
    *, department_id: int, start: dt.date, end: dt.date, field: str, limit: int | None
) -> list[dict]:
    months = _month_range(start, end)
    rows = (
        MonthlyStat.objects.filter(department_id=department_id, month__in=months)
        .order_by()
        .values(field)
        .annotate(
            total=Sum("total"),
            satisfied=Sum("satisfied"),
            basic=Sum("basic"),
            dissatisfied=Sum("dissatisfied"),
        )
        .order_by("-total", field)
    )
    if limit:
        rows = rows[:limit]
    return [
        {
            "name": row[field] or "（未填写）",
            "total": row["total"],
            "rate": satisfaction_rate(row["satisfied"], row["basic"], row["dissatisfied"]),
        }
        for row in rows
    ]


def department_top_categories(
    *, department_id: int, start: dt.date, end: dt.date, limit: int = 10
) -> list[dict]:
    return _grouped(
        department_id=department_id, start=start, end=end, field="category", limit=limit
    )


def department_districts(*, department_id: int, start: dt.date, end: dt.date) -> list[dict]:
    return _grouped(department_id=department_id, start=start, end=end, field="district", limit=None)


def department_summary(*, department_id: int, start: dt.date, end: dt.date) -> dict:
    """Headline figures of a window: volume, last year's, change and satisfaction rate."""
    counts = hotline_counts(department_ids=[department_id], start=start, end=end)[department_id]
    return {
        "total": counts.n_window,
        "last_year": counts.n_baseline,
        "change": change_percent(counts.n_window, counts.n_baseline),
        "rate": satisfaction_rate(counts.satisfied, counts.basic, counts.dissatisfied),
        "rated": counts.rated,
    }


def campaign_comparison(
    *, departments: list[Department], start: dt.date, end: dt.date
) -> list[dict]:
    """All evaluated departments side by side, in one query. Each row keeps its counts
    (`counts`), from which scoring adds the hotline component with the campaign's settings."""
    counts = hotline_counts(department_ids=[d.pk for d in departments], start=start, end=end)
    rows = []
    for department in departments:
        c = counts[department.pk]
        rows.append(
            {
                "department": department,
                "total": c.n_window,
                "last_year": c.n_baseline,
                "change": change_percent(c.n_window, c.n_baseline),
                "rate": satisfaction_rate(c.satisfied, c.basic, c.dissatisfied),
                "rated": c.rated,
                "counts": c,
            }
        )
    return rows


def category_trend(
    *, department_id: int, categories: list[str], start: dt.date, end: dt.date
) -> dict:
    """For a key issue linked to hotline categories (a category also covers its
    sub-categories, 城乡建设 covers 城乡建设>物业管理): monthly volume over [start, end], the
    same months a year earlier and the change over the whole window ("complaints on this
    issue fell 30%")."""
    match = Q()
    for category in categories:
        match |= Q(category=category) | Q(category__startswith=f"{category}>")
    months = _month_range(start, end)
    earlier = [year_earlier(m) for m in months]
    sums = dict(
        MonthlyStat.objects.filter(match, department_id=department_id, month__in=months + earlier)
        .order_by()
        .values_list("month")
        .annotate(total=Sum("total"))
    )
    series = [
        {
            "month": m,
            "label": f"{m.year}年{m.month}月",
            "total": sums.get(m, 0),
            "last_year": sums.get(b, 0),
        }
        for m, b in zip(months, earlier, strict=True)
    ]
    current = sum(row["total"] for row in series)
    previous = sum(row["last_year"] for row in series)
    return {"months": series, "total": current, "last_year": previous,
            "change": change_percent(current, previous)}  # fmt: skip


def chart_data_monthly(monthly: list[dict]) -> dict:
    """JSON-ready chart data (for json_script) from department_monthly()."""
    return {
        "labels": [row["label"] for row in monthly],
        "total": [row["total"] for row in monthly],
        "last_year": [row["last_year"] for row in monthly],
        "rate": [float(row["rate"]) if row["rate"] is not None else None for row in monthly],
    }


def _is_admin(user) -> bool:
    return user is not None and user.is_authenticated and user.role == Role.ADMIN


def batches_for_user(*, user) -> QuerySet[ImportBatch]:
    """Import batches a user may open: admins all, staff their own committee's (a batch of
    another committee's source answers 404), nobody else any."""
    batches = ImportBatch.objects.select_related("source", "created_by").order_by(
        "-created_at", "-id"
    )
    if _is_admin(user):
        return batches
    if user is None or not user.is_authenticated or user.role != Role.STAFF:
        return batches.none()
    return batches.filter(organizer_id=user.organizer_id, organizer__isnull=False)


def departments_for_user(*, user) -> QuerySet[Department]:
    """Departments a user may put hotline aliases on: admins any; staff those their
    committee evaluates and those of its own level (a district committee: its district's
    departments; the city committee: the city's own, those without a district)."""
    if _is_admin(user):
        return Department.objects.all()
    if user is None or not user.is_authenticated or user.role != Role.STAFF:
        return Department.objects.none()
    organizer = user.organizer
    evaluated = EvaluatedDepartment.objects.filter(campaign__organizer=organizer)
    own_level = (
        Q(district_id=organizer.district_id)
        if organizer.level == Organizer.Level.DISTRICT
        else Q(district__isnull=True)
    )
    return Department.objects.filter(Q(pk__in=evaluated.values("department_id")) | own_level)


def alias_changes_for_user(*, user) -> QuerySet[AliasChange]:
    """The alias history a user sees: admins all, staff their committee's changes."""
    changes = AliasChange.objects.select_related("department", "actor", "undone_by")
    if _is_admin(user):
        return changes
    if user is None or not user.is_authenticated or user.role != Role.STAFF:
        return changes.none()
    return changes.filter(organizer_id=user.organizer_id, organizer__isnull=False)


def unmatched_names_for_user(*, user) -> QuerySet:
    """Handling-department names (承办单位) of the user's committee's tickets that match no
    department or alias yet, with `n` tickets each, most tickets first: what the staff inbox
    counts and `/staff/hotline/imports/?unmatched=1` lists (one row per name)."""
    records = HotlineRecord.objects.filter(department__isnull=True)
    if not _is_admin(user):
        if user is None or not user.is_authenticated or user.role != Role.STAFF:
            return records.none().values("department_name")
        records = records.filter(source__organizer_id=user.organizer_id)
    return (
        records.values("department_name").annotate(n=Count("id")).order_by("-n", "department_name")
    )


def unmatched_status(batch: ImportBatch) -> list[dict]:
    """The batch's unmatched names and whether an alias now matches each."""
    from .importer import department_lookup

    lookup = department_lookup()
    departments = dict(Department.objects.values_list("id", "short_name"))
    rows = []
    for name, count in batch.unmatched.items():
        matched = lookup.get(name)
        rows.append(
            {
                "name": name,
                "count": count,
                "matched_to": departments.get(matched) if matched else None,
            }
        )
    return rows


def department_public_figures(*, department_id: int, start: dt.date, end: dt.date) -> dict:
    """What the public department page shows, in two queries: the window's headline figures
    (DailyStat) and, from one MonthlyStat scan grouped by month and category, the monthly
    series with last year's and the top categories. Only counts: no content, no callers."""
    summary = department_summary(department_id=department_id, start=start, end=end)
    months = _month_range(start, end)
    earlier = [year_earlier(m) for m in months]
    rows = (
        MonthlyStat.objects.filter(department_id=department_id, month__in=months + earlier)
        .order_by()
        .values("month", "category")
        .annotate(
            total=Sum("total"),
            satisfied=Sum("satisfied"),
            basic=Sum("basic"),
            dissatisfied=Sum("dissatisfied"),
        )
    )
    by_month: dict[dt.date, list[int]] = {}
    by_category: dict[str, list[int]] = {}
    window = set(months)
    for row in rows:
        values = [row["total"], row["satisfied"], row["basic"], row["dissatisfied"]]
        by_month[row["month"]] = [
            a + b for a, b in zip(by_month.get(row["month"], [0] * 4), values, strict=True)
        ]
        if row["month"] in window:
            current = by_category.get(row["category"], [0] * 4)
            by_category[row["category"]] = [a + b for a, b in zip(current, values, strict=True)]
    zero = [0, 0, 0, 0]
    monthly = []
    for month, before in zip(months, earlier, strict=True):
        now, prev = by_month.get(month, zero), by_month.get(before, zero)
        monthly.append(
            {
                "month": month,
                "label": f"{month.year}年{month.month}月",
                "total": now[0],
                "last_year": prev[0],
                "change": change_percent(now[0], prev[0]),
                "rate": satisfaction_rate(*now[1:]),
            }
        )
    top = sorted(by_category.items(), key=lambda item: (-item[1][0], item[0]))[:8]
    categories = [
        {"name": name or "（未填写）", "total": v[0], "rate": satisfaction_rate(*v[1:])}
        for name, v in top
    ]
    return {"summary": summary, "monthly": monthly, "categories": categories}


def key_issue_trend(*, department_id: int, categories: list[str], start: dt.date, end: dt.date):
    """The 12345 trend behind a key issue ("complaints on this issue fell 30%"), ready for
    the public key-issue page: None when the key issue names no hotline category. One
    query over the monthly aggregates, whatever the number of records."""
    if not categories:
        return None
    trend = category_trend(department_id=department_id, categories=categories, start=start, end=end)
    trend["categories"] = categories
    change = trend["change"]
    trend["fall"] = -change if change is not None and change < 0 else None
    trend["chart"] = {
        "labels": [row["label"] for row in trend["months"]],
        "total": [row["total"] for row in trend["months"]],
        "last_year": [row["last_year"] for row in trend["months"]],
        "rate": [None for _ in trend["months"]],
    }
    return trend


# ------------------------------------------------------------------- /api/v1/ reads
def records_for_departments(*, department_ids: QuerySet | None) -> QuerySet[HotlineRecord]:
    """Raw tickets for the staff API: of the given departments, or all (None: admins)."""
    qs = HotlineRecord.objects.select_related("source", "department")
    return qs if department_ids is None else qs.filter(department_id__in=department_ids)


def monthly_totals(*, department_ids: QuerySet | None) -> QuerySet:
    """Per department x month, from MonthlyStat (never the records): volume and rating
    counts, as dict rows; `satisfaction_rate` turns the counts into the rate."""
    qs = MonthlyStat.objects.all()
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    return (
        qs.order_by()
        .values("department_id", "department__name", "department__slug", "month")
        .annotate(
            total=Sum("total"),
            satisfied=Sum("satisfied"),
            basic=Sum("basic"),
            dissatisfied=Sum("dissatisfied"),
        )
    )
