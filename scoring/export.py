"""Excel score workbook (openpyxl) of one version: a summary sheet, 计算说明, the detail
sheets of the five components and 版本说明.

Printed and filed, the workbook explains itself: every sheet is set up to print
(`core.spreadsheets.print_setup`: A4, fitted to the page width, header rows repeated, the
campaign and sheet in the page header, version, publication date and page numbers in the
footer), columns are fitted to what they show so no number prints as "###", and the
settings, digests and the 计算过程 lines of the web page are on the 计算说明 sheet.

Numbers are written as numbers (Decimal → the cell's value equals the sheet's to the cent)
with number formats (0.00 for scores, percentages for rates); a missing value is the text
"—（reason）". Every text cell goes through `core.spreadsheets.cell_set`, so nothing typed
by a user (a department name, a comment) can become a live formula in Excel.

Written in openpyxl's write-only mode (issue 21 point 6), row after row, with the same
output as the normal-mode workbook it replaces (tests/scoring/test_export_layout.py
compares every cell, style, merged range, width, height and print setting with the layout
captured before): a write-only sheet takes its column widths and frozen pane before its
first row, so each sheet is a generator of rows run twice, once to fit the widths and once
to write; merged titles and legend lines are added to `ws.merged_cells`, row heights for
wrapped text are set on `ws.row_dimensions` before their row is written, and print setup,
print titles, header and footer are the attributes write-only sheets share with normal
ones (`core.spreadsheets.print_setup`). Nothing of the old layout had to be dropped.
Not core.xlsxstream: it writes a fixed set of cell formats (one fill, bold or not) and no
merged cells, and a workbook of some 10,000 rows does not need its speed."""

import io
import itertools
from collections.abc import Callable, Iterator
from copy import copy
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import IO

from django.utils.timezone import localtime
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from core.spreadsheets import (
    FORMULA_STARTS,
    INTEGER,
    LINE_HEIGHT,
    MAX_FIT_WIDTH,
    SCORE,
    PrintInfo,
    cell_set,
    print_setup,
    shown_width,
    wrapped_lines,
)

from .formulas import Component, Quorum, Rating, SurveyGroup
from .models import ScoreRow, ScoreSheet
from .selectors import correction_note, published_versions, sheet_rows

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
# Dropped committee scores: struck through, grey on grey (the number stays a number).
DROPPED_FILL = PatternFill("solid", fgColor="D9D9D9")
DROPPED_FONT = Font(strike=True, color="7F7F7F")
# Incomplete rows of the summary (no composite, ranked last).
INCOMPLETE_FILL = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADING_FONT = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
# Table cells align to the top, so a row with a wrapped cell still reads as one line.
TOP = Alignment(vertical="top")
# "—（reason）" in a column of numbers lines up with them.
TOP_RIGHT = Alignment(horizontal="right", vertical="top")
TOP_CENTER = Alignment(horizontal="center", vertical="top")
# Intermediate values a reader re-adds by hand: enough decimals that averaging the printed
# values gives the sheet's rounded score (two decimals gave 74.35 for 74.34).
MEAN = "0.000000"
# At least two decimals, up to four (S = 94.5946, T = 80.00) and weights (0.25, 1.00).
DETAIL = "0.00##"
RATE = "0.00%"

MISSING = "—"

SUMMARY = "综合得分"
EXPLAINED = "计算说明"
COMMITTEE = "电子表决测评"
SURVEY = "代表及社会各界评价"
PUBLIC_VOTE = "网上社会投票"
HOTLINE = "12345大数据分析"
VERSIONS = "版本说明"


def _d(value: str | None):
    return None if value is None else Decimal(value)


def _detail(row: ScoreRow, key: str, default=None):
    """Intermediate values stored with the row for this export; rows written by hand (the
    admin, old tests) may lack them."""
    value = (row.details or {}).get(key) if isinstance(row.details, dict) else None
    return value if value is not None else ({} if default is None else default)


