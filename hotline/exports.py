"""One department's 12345 analytics as a workbook (the figures of its staff analytics page):
概况, 每月, 问题分类, 区县, set up to print like every export (core.spreadsheets). Rates and
changes are stored as fractions with a percent format, so Excel computes with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from core.exports import Export, export_builder
from core.privacy import mask_mobiles
from core.spreadsheets import (
    DATETIME,
    INTEGER,
    PERCENT,
    PrintInfo,
    Sheet,
    exported_info,
    workbook_bytes,
)

from . import selectors
from .models import HotlineRecord, HotlineSource, Satisfaction

MONTH = "yyyy-mm"
# All categories, not the page's top 8: a workbook is where the long tail is read.
CATEGORY_LIMIT = 200


def _fraction(percent: Decimal | None) -> Decimal | None:
    """94.59 (percent, as the selectors give it) → 0.9459 for a cell formatted as 0.0%."""
    return None if percent is None else percent / 100


def department_analytics_xlsx(
    *, department_id: int, start: dt.date, end: dt.date, info: PrintInfo | None = None
) -> bytes:
    summary = selectors.department_summary(department_id=department_id, start=start, end=end)
    monthly = selectors.department_monthly(department_id=department_id, start=start, end=end)
    categories = selectors.department_top_categories(
        department_id=department_id, start=start, end=end, limit=CATEGORY_LIMIT
    )
    districts = selectors.department_districts(department_id=department_id, start=start, end=end)
    grouped_headers = ["工单量", "满意率"]
    sheets = [
        Sheet(
            "概况",
            [
                "评价期开始",
                "评价期结束",
                "评价期工单量",
                "上年同期",
                "同比",
                "满意率",
                "已评价工单",
            ],
            [
                [
                    start,
                    end,
                    summary["total"],
                    summary["last_year"],
                    _fraction(summary["change"]),
                    _fraction(summary["rate"]),
                    summary["rated"],
                ]
            ],
            formats={
                0: "yyyy-mm-dd",
                1: "yyyy-mm-dd",
                2: INTEGER,
                3: INTEGER,
                4: PERCENT,
                5: PERCENT,
                6: INTEGER,
            },  # fmt: skip
        ),
        Sheet(
            "每月",
            ["月份", "工单量", "上年同月", "同比", "满意率"],
            [
                [
                    row["month"],
                    row["total"],
                    row["last_year"],
                    _fraction(row["change"]),
                    _fraction(row["rate"]),
                ]
                for row in monthly
            ],
            formats={0: MONTH, 1: INTEGER, 2: INTEGER, 3: PERCENT, 4: PERCENT},
        ),
        Sheet(
            "问题分类",
            ["问题分类", *grouped_headers],
            [[row["name"], row["total"], _fraction(row["rate"])] for row in categories],
            formats={1: INTEGER, 2: PERCENT},
        ),
        Sheet(
            "区县",
            ["区县", *grouped_headers],
            [[row["name"], row["total"], _fraction(row["rate"])] for row in districts],
            formats={1: INTEGER, 2: PERCENT},
        ),
    ]
    return workbook_bytes(sheets, info)


# ---------------------------------------------------------------------- the tickets
# Width 0: fitted to the content; the request text is fixed and wraps.
RECORD_COLUMNS = [
    ("工单编号", 0),
    ("受理时间", 0),
    ("诉求类型", 0),
    ("问题分类", 0),
    ("所属区县", 0),
    ("所属镇街", 0),
    ("办理状态", 0),
    ("办结时间", 0),
    ("满意度", 0),
    ("诉求内容", 60),
    ("承办单位（原文）", 0),
    ("数据来源", 0),
]
RECORD_FORMATS = {1: DATETIME, 7: DATETIME}
# Rows read per query (values, no model objects): 50,000 tickets never sit in memory.
CHUNK = 2000


def department_records(*, department_id: int, start: dt.date, end: dt.date):
    """The department's tickets received in [start, end], oldest first (the
    (department, received_day) index finds them)."""
    return HotlineRecord.objects.filter(
        department_id=department_id, received_day__gte=start, received_day__lte=end
    ).order_by("received_at", "id")


def record_rows(queryset) -> Iterator[list]:
    """Export rows as plain values: aware times in local time, the satisfaction as its
    label, mobile numbers typed into the request text masked (the caller's own number is
    never stored)."""
    from django.utils import timezone

    labels = dict(Satisfaction.choices)
    sources = dict(HotlineSource.objects.values_list("id", "name"))
    values = queryset.values_list(
        "ticket_no", "received_at", "request_type", "category", "district", "town", "status",
        "closed_at", "satisfaction", "content", "department_name", "source_id",
    ).iterator(chunk_size=CHUNK)  # fmt: skip
    local = timezone.get_current_timezone()
    for (
        ticket,
        received,
        kind,
        category,
        district,
        town,
        status,
        closed,
        rated,
        text,
        name,
        source,
    ) in values:  # noqa: E501
        yield [
            ticket,
            received.astimezone(local).replace(tzinfo=None) if received else None,
            kind,
            category,
            district,
            town,
            status,
            closed.astimezone(local).replace(tzinfo=None) if closed else None,
            labels.get(rated, "") if rated else "",
            mask_mobiles(text) if text else "",
            name,
            sources.get(source, ""),
        ]


@export_builder
def department_records_export(*, evaluated_id: int, fmt: str) -> Export:
    """One evaluated department's tickets of the campaign's evaluation period, as .xlsx or
    .csv."""
    from campaigns.models import EvaluatedDepartment

    evaluated = EvaluatedDepartment.objects.select_related("campaign", "department").get(
        pk=evaluated_id
    )
    campaign, department = evaluated.campaign, evaluated.department
    start, end = campaign.evaluation_start, campaign.evaluation_end
    rows = record_rows(department_records(department_id=department.pk, start=start, end=end))
    name = f"hotline-records-{campaign.slug}-{department.slug}.{fmt}"
    headers = [title for title, _ in RECORD_COLUMNS]
    title = f"{campaign.title} · {department.name} · 12345热线工单"
    if fmt == "csv":
        return Export(name, headers=headers, rows=rows, title=title)
    sheet = Sheet(
        "工单明细", headers, rows, [w for _, w in RECORD_COLUMNS], RECORD_FORMATS, landscape=True
    )
    info = exported_info(
        f"{campaign.title} · {department.name} · 12345热线",
        frozen=f"评价期 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}",
    )
    return Export(name, sheets=[sheet], info=info, title=title)


# ------------------------------------------------------------- an import's rejected rows
def _header_columns(header: list) -> dict[str, int]:
    """Field → column of a batch's stored header ({} when it no longer maps)."""
    from .importing.parsing import FileError, map_header

    try:
        return map_header(header).columns
    except FileError:
        return {}


