"""The suggestions and funnel workbooks, set up to print (core.spreadsheets: header row on
every page, campaign in the page header, export time and page numbers in the footer).

Privacy: the suggestions workbook has no contact column unless staff ask for it
(`include_contact`, audited by the view through services.suggestion_contacts_exported), and
mobile numbers a citizen typed into the text are masked (138****0000) when they do not."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from core.exports import Export, export_builder
from core.privacy import mask_mobiles
from core.spreadsheets import (
    DATE,
    INTEGER,
    PrintInfo,
    Sheet,
    display_width,
    exported_info,
    workbook_bytes,
)

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


# Rows read per query: 2,000 suggestions (and their tags in one more query) at a time, so
# memory stays flat whatever the campaign's size.
CHUNK = 2000
_VALUES = (
    "id",
    "receipt",
    "submitted_on",
    "channel",
    "source_type",
    "district__name",
    "department__department__name",
    "text",
    "status",
    "theme__title",
    "contact",
)


def suggestion_value_rows(queryset, *, include_contact: bool) -> Iterator[list]:
    """The export's rows straight from the database: plain values in chunks of CHUNK (no
    model objects), the tags of each chunk in one query. Same cells as suggestion_rows."""
    channels, sources = dict(Channel.choices), dict(SourceType.choices)
    statuses = dict(Suggestion.Status.choices)
    values = queryset.prefetch_related(None).values_list(*_VALUES).iterator(chunk_size=CHUNK)
    through = Suggestion.tags.through
    while chunk := list(itertools.islice(values, CHUNK)):
        tags: dict[int, list[str]] = {}
        pairs = (
            through.objects.filter(suggestion_id__in=[row[0] for row in chunk])
            .order_by("tag__name")
            .values_list("suggestion_id", "tag__name")
        )
        for suggestion_id, name in pairs:
            tags.setdefault(suggestion_id, []).append(name)
        for (
            pk,
            receipt,
            day,
            channel,
            source,
            district,
            department,
            text,
            status,
            theme,
            contact,
        ) in chunk:  # noqa: E501
            row = [
                receipt,
                day,
                channels.get(channel, channel),
                sources.get(source, source),
                district or "",
                department or "",
                text if include_contact else mask_mobiles(text),
                statuses.get(status, status),
                theme or "",
                "、".join(tags.get(pk, ())),
            ]
            if include_contact:
                row.append(contact)
            yield row


@export_builder
def suggestions_export(
    *, campaign_id: int, query: str, fmt: str, user_id: int, include_contact: bool = False,
    reason: str = "",
) -> Export:  # fmt: skip
    """The triage list with the filters of `query` (the page's query string), as .xlsx or
    .csv; with the citizens' contact details only when `include_contact` (audited once the
    rows are out, naming how many)."""
    from django.contrib.auth import get_user_model
    from django.http import QueryDict

    from campaigns.models import Campaign

    from . import services
    from .forms import TriageFilterForm
    from .models import Tag
    from .selectors import evaluated_departments, suggestion_triage

    campaign = Campaign.objects.get(pk=campaign_id)
    filters = TriageFilterForm(
        QueryDict(query) or None,
        campaign=campaign,
        departments=list(evaluated_departments(campaign=campaign)),
        tags=Tag.objects.filter(campaign=campaign),
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    queryset = suggestion_triage(campaign=campaign, filters=data)
    rows = suggestion_value_rows(queryset, include_contact=include_contact)
    suffix = "-contacts" if include_contact else ""
    name = f"suggestions-{campaign.slug}{suffix}.{fmt}"

    def audited(count: int) -> None:
        if include_contact:
            services.suggestion_contacts_exported(
                campaign=campaign,
                actor=get_user_model().objects.get(pk=user_id),
                rows=count,
                reason=reason,
                filters=query,
            )

    columns = SUGGESTION_COLUMNS + ([CONTACT_COLUMN] if include_contact else [])
    headers = [title for title, _ in columns]
    title = f"{campaign.title} · 意见建议{'（含联系方式）' if include_contact else ''}"
    if fmt == "csv":
        return Export(name, headers=headers, rows=rows, finished=audited, title=title)
    sheet = suggestions_sheet(rows, include_contact=include_contact)
    return Export(
        name, sheets=[sheet], info=exported_info(campaign.title), finished=audited, title=title
    )


def suggestions_sheet(rows: Iterable[list], *, include_contact: bool) -> Sheet:
    columns = SUGGESTION_COLUMNS + ([CONTACT_COLUMN] if include_contact else [])
    return Sheet(
        "意见建议",
        [title for title, _ in columns],
        rows,
        [width for _, width in columns],
        {1: DATE},
        landscape=True,
    )


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
