"""The ledger (整改台账) as an Excel sheet: one row per measure."""

import datetime as dt

from django.db.models import Max, Q

from core.spreadsheets import Sheet, workbook_bytes

from .models import Measure, ProgressUpdate
from .status import overdue_days

HEADERS = [
    ("批次", 10),
    ("被评议部门（单位）", 24),
    ("重点整改问题", 32),
    ("整改措施", 48),
    ("责任单位", 20),
    ("责任人", 12),
    ("完成时限", 12),
    ("目标值", 10),
    ("当前值", 10),
    ("单位", 8),
    ("状态", 10),
    ("整改轮次", 8),
    ("最近公开进展", 14),
    ("逾期天数", 10),
]


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
            m.last_update.date() if m.last_update else None,
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


def ledger_xlsx(measures, *, today: dt.date) -> bytes:
    return workbook_bytes(
        [
            Sheet(
                "整改台账",
                [h for h, _ in HEADERS],
                ledger_rows(measures, today),
                [w for _, w in HEADERS],
            )
        ]
    )