def _number(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _fmt(value) -> str:
    """A setting as a person writes it: 0.25, 1, 80; "—" when unreadable."""
    number = _number(value)
    return MISSING if number is None else f"{number.normalize():f}"


def _snapshot(sheet: ScoreSheet) -> dict:
    """The settings the version was computed with; a malformed snapshot (issue 13) reads as
    empty, so the export still opens and shows "—" where a setting cannot be read."""
    snapshot = sheet.settings_snapshot
    return snapshot if isinstance(snapshot, dict) else {}


def _mapping(snapshot: dict, key: str) -> dict:
    value = snapshot.get(key)
    return value if isinstance(value, dict) else {}


def _points(sheet: ScoreSheet) -> dict[str, Decimal] | None:
    """Rating points of the version, or None when any of them cannot be read."""
    given = _mapping(_snapshot(sheet), "rating_points")
    points = {str(rating): _number(given.get(str(rating))) for rating in Rating}
    if any(value is None for value in points.values()):
        return None
    return {key: value for key, value in points.items() if value is not None}


def _points_sum(points: dict[str, Decimal] | None, counts: dict) -> Decimal | None:
    if points is None:
        return None
    return sum((points[str(r)] * counts.get(str(r), 0) for r in Rating), Decimal(0))


def _points_text(points: dict[str, Decimal] | None) -> str:
    return "、".join(f"{r.label} {_fmt((points or {}).get(str(r)))} 分" for r in Rating)


def print_info(sheet: ScoreSheet) -> PrintInfo:
    """What every printed page names: the version and when it was published (frozen)."""
    if sheet.is_published:
        frozen = f"{localtime(sheet.published_at):%Y-%m-%d} 公布（已冻结）"
    else:
        frozen = "未公布（草稿）"
    return PrintInfo(
        campaign=sheet.campaign.title, version=f"成绩表第 {sheet.version} 版", frozen=frozen
    )


def ordered_rows(sheet: ScoreSheet) -> list[ScoreRow]:
    """The rows by campaign rank, incomplete rows (no rank) last, in batch order."""
    return sorted(sheet_rows(sheet=sheet), key=lambda row: row.rank_campaign is None)


# --- writing cells ------------------------------------------------------------------------------
#
# A sheet is a generator of rows (`_Row`: the cells and how the row is laid out), run twice:
# once to fit the column widths, which write-only mode must write before the first row, and
# once to write the rows. Nothing but the score rows themselves (one per department) is held
# while a sheet is written.


class _Cell:
    """What a cell holds and shows; None styles are the default's."""

    __slots__ = ("value", "font", "fill", "alignment", "number_format")

    def __init__(self, value, *, font=None, fill=None, alignment=None, number_format=None):
        self.value, self.font, self.fill = value, font, fill
        self.alignment, self.number_format = alignment, number_format


class _Row:
    """A row of cells from column A. `span`: the first cell is merged across that many
    columns; `fit`: the row counts when the columns are fitted (not a title or a note);
    `header`: its cells count at most the header cap; `height`: unless wrapped text needs
    more lines."""

    __slots__ = ("cells", "span", "fit", "header", "height")

    def __init__(self, cells=(), *, span=0, fit=True, header=False, height=None):
        self.cells, self.span, self.fit = list(cells), span, fit
        self.header, self.height = header, height


@dataclass
class _Layout:
    """A sheet: its rows (a generator function, run twice), the legend under the table,
    how columns are fitted (`header_cap`, `given` widths by column index from 0, or
    `widths` fixed) and how it prints."""

    title: str
    rows: Callable[[], Iterator[_Row]]
    notes: list[str] = field(default_factory=list)
    header_cap: int = 16
    given: dict[int, float] = field(default_factory=dict)
    widths: list[float] | None = None
    freeze: str | None = None
    title_rows: str | None = None
    landscape: bool | None = None


def _header(titles: list[str]) -> _Row:
    cells = [_Cell(t, font=BOLD, fill=HEADER_FILL, alignment=HEADER_ALIGN) for t in titles]
    return _Row(cells, header=True)


def _values(values: list, formats: dict[int, str] | None = None) -> list[_Cell]:
    """One row of values; numbers get the format of their column (index from 0), text in a
    column of numbers is aligned with them."""
    cells = []
    for col, value in enumerate(values):
        number_format = (formats or {}).get(col)
        cell = _Cell(
            value, alignment=TOP_RIGHT if number_format and isinstance(value, str) else TOP
        )
        if number_format and isinstance(value, int | Decimal) and not isinstance(value, bool):
            cell.number_format = number_format
        cells.append(cell)
    return cells


def _fitted(layout: _Layout) -> tuple[list[float], int]:
    """Column widths fitted to what the cells show, number formats included, so no number
    prints as "###": titles,
    notes and merged cells do not count, header cells count at most the cap, `given` wins;
    fixed `widths` win over all. And the number of rows."""
    widths: list[int] = []
    count = 0
    # The same name or score recurs on many rows: its width is worked out once.
    shown: dict[tuple, int] = {}
    for row in layout.rows():
        count += 1
        columns = max(len(row.cells), row.span)
        if columns > len(widths):
            widths += [0] * (columns - len(widths))
        if not row.fit or row.span > 1:
            continue
        for index, cell in enumerate(row.cells):
            if cell is None or cell.value is None:
                continue
            key = (type(cell.value), cell.value, cell.number_format)
            width = shown.get(key, -1)
            if width < 0:
                width = shown[key] = shown_width(cell.value, cell.number_format or "General")
            if row.header:
                width = min(width, layout.header_cap)
            if width > widths[index]:
                widths[index] = width
    fitted = [float(min(max(width + 2, 6), MAX_FIT_WIDTH)) for width in widths]
    for index, fixed in layout.given.items():
        if index < len(fitted):
            fitted[index] = fixed
    return (fitted if layout.widths is None else layout.widths), count


def _height(row: _Row, widths: list[float]) -> float | None:
    """The lines wrapped text needs (merged cells across their columns): neither
    LibreOffice nor Excel sizes the rows of a generated file."""
    lines = 1
    for index, cell in enumerate(row.cells):
        if cell is None or cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
            continue
        width = sum(widths[: row.span]) if index == 0 and row.span > 1 else 0
        if not width:
            width = widths[index] if index < len(widths) else 0
        lines = max(lines, wrapped_lines(cell.value, width))
    return LINE_HEIGHT * lines if lines > 1 else row.height


class _Styles:
    """The cell formats of one workbook. Assigning a font, fill or alignment to an openpyxl
    cell hashes it to find its index, which took a third of the time of a 200-department
    workbook; a format met before is copied from the first cell that had it instead. Keys
    are the style objects' ids: every style here is a module constant, alive while the
    workbook is written."""

    def __init__(self) -> None:
        self.known: dict[tuple, StyleArray] = {}

    def cell(self, ws, spec: _Cell) -> Cell:
        """The write-only cell of `spec`; text through core.spreadsheets.cell_set, so
        nothing typed by a user can become a live formula."""
        value = spec.value
        quoted = isinstance(value, str) and value.startswith(FORMULA_STARTS)
        key = (id(spec.font), id(spec.fill), id(spec.alignment), spec.number_format, quoted)
        cell = WriteOnlyCell(ws)
        style = self.known.get(key)
        if style is not None:
            cell._style = copy(style)
            return cell_set(cell, value)
        cell_set(cell, value)
        if spec.font is not None:
            cell.font = spec.font
        if spec.fill is not None:
            cell.fill = spec.fill
        if spec.alignment is not None:
            cell.alignment = spec.alignment
        if spec.number_format is not None:
            cell.number_format = spec.number_format
        self.known[key] = copy(cell._style)
        return cell


def _sheet_write(wb: Workbook, layout: _Layout, info: PrintInfo, styles: _Styles) -> None:
    """Write one sheet in write-only mode: what goes before the rows (column widths, the
    frozen pane, print setup), then the rows, then the legend under the table."""
    widths, count = _fitted(layout)
    ws = wb.create_sheet(layout.title)
    for column, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(column)].width = width
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    print_setup(ws, info, widths, title_rows=layout.title_rows, landscape=layout.landscape)
    notes = [_Row()] if layout.notes else []  # a blank line between the table and its legend
    columns = len(widths)
    for text in layout.notes:
        # A legend line: merged across the table, wrapped.
        notes.append(_Row([_Cell(text, alignment=WRAP)], span=columns if columns > 1 else 0))
    # The <dimension> a normal sheet states (write-only mode leaves it out): readers that
    # stream, openpyxl's read-only mode among them, take the sheet's size from it.
    size = f"A1:{get_column_letter(max(columns, 1))}{max(count + len(notes), 1)}"
    ws.calculate_dimension = lambda: size
    for number, row in enumerate(itertools.chain(layout.rows(), notes), 1):
        height = _height(row, widths)
        if height:
            ws.row_dimensions[number].height = height
        if row.span > 1:
            ws.merged_cells.add(
                CellRange(min_col=1, min_row=number, max_col=row.span, max_row=number)
            )
        ws.append([None if cell is None else styles.cell(ws, cell) for cell in row.cells])


