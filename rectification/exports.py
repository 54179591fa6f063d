"""The ledger (整改台账) as an Excel sheet: one row per measure, set up to print (landscape,
the header row on every page, campaign in the page header, export time and page numbers in
the footer)."""

import datetime as dt

from django.db.models import Max, Q
from django.utils import timezone

from core.spreadsheets import DATE, INTEGER, PrintInfo, Sheet, workbook_bytes
from departments.models import Department

from .models import Measure, ProgressUpdate
from .status import overdue_days

# Width 0: fitted to the content. The two long text columns have fixed widths and wrap
# (core.spreadsheets.WRAP_WIDTH), so a long measure takes lines, not the page's width.
HEADERS = [
    ("批次", 0),
    ("被评议部门（单位）", 0),
    ("重点整改问题", 40),
    ("整改措施", 44),
    ("责任单位", 0),
    ("责任人", 0),
    ("完成时限", 0),
    ("目标值", 0),
    ("当前值", 0),
    ("单位", 0),
    ("状态", 0),
    ("整改轮次", 0),
    ("最近公开进展", 0),
    ("逾期天数", 0),
]
FORMATS = {6: DATE, 11: INTEGER, 12: DATE, 13: INTEGER}


def ledger_rows(measures, today: dt.date):
    for m in measures:
        issue = m.plan.key_issue
        yield [
            issue.department.batch.name,
            issue.department.department.name,
            issue.title,
            m.title,
            m.responsible_unit,
            m.responsible_person,
            m.deadline,
            m.target_value,
            m.current_value,
            m.target_unit,
            # A withdrawn measure carries its reason, as on the public page.
            m.get_state_display()
            + (f"：{m.withdraw_reason}" if m.state == Measure.State.WITHDRAWN else ""),
            m.round,
            timezone.localdate(m.last_update) if m.last_update else None,
            overdue_days(deadline=m.deadline, state=m.state, today=today),
        ]


def ledger_measures(*, campaign, batch: int | None = None, department: str = ""):
    qs = Measure.objects.filter(plan__key_issue__department__campaign=campaign)
    if batch:
        qs = qs.filter(plan__key_issue__department__batch__number=batch)
    if department:
        qs = qs.filter(plan__key_issue__department__department__slug=department)
    return (
        qs.select_related(
            "plan__key_issue__department__department", "plan__key_issue__department__batch"
        )
        .annotate(
            last_update=Max(
                "plan__updates__published_at",
                filter=Q(plan__updates__state=ProgressUpdate.State.PUBLISHED),
            )
        )
        .order_by(
            "plan__key_issue__department__batch__number",
            "plan__key_issue__department__position",
            "plan__key_issue__position",
            "position",
            "id",
        )
    )


def ledger_scope(*, campaign, batch: int | None = None, department: str = "") -> str:
    """The printed page header: the campaign, and the batch or department exported."""
    parts = [campaign.title]
    if batch:
        parts += campaign.batches.filter(number=batch).values_list("name", flat=True)
    if department:
        parts += Department.objects.filter(slug=department).values_list("name", flat=True)
    return " · ".join(parts)


def ledger_xlsx(measures, *, today: dt.date, info: PrintInfo | None = None) -> bytes:
    return workbook_bytes(
        [
            Sheet(
                "整改台账",
                [h for h, _ in HEADERS],
                ledger_rows(measures, today),
                [w for _, w in HEADERS],
                FORMATS,
                landscape=True,
            )
        ],
        info,
    )
