"""Excel score sheets (openpyxl): a summary sheet and detail sheets of one version.

Numbers are written as numbers (Decimal → the cell's value equals the sheet's to the cent)
and every text cell goes through `core.spreadsheets.cell_write`, so nothing typed by a user
(a department name, a comment) can become a live formula in Excel."""

from decimal import Decimal

from django.utils.timezone import localtime
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.spreadsheets import cell_set, cell_write, workbook_save

from .formulas import Component, Rating
from .models import ScoreSheet
from .selectors import correction_note, published_versions, sheet_rows

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
BOLD = Font(bold=True)


MISSING = "—"


def _cell(value):
    if value is None or isinstance(value, Decimal | int | float):
        return value
    return str(value)


def _d(value: str | None):
    return None if value is None else Decimal(value)


def _header(ws, row: int, titles: list[str]) -> None:
    for col, title in enumerate(titles, 1):
        cell = cell_write(ws, row, col, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _widths(ws, widths: list[int]) -> None:
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def workbook_for(sheet: ScoreSheet) -> Workbook:
    rows = list(sheet_rows(sheet=sheet))
    weights = sheet.settings_snapshot["weights"]
    wb = Workbook()
    ws = wb.active
    ws.title = "综合得分"
    state = "已公布" if sheet.is_published else "未公布"
    cell_set(ws["A1"], f"{sheet.campaign.title}综合得分（第 {sheet.version} 版，{state}）")
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:I1")
    titles = ["排名", "批次", "部门（单位）"]
    titles += [f"{c.label}（权重 {Decimal(weights[str(c)]).normalize():f}）" for c in Component]
    titles.append("综合得分")
    _header(ws, 2, titles)
    for r, row in enumerate(rows, 3):
        reasons = (row.details or {}).get("missing_reasons", {})
        values = [row.rank_campaign, row.batch_name, row.department_name]
        values += [_component(row, str(c), reasons) for c in Component]
        values.append(row.composite if row.composite is not None else "不完整")
        for col, value in enumerate(values, 1):
            cell = cell_write(ws, r, col, _cell(value))
            if isinstance(value, Decimal):
                # 0.00 is a score: written as the number 0 shown as 0.00, never blank.
                cell.number_format = "0.00"
    ws.freeze_panes = "D3"
    _widths(ws, [6, 8, 30, 14, 14, 14, 14, 14, 10])
    ws.row_dimensions[2].height = 45
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"

    _committee_sheet(wb, rows)
    _survey_sheet(wb, rows)
    _public_vote_sheet(wb, rows)
    _hotline_sheet(wb, rows)
    _versions_sheet(wb, sheet)
    return wb


def _component(row, name: str, reasons: dict):
    """A component's score, or "—（reason）" when it has none."""
    value = getattr(row, name)
    if value is not None:
        return value
    return f"{MISSING}（{reasons[name]}）" if name in reasons else MISSING


def _versions_sheet(wb, sheet: ScoreSheet) -> None:
    """Version and correction note, and every published version (as the public page)."""
    ws = wb.create_sheet("版本说明")
    lines: list[list] = []
    lines.append(["版本", f"第 {sheet.version} 版"])
    state = "已公布" if sheet.is_published else "未公布"
    if sheet.is_published:
        state += f"（{localtime(sheet.published_at):%Y-%m-%d %H:%M}）"
    lines.append(["状态", str(state)])
    note = correction_note(sheet=sheet) if sheet.is_published else None
    if note:
        title = f"第 {note['version']} 版更正第 {note['corrects']} 版"
        lines.append(["更正", str(title)])
        lines.append(["发布人", str(note["by"])])
        lines.append(["发布时间", f"{localtime(note['at']):%Y-%m-%d %H:%M}"])
        lines.append(["更正理由", str(note["reason"])])
        for change in note["changes"]:
            text = "；".join(
                f"{label} {_text(old)} → {_text(new)}" for label, old, new in change["labelled"]
            )
            lines.append([str(change["department"]), str(text)])
    versions = published_versions(campaign=sheet.campaign)
    if versions:
        lines.append([])
        lines.append(["历次公布版本"])
        for v in versions:
            line = f"公布于 {localtime(v.published_at):%Y-%m-%d %H:%M}"
            if v.corrects_id:
                line += f"，更正第 {v.corrects.version} 版：{v.correction_reason}"
            lines.append([f"第 {v.version} 版", str(line)])
    for r, line in enumerate(lines, 1):
        for col, value in enumerate(line, 1):
            cell_write(ws, r, col, value)
    _widths(ws, [24, 80])


def _text(value) -> str:
    return MISSING if value is None else f"{value}"


def _committee_sheet(wb, rows) -> None:
    ws = wb.create_sheet("电子表决测评")
    width = max((len(r.details["committee"]["scores"]) for r in rows), default=0)
    _header(ws, 1, ["部门（单位）", *[f"委员{n}" for n in range(1, width + 1)], "得分"])
    ws.cell(row=1, column=width + 3, value="注：（去掉）为去掉的一个最高分和一个最低分")
    for r, row in enumerate(rows, 2):
        committee = row.details["committee"]
        cell_write(ws, r, 1, row.department_name)
        # Marks by position (lowest first, then highest), so that two equal dropped scores
        # are both struck. Sheets stored before positions existed: the first lowest and
        # the last highest of the sorted scores.
        positions = committee.get("dropped_positions")
        if positions is None and committee["dropped_high"] is not None:
            positions = [0, len(committee["scores"]) - 1]
        marks = dict(zip(positions or [], ["最低", "最高"], strict=False))
        # Anonymous: scores sorted, members numbered per row, never named.
        for col, score in enumerate(committee["scores"], 2):
            mark = marks.get(col - 2)
            cell = ws.cell(row=r, column=col, value=Decimal(score))
            cell.number_format = "0.00"
            if mark:
                cell.number_format = f'0.00"（去掉{mark}）"'
                cell.font = Font(strike=True, color="999999")
        reasons = (row.details or {}).get("missing_reasons", {})
        ws.cell(row=r, column=width + 2, value=_cell(_component(row, "committee", reasons)))


def _survey_sheet(wb, rows) -> None:
    ws = wb.create_sheet("代表及社会各界评价")
    _header(
        ws, 1, ["部门（单位）", "组别", "权重", "满意", "基本满意", "不满意", "人数", "组别得分"]
    )
    r = 2
    for row in rows:
        for group in row.details["survey"]:
            counts = group["counts"]
            values = [
                row.department_name,
                group["label"],
                _d(group["weight"]),
                counts[Rating.SATISFIED],
                counts[Rating.BASIC],
                counts[Rating.DISSATISFIED],
                group["total"],
                _d(group["score"]),
            ]
            for col, value in enumerate(values, 1):
                cell_write(ws, r, col, _cell(value))
            r += 1
        cell_write(ws, r, 1, row.department_name)
        ws.cell(row=r, column=2, value="加权平均").font = BOLD
        ws.cell(row=r, column=8, value=_cell(row.survey)).font = BOLD
        r += 1
    _widths(ws, [30, 18, 8, 8, 10, 8, 8, 10])


def _public_vote_sheet(wb, rows) -> None:
    ws = wb.create_sheet("网上社会投票")
    _header(ws, 1, ["部门（单位）", "满意", "基本满意", "不满意", "有效票", "得分"])
    for r, row in enumerate(rows, 2):
        pv = row.details["public_vote"]
        values = [
            row.department_name,
            pv["counts"][Rating.SATISFIED],
            pv["counts"][Rating.BASIC],
            pv["counts"][Rating.DISSATISFIED],
            pv["total"],
            row.public_vote,
        ]
        for col, value in enumerate(values, 1):
            cell_write(ws, r, col, _cell(value))
    _widths(ws, [30, 10, 10, 10, 10, 10])


def _hotline_sheet(wb, rows) -> None:
    ws = wb.create_sheet("12345大数据分析")
    _header(
        ws,
        1,
        [
            "部门（单位）",
            "评议期工单",
            "上年同期工单",
            "已评价",
            "满意率 rate",
            "工单量变化 change",
            "S",
            "T",
            "得分",
            "低样本",
        ],
    )
    for r, row in enumerate(rows, 2):
        h = row.details["hotline"]
        values = [
            row.department_name,
            h["n_window"],
            h["n_baseline"],
            h["rated"],
            _d(h["rate"]),
            _d(h["change"]),
            _d(h["s"]),
            _d(h["t"]),
            row.hotline,
            "是" if h["low_sample"] else "",
        ]
        for col, value in enumerate(values, 1):
            cell_write(ws, r, col, _cell(value))
    _widths(ws, [30, 12, 12, 10, 12, 16, 10, 10, 10, 8])


def workbook_bytes(sheet: ScoreSheet) -> bytes:
    return workbook_save(workbook_for(sheet))