# --- the workbook -------------------------------------------------------------------------------


def workbook_write(sheet: ScoreSheet, target: IO[bytes]) -> None:
    """Write the workbook of `sheet` into `target` (a binary file object), sheet by sheet,
    in openpyxl's write-only mode."""
    rows = ordered_rows(sheet)
    info = print_info(sheet)
    wb = Workbook(write_only=True)
    styles = _Styles()
    for layout in (
        _summary_sheet(sheet, rows),
        _explained_sheet(sheet, rows),
        _committee_sheet(sheet, rows),
        _survey_sheet(sheet, rows),
        _public_vote_sheet(sheet, rows),
        _hotline_sheet(sheet, rows),
        _versions_sheet(sheet),
    ):
        _sheet_write(wb, layout, info, styles)
    wb.save(target)


def workbook_bytes(sheet: ScoreSheet) -> bytes:
    buffer = io.BytesIO()
    workbook_write(sheet, buffer)
    return buffer.getvalue()


def _component(row, name: str):
    """A component's score, or "—（reason）" when it has none."""
    value = getattr(row, name)
    if value is not None:
        return value
    reasons = _detail(row, "missing_reasons")
    return f"{MISSING}（{reasons[name]}）" if name in reasons else MISSING


def _missing_text(row) -> str:
    """'电子表决测评（未达法定人数）、…': what keeps a row from having a composite."""
    reasons = _detail(row, "missing_reasons")
    return "、".join(
        Component(m).label + (f"（{reasons[m]}）" if m in reasons else "") for m in row.missing
    )


