"""One department's 12345 analytics as a workbook (the figures of its staff analytics page):
概况, 每月, 问题分类, 区县, set up to print like every export (core.spreadsheets). Rates and
changes are stored as fractions with a percent format, so Excel computes with them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.spreadsheets import INTEGER, PERCENT, PrintInfo, Sheet, workbook_bytes

from . import selectors

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