def _shown_cells(raw: list, columns: dict[str, int]) -> list:
    """A rejected row's cells with phone numbers masked. They are masked when kept; again
    here for rows kept before typed-in numbers were. A repeated ticket keeps only its number."""
    from .importing.parsing import rejected_cells

    return rejected_cells(raw, columns) if len(raw) > 1 else raw


@export_builder
def rejected_rows_export(*, batch_id: int, fmt: str) -> Export:
    """An import's rejected rows, the file's own header after row number and reason: staff
    fix the rows, delete the first two columns and import the file again."""
    from .models import ImportBatch, ImportRowError

    batch = ImportBatch.objects.select_related("source").get(pk=batch_id)
    header = ["行号", "原因", *(batch.header or ["原始内容"])]
    columns = _header_columns(batch.header or [])
    errors = (
        ImportRowError.objects.filter(batch=batch)
        .order_by("row_number")
        .values_list("row_number", "reason", "raw")
        .iterator(chunk_size=CHUNK)
    )
    rows = ([number, reason, *_shown_cells(raw, columns)] for number, reason, raw in errors)
    name = f"hotline-batch-{batch.pk}-rejected.{fmt}"
    title = f"{batch.source.name} · 导入批次 {batch.pk} · {batch.file_name}"
    if fmt == "csv":
        return Export(name, headers=header, rows=rows, title=title)
    sheet = Sheet("被拒绝的行", header, rows, [0, 30], {0: INTEGER})
    return Export(name, sheets=[sheet], info=exported_info(title), title=title)