def _summary_sheet(sheet: ScoreSheet, rows) -> _Layout:
    weights = _mapping(_snapshot(sheet), "weights")
    state = "已公布" if sheet.is_published else "未公布"
    titles = ["排名", "批次内排名", "批次", "部门（单位）"]
    titles += [f"{c.label}（权重 {_fmt(weights.get(str(c)))}）" for c in Component]
    titles += ["综合得分", "缺少", "热线低样本"]
    formats = {0: INTEGER, 1: INTEGER, **dict.fromkeys(range(4, 10), SCORE)}

    def table() -> Iterator[_Row]:
        title = f"{sheet.campaign.title}综合得分（第 {sheet.version} 版，{state}）"
        yield _Row([_Cell(title, font=TITLE_FONT)], span=len(titles), fit=False, height=24)
        yield _header(titles)
        for row in rows:
            values = [
                row.rank_campaign if row.rank_campaign is not None else MISSING,
                row.rank_batch if row.rank_batch is not None else MISSING,
                row.batch_name,
                row.department_name,
                *[_component(row, str(c)) for c in Component],
                row.composite if row.composite is not None else "不完整",
                _missing_text(row),
                "是" if row.low_sample else "",
            ]
            # 0.00 is a score: written as the number 0 shown as 0.00, never blank.
            cells = _values(values, formats)
            if row.composite is None:
                for cell in cells:
                    cell.fill = INCOMPLETE_FILL
            cells[10].alignment = WRAP
            for cell in (cells[0], cells[1], cells[11]):
                cell.alignment = TOP_CENTER
            yield _Row(cells)

    threshold = _fmt(_snapshot(sheet).get("hotline_low_sample_threshold", 30))
    notes = [
        "排名：按综合得分从高到低，得分相同名次相同；批次内排名为同一批次内的名次。",
        "综合得分 = Σ 权重 × 组成项得分（组成项得分取两位小数后计算），四舍五入保留两位小数。",
        "不完整（黄底）：缺少权重不为 0 的组成项，没有综合得分和排名，排在最后；"
        "“缺少”列写明缺少的组成项及原因。",
        f"热线低样本：评议期内已评价工单少于 {threshold} 件，满意率仅供参考。",
        "各项得分的计算过程见“计算说明”工作表。",
    ]
    # The 缺少 column wraps at a fixed width when a row needs it; headers wrap at 12.
    given = {10: 30} if any(row.missing for row in rows) else {}
    return _Layout(SUMMARY, table, notes, header_cap=12, given=given, freeze="E3", title_rows="2:2")


