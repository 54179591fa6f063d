"""The campaign's notice of results (评议结果通报), registered in apps.py: the ranking with
every component from the current published score sheet, a chart of the composite scores,
and the correction note when that sheet corrects an earlier one. No published sheet, no
notice: the maker refuses with a message rather than print unpublished numbers."""

from __future__ import annotations

import io
import logging
from decimal import Decimal

from django.utils import timezone

from campaigns.models import Campaign
from core.documents import DocumentUnavailable, document_kind
from core.officialdocs import SIZE_5, OfficialDocument, chinese_date

from .formulas import Component
from .models import ScoreRow, ScoreSheet
from .selectors import correction_note, published_sheet, sheet_rows

logger = logging.getLogger(__name__)

CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")


def _score(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@document_kind(key="notice", title="评议结果通报", per_department=False, order=30)
def notice(campaign: Campaign) -> OfficialDocument:
    sheet = published_sheet(campaign=campaign)
    if sheet is None:
        raise DocumentUnavailable(
            f"{campaign.title}尚未公布成绩表，不能生成评议结果通报；请先在成效评价页面公布成绩。"
        )
    sheet = ScoreSheet.objects.select_related("published_by", "corrects").get(pk=sheet.pk)
    rows = list(sheet_rows(sheet=sheet))
    organizer = campaign.organizer.name
    doc = OfficialDocument(title=f"关于{campaign.title}结果的通报", issuer=organizer)
    doc.addressee("各被评议部门（单位）")
    doc.paragraph(
        f"根据{campaign.title}安排，{organizer}对{len(rows)}个部门（单位）进行了成效评价。"
        f"现将评议结果（成绩表第{sheet.version}版，"
        f"{chinese_date(timezone.localtime(sheet.published_at).date())}公布）通报如下。"
    )
    doc.heading1("一、评议结果")
    weights = [sheet.weight(str(c)) for c in Component]
    headers = ["排名", "批次", "部门（单位）"]
    headers += [
        f"{c.label}\n（{w:f}）" if w is not None else c.label
        for c, w in zip(Component, weights, strict=True)
    ]
    headers.append("综合得分")
    doc.table(
        headers,
        [_row(row) for row in rows],
        widths_mm=(9, 14, 37, 16, 16, 16, 16, 16, 16),
        size=SIZE_5,
        align_right=range(3, 9),
    )
    chart = _chart(rows)
    if chart is not None:
        doc.image(chart, width_mm=150, caption="综合得分")
    correction = correction_note(sheet=sheet)
    if correction is not None:
        doc.heading1("二、更正说明")
        doc.paragraph(
            f"本通报依据成绩表第{correction['version']}版，"
            f"该版更正第{correction['corrects']}版。更正理由：{correction['reason']}"
        )
        for change in correction["changes"]:
            parts = [
                f"{label}由{_score(old) if not isinstance(old, int) else old}"
                f"改为{_score(new) if not isinstance(new, int) else new}"
                for label, old, new, _delta in change["deltas"]
            ]
            doc.paragraph(f"{change['department']}：{'，'.join(parts)}。")
    doc.signature(organizer, chinese_date(timezone.localtime(sheet.published_at).date()))
    return doc


def _row(row: ScoreRow) -> list[object]:
    values: list[object] = [row.rank_campaign or "—", row.batch_name, row.department_name]
    values += [_score(getattr(row, str(c))) for c in Component]
    values.append(_score(row.composite) if row.composite is not None else "不完整")
    return values


def _chart(rows: list[ScoreRow]) -> bytes | None:
    """A horizontal bar chart of the composite scores (PNG), best at the top; None when no
    department has one. A CJK font is looked up by name; without one the labels still
    render (as boxes) rather than the document failing."""
    scored = [r for r in rows if r.composite is not None]
    if not scored:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font = None
    for name in CJK_FONTS:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=name), fallback_to_default=False
            )
        except ValueError:
            continue
        font = font_manager.FontProperties(fname=path)
        break
    if font is None:
        logger.warning("no CJK font for the results chart; labels may not render")
    names = [r.department_name for r in reversed(scored)]
    values = [float(r.composite) for r in reversed(scored)]  # type: ignore[arg-type]
    figure, axes = plt.subplots(figsize=(6.2, 0.32 * len(scored) + 0.9), dpi=200)
    try:
        bars = axes.barh(range(len(scored)), values, color="#9b1c1c", height=0.6)
        axes.set_yticks(range(len(scored)))
        axes.set_yticklabels(names, fontproperties=font, fontsize=9)
        low = min(values)
        axes.set_xlim(max(0.0, low - 10), 100)
        axes.set_xlabel("综合得分", fontproperties=font, fontsize=9)
        for bar, value in zip(bars, values, strict=True):
            axes.text(
                bar.get_width() + 0.3,
                bar.get_y() + bar.get_height() / 2,
                f"{value:.2f}",
                va="center",
                fontsize=8,
            )
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(figure)
