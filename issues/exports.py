"""The suggestions and funnel workbooks, set up to print (core.spreadsheets: header row on
every page, campaign in the page header, export time and page numbers in the footer).

Privacy: the suggestions workbook has no contact column unless staff ask for it
(`include_contact`, audited by the view through services.suggestion_contacts_exported), and
mobile numbers a citizen typed into the text are masked (138****0000) when they do not."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from core.privacy import mask_mobiles
from core.spreadsheets import DATE, INTEGER, PrintInfo, Sheet, display_width, workbook_bytes

from .models import Channel, SourceType, Suggestion

# Width 0: fitted to the content; the text column is fixed and wraps.
SUGGESTION_COLUMNS = [
    ("回执编号", 0),
    ("日期", 0),
    ("征集渠道", 0),
    ("来源类型", 0),
    ("所属区县", 0),
    ("涉及部门（单位）", 0),
    ("内容", 60),
    ("状态", 0),
    ("归并主题", 0),
    ("标签", 0),
]
CONTACT_COLUMN = ("联系方式", 0)


class Counted:
    """Rows passed through, counted (the audit entry names how many rows went out)."""

    def __init__(self, rows: Iterable[list]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[list]:
        for row in self.rows:
            self.count += 1
            yield row


def suggestion_rows(suggestions: Iterable[Suggestion], *, include_contact: bool) -> Iterator[list]:
    for s in suggestions:
        row = [
            s.receipt,
            s.submitted_on,
            s.get_channel_display(),
            s.get_source_type_display(),
            s.district.name if s.district else "",
            s.department.department.name if s.department else "",
            s.text if include_contact else mask_mobiles(s.text),
            s.get_status_display(),
            s.theme.title if s.theme else "",
            "、".join(t.name for t in s.tags.all()),
        ]
        if include_contact:
            row.append(s.contact)
        yield row


def suggestions_xlsx(
    rows: Iterable[list], *, include_contact: bool, info: PrintInfo | None = None
) -> bytes:
    columns = SUGGESTION_COLUMNS + ([CONTACT_COLUMN] if include_contact else [])
    sheet = Sheet(
        "意见建议",
        [title for title, _ in columns],
        rows,
        [width for _, width in columns],
        {1: DATE},
        landscape=True,
    )
    return workbook_bytes([sheet], info)


FUNNEL_HEADERS = [
    "批次",
    "部门（单位）",
    "征集意见建议",
    "已归并",
    "归并主题",
    "重点关注主题",
    "重点整改问题",
]


def funnel_xlsx(funnel_rows, *, info: PrintInfo | None = None) -> bytes:
    headers = FUNNEL_HEADERS + [label for _, label in Channel.choices]
    headers += [label for _, label in SourceType.choices]
    rows = [
        [
            r.department.batch.name if r.department else "",
            r.department.department.name if r.department else "未确定部门",
            r.collected,
            r.merged,
            r.themes,
            r.focus_themes,
            r.key_issues,
            *[r.by_channel[v] for v, _ in Channel.choices],
            *[r.by_source[v] for v, _ in SourceType.choices],
        ]
        for r in funnel_rows
    ]
    counts = dict.fromkeys(range(2, len(headers)), INTEGER)
    # Count columns are narrow (their headers wrap): 22 of them still print legibly.
    widths = [0, 0] + [min(9, max(6, display_width(title) + 2)) for title in headers[2:]]
    return workbook_bytes([Sheet("征集归并情况", headers, rows, widths, counts)], info)