def _explained_sheet(sheet: ScoreSheet, rows) -> _Layout:
    """Settings, digests and per department the 计算过程 lines the web page shows (the
    explanation stored with each row when the version was computed)."""
    settings = _snapshot(sheet)
    weights = _mapping(settings, "weights")
    groups = _mapping(settings, "survey_group_weights")
    lines: list[tuple[str, str]] = [("版本", f"第 {sheet.version} 版")]
    if sheet.is_published:
        published = f"{localtime(sheet.published_at):%Y-%m-%d %H:%M}（公布后冻结，不再改变）"
        lines.append(("公布（冻结）时间", published))
    else:
        lines.append(("公布（冻结）时间", "未公布"))
    lines.append(("计算时间", f"{localtime(sheet.created_at):%Y-%m-%d %H:%M}"))
    lines.append(("输入摘要（SHA-256）", sheet.inputs_digest))
    lines.append(
        ("综合得分权重", "；".join(f"{c.label} {_fmt(weights.get(str(c)))}" for c in Component))
    )
    lines.append(("评价分值", _points_text(_points(sheet))))
    flat = _fmt(settings.get("hotline_volume_flat_score", 80))
    factor = _fmt(settings.get("hotline_change_factor", 100))
    s_weight = _fmt(settings.get("hotline_s_weight", "0.7"))
    t_weight = _fmt(settings.get("hotline_t_weight", "0.3"))
    low = _fmt(settings.get("hotline_low_sample_threshold", 30))
    lines += [
        ("12345 满意率", "满意率 = （满意 + 基本满意）÷ 已评价工单（未评价的工单不计）"),
        (
            "12345 工单量变化率",
            "工单量变化率 = （评议期工单量 − 上年同期工单量）÷ 上年同期工单量；"
            "上年同期为 0 时记为 0",
        ),
        ("12345 满意率得分", "满意率得分 = 100 × 满意率"),
        (
            "12345 工单量得分",
            f"工单量得分 = min(100, max(0, {flat} − {factor} × 工单量变化率))"
            f"（工单量持平为 {flat} 分）",
        ),
        ("12345 得分", f"得分 = {s_weight} × 满意率得分 + {t_weight} × 工单量得分"),
        ("12345 低样本", f"已评价工单少于 {low} 件时标记为低样本，得分照算，满意率仅供参考"),
        (
            "代表及社会各界评价组别权重",
            "；".join(f"{g.label} {_fmt(groups.get(str(g), 1))}" for g in SurveyGroup),
        ),
        (
            "去掉最高分和最低分",
            f"电子表决测评评分达到 {_fmt(settings.get('trim_threshold', 7))} 个时，"
            "去掉一个最高分和一个最低分后取平均",
        ),
        ("法定人数", _quorum_text(str(settings.get("committee_quorum", Quorum.MAJORITY)))),
        (
            "取整",
            "各组成项得分和综合得分四舍五入保留两位小数，只在每个公式的最后取整，中间值保留全部精度；"
            "综合得分由取整后的组成项得分计算",
        ),
    ]

    def table() -> Iterator[_Row]:
        yield _header(["项目", "内容"])
        for title, text in lines:
            cells = _values([title, text])
            for cell in cells:
                cell.alignment = WRAP
            yield _Row(cells)
        yield _Row()
        yield _Row([_Cell("计算过程", font=HEADING_FONT)])
        for row in rows:
            for number, line in enumerate(row.explanation or [], 0):
                cells = _values([row.department_name if number == 0 else "", line])
                cells[0].font = BOLD
                cells[0].alignment = cells[1].alignment = WRAP
                yield _Row(cells)

    # Portrait, slightly scaled to the page width: some 55 lines a page.
    return _Layout(
        EXPLAINED,
        table,
        given={0: 26, 1: 84},
        freeze="A2",
        title_rows="1:1",
        landscape=False,
    )


def _quorum_text(rule: str) -> str:
    try:
        label = Quorum(rule).label
    except ValueError:
        label = rule
    return (
        f"电子表决测评须{label}评分方计入（不设法定人数时不检查）" if rule != Quorum.NONE else label
    )


def _committee_sheet(sheet: ScoreSheet, rows) -> _Layout:
    width = max((len(_detail(r, "committee").get("scores", [])) for r in rows), default=0)
    titles = ["部门（单位）", *[f"评分{n}" for n in range(1, width + 1)]]
    titles += ["应到人数", "评分个数", "计入个数", "计入分数之和", "得分"]
    formats = dict.fromkeys(range(1, width + 1), SCORE)
    formats.update({width + 1: INTEGER, width + 2: INTEGER, width + 3: INTEGER})
    formats.update({width + 4: SCORE, width + 5: SCORE})

    def table() -> Iterator[_Row]:
        yield _header(titles)
        for row in rows:
            yield _committee_row(row, width, formats)

    threshold = _fmt(_snapshot(sheet).get("trim_threshold", 7))
    notes = [
        f"灰底删除线：去掉的一个最高分和一个最低分（评分达到 {threshold} 个时），不计入得分。",
        "每行的评分按从低到高排列，评分序号不对应具体委员。",
        "得分 = 计入分数之和 ÷ 计入个数，四舍五入保留两位小数；"
        "评分人数未达法定人数时本项不计分（见“计算说明”）。",
    ]
    return _table(COMMITTEE, table, notes)


def _table(title: str, rows: Callable[[], Iterator[_Row]], notes: list[str]) -> _Layout:
    """A detail sheet: its header in row 1 (repeated on every printed page), frozen with
    the department column."""
    return _Layout(title, rows, notes, freeze="B2", title_rows="1:1")


def _committee_row(row: ScoreRow, width: int, formats: dict[int, str]) -> _Row:
    committee = _detail(row, "committee")
    scores = [Decimal(s) for s in committee.get("scores", [])]
    # Marks by position (lowest first, then highest), so that two equal dropped scores
    # are both struck. Sheets stored before positions existed: the first lowest and
    # the last highest of the sorted scores.
    positions = committee.get("dropped_positions")
    if positions is None and committee.get("dropped_high") is not None:
        positions = [0, len(scores) - 1]
    dropped = set(positions or [])
    kept = [s for i, s in enumerate(scores) if i not in dropped]
    counted = row.committee is not None
    values = [
        row.department_name,
        *scores,
        *[None] * (width - len(scores)),
        committee.get("roll"),
        len(scores),
        len(kept) if counted else None,
        sum(kept, Decimal(0)) if counted else None,
        _component(row, "committee"),
    ]
    cells = _values(values, formats)
    # Anonymous: scores sorted, numbered per row, never linked to a member.
    for position in dropped:
        cells[1 + position].font, cells[1 + position].fill = DROPPED_FONT, DROPPED_FILL
    return _Row(cells)


def _survey_sheet(sheet: ScoreSheet, rows) -> _Layout:
    points = _points(sheet)
    titles = ["部门（单位）", "组别", "满意", "基本满意", "不满意", "人数", "分值合计"]
    titles += ["组别平均分（未取整）", "组别权重", "权重 × 平均分", "得分"]
    formats = {2: INTEGER, 3: INTEGER, 4: INTEGER, 5: INTEGER, 6: DETAIL, 7: MEAN}
    formats.update({8: DETAIL, 9: MEAN, 10: SCORE})

    def table() -> Iterator[_Row]:
        yield _header(titles)
        for row in rows:
            yield from _survey_rows(row, points, formats)

    notes = [
        f"分值：{_points_text(points)}。组别平均分 = 分值合计 ÷ 人数（显示 6 位小数，未取整）。",
        "得分 = Σ（组别权重 × 组别平均分）÷ Σ 组别权重，只在最后四舍五入保留两位小数；"
        "没有评价或权重为 0 的组别不计入。",
    ]
    return _table(SURVEY, table, notes)


def _survey_rows(row: ScoreRow, points, formats: dict[int, str]) -> Iterator[_Row]:
    """A department's groups, then its weighted mean (bold)."""
    weight_sum = weighted_sum = Decimal(0)
    for group in _detail(row, "survey", []):
        counts = group["counts"]
        total = group["total"]
        points_sum = _points_sum(points, counts)
        weight = Decimal(group["weight"])
        mean = _mean(group, points_sum, total)
        product = weight * mean if mean is not None and weight else None
        if product is not None:
            weight_sum += weight
            weighted_sum += weight * (Decimal(group["mean"]) if group.get("mean") else mean)
        values = [
            row.department_name,
            group["label"],
            *[counts.get(str(rating), 0) for rating in Rating],
            total,
            points_sum,
            mean if mean is not None else "没有评价，不计入",
            weight,
            _shown(product),
            None,
        ]
        yield _Row(_values(values, formats))
    total_row = [row.department_name, "加权平均", *[None] * 6]
    total_row += [weight_sum or None, _shown(weighted_sum) if weight_sum else None]
    total_row.append(_component(row, "survey"))
    cells = _values(total_row, formats)
    for cell in cells:
        cell.font = BOLD
    yield _Row(cells)


def _mean(group: dict, points_sum: Decimal | None, total: int) -> Decimal | None:
    """The group's unrounded mean, as much of it as a cell holds."""
    if not total:
        return None
    if group.get("mean"):
        return _shown(Decimal(group["mean"]))
    return None if points_sum is None else _shown(points_sum / total)


def _shown(value: Decimal | None) -> Decimal | None:
    """A long intermediate value cut to 10 decimals (a cell holds about 15 digits)."""
    if value is None:
        return None
    return value.quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP).normalize()


def _public_vote_sheet(sheet: ScoreSheet, rows) -> _Layout:
    points = _points(sheet)
    formats = {1: INTEGER, 2: INTEGER, 3: INTEGER, 4: INTEGER, 5: DETAIL, 6: SCORE}

    def table() -> Iterator[_Row]:
        yield _header(["部门（单位）", "满意", "基本满意", "不满意", "有效票", "分值合计", "得分"])
        for row in rows:
            pv = _detail(row, "public_vote")
            counts = pv.get("counts", {})
            values = [
                row.department_name,
                *[counts.get(str(rating), 0) for rating in Rating],
                pv.get("total", 0),
                _points_sum(points, counts),
                _component(row, "public_vote"),
            ]
            yield _Row(_values(values, formats))

    notes = [f"分值：{_points_text(points)}。得分 = 分值合计 ÷ 有效票，四舍五入保留两位小数。"]
    return _table(PUBLIC_VOTE, table, notes)


def _hotline_sheet(sheet: ScoreSheet, rows) -> _Layout:
    titles = ["部门（单位）", "评议期工单量", "上年同期工单量", "已评价", "满意", "基本满意"]
    titles += ["不满意", "满意率", "工单量变化率", "满意率得分", "工单量得分", "得分", "低样本"]
    formats = dict.fromkeys(range(1, 7), INTEGER)
    formats.update({7: RATE, 8: RATE, 9: DETAIL, 10: DETAIL, 11: SCORE})

    def table() -> Iterator[_Row]:
        yield _header(titles)
        for row in rows:
            h = _detail(row, "hotline")
            values = [
                row.department_name,
                *[h.get(key) for key in ("n_window", "n_baseline", "rated")],
                *[h.get(key) for key in ("satisfied", "basic", "dissatisfied")],
                *[_shown(_d(h.get(key))) for key in ("rate", "change", "s", "t")],
                _component(row, "hotline"),
                "是" if h.get("low_sample") else "",
            ]
            cells = _values(values, formats)
            cells[-1].alignment = TOP_CENTER
            yield _Row(cells)

    settings = _snapshot(sheet)
    flat = _fmt(settings.get("hotline_volume_flat_score", 80))
    factor = _fmt(settings.get("hotline_change_factor", 100))
    s_weight = _fmt(settings.get("hotline_s_weight", "0.7"))
    t_weight = _fmt(settings.get("hotline_t_weight", "0.3"))
    low = _fmt(settings.get("hotline_low_sample_threshold", 30))
    notes = [
        "满意率 = （满意 + 基本满意）÷ 已评价；工单量变化率 = （评议期工单量 − 上年同期工单量）"
        "÷ 上年同期工单量（上年同期为 0 时记为 0）。",
        f"满意率得分 = 100 × 满意率；工单量得分 = min(100, max(0, {flat} − {factor} × "
        f"工单量变化率))；得分 = {s_weight} × 满意率得分 + {t_weight} × 工单量得分，"
        "四舍五入保留两位小数（满意率得分、工单量得分未取整，显示至多 4 位小数）。",
        f"低样本：已评价工单少于 {low} 件，得分照算，满意率仅供参考。",
    ]
    return _table(HOTLINE, table, notes)


def _versions_sheet(sheet: ScoreSheet) -> _Layout:
    """Version and correction note, and every published version (as the public page)."""
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

    def table() -> Iterator[_Row]:
        for line in lines:
            yield _Row([_Cell(value, alignment=WRAP) for value in line])

    return _Layout(VERSIONS, table, widths=[24, 80])


def _text(value) -> str:
    return MISSING if value is None else f"{value}"
