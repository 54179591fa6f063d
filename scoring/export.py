"""Excel score workbook (openpyxl) of one version: a summary sheet, 计算说明, the detail
sheets of the five components and 版本说明.

Printed and filed, the workbook explains itself: every sheet is set up to print
(`core.spreadsheets.print_setup`: A4, fitted to the page width, header rows repeated, the
campaign and sheet in the page header, version, publication date and page numbers in the
footer), columns are fitted to what they show so no number prints as "###", and the
settings, digests and the 计算过程 lines of the web page are on the 计算说明 sheet.

Numbers are written as numbers (Decimal → the cell's value equals the sheet's to the cent)
with number formats (0.00 for scores, percentages for rates); a missing value is the text
"—（reason）". Every text cell goes through `core.spreadsheets.cell_write`, so nothing typed
by a user (a department name, a comment) can become a live formula in Excel."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.timezone import localtime
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.spreadsheets import (
    INTEGER,
    SCORE,
    PrintInfo,
    cell_set,
    cell_write,
    fit_row_heights,
    print_setup,
    sheet_fitted_widths,
    workbook_save,
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


def _header(ws, row: int, titles: list[str]) -> None:
    for col, title in enumerate(titles, 1):
        cell = cell_write(ws, row, col, title)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, HEADER_ALIGN


def _values(ws, row: int, values: list, formats: dict[int, str] | None = None) -> list:
    """One row of values; numbers get the format of their column (index from 0), text in a
    column of numbers is aligned with them."""
    cells = []
    for col, value in enumerate(values, 1):
        cell = cell_write(ws, row, col, value)
        number_format = (formats or {}).get(col - 1)
        cell.alignment = TOP_RIGHT if number_format and isinstance(value, str) else TOP
        if number_format and isinstance(value, int | Decimal) and not isinstance(value, bool):
            cell.number_format = number_format
        cells.append(cell)
    return cells


def _note(ws, row: int, text: str, columns: int) -> None:
    """A legend line under a table: merged across the table, wrapped."""
    cell = cell_write(ws, row, 1, text)
    cell.alignment = WRAP
    if columns > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)


def _notes(ws, row: int, lines: list[str], widths: list[float]) -> None:
    for offset, text in enumerate(lines):
        _note(ws, row + offset, text, len(widths))


def _finish(ws, info: PrintInfo, *, header_row: int, notes: list[str], given=None, skip=(), cap=16):
    """Fit the columns, add the legend under the table and set the sheet up to print."""
    last = ws.max_row
    widths = sheet_fitted_widths(
        ws, skip_rows=skip, header_rows=[header_row], header_cap=cap, given=given or {}
    )
    _notes(ws, last + 2, notes, widths)
    fit_row_heights(ws, widths)
    print_setup(ws, info, widths, title_rows=f"{header_row}:{header_row}")
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2).coordinate


# --- the workbook -------------------------------------------------------------------------------


def workbook_for(sheet: ScoreSheet) -> Workbook:
    rows = ordered_rows(sheet)
    info = print_info(sheet)
    wb = Workbook()
    _summary_sheet(wb.active, sheet, rows, info)
    _explained_sheet(wb, sheet, rows, info)
    _committee_sheet(wb, sheet, rows, info)
    _survey_sheet(wb, sheet, rows, info)
    _public_vote_sheet(wb, sheet, rows, info)
    _hotline_sheet(wb, sheet, rows, info)
    _versions_sheet(wb, sheet, info)
    return wb


def workbook_bytes(sheet: ScoreSheet) -> bytes:
    return workbook_save(workbook_for(sheet))


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


def _summary_sheet(ws, sheet: ScoreSheet, rows, info: PrintInfo) -> None:
    ws.title = SUMMARY
    weights = _mapping(_snapshot(sheet), "weights")
    state = "已公布" if sheet.is_published else "未公布"
    titles = ["排名", "批次内排名", "批次", "部门（单位）"]
    titles += [f"{c.label}（权重 {_fmt(weights.get(str(c)))}）" for c in Component]
    titles += ["综合得分", "缺少", "热线低样本"]
    cell_set(ws["A1"], f"{sheet.campaign.title}综合得分（第 {sheet.version} 版，{state}）")
    ws["A1"].font = Font(bold=True, size=14)
    ws.row_dimensions[1].height = 24
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(titles))
    _header(ws, 2, titles)
    formats = {0: INTEGER, 1: INTEGER, **dict.fromkeys(range(4, 10), SCORE)}
    for r, row in enumerate(rows, 3):
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
        cells = _values(ws, r, values, formats)
        if row.composite is None:
            for cell in cells:
                cell.fill = INCOMPLETE_FILL
        cells[10].alignment = WRAP
        for cell in (cells[0], cells[1], cells[11]):
            cell.alignment = TOP_CENTER
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
    _finish(ws, info, header_row=2, notes=notes, skip=[1], given=given, cap=12)
    ws.freeze_panes = "E3"


def _explained_sheet(wb, sheet: ScoreSheet, rows, info: PrintInfo) -> None:
    """Settings, digests and per department the 计算过程 lines the web page shows (the
    explanation stored with each row when the version was computed)."""
    ws = wb.create_sheet(EXPLAINED)
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
    _header(ws, 1, ["项目", "内容"])
    r = 2
    for title, text in lines:
        for cell in _values(ws, r, [title, text]):
            cell.alignment = WRAP
        r += 1
    r += 1
    heading = cell_write(ws, r, 1, "计算过程")
    heading.font = Font(bold=True, size=12)
    r += 1
    for row in rows:
        for number, line in enumerate(row.explanation or [], 0):
            _values(ws, r, [row.department_name if number == 0 else "", line])
            ws.cell(row=r, column=1).font = BOLD
            ws.cell(row=r, column=1).alignment = ws.cell(row=r, column=2).alignment = WRAP
            r += 1
    # Portrait, slightly scaled to the page width: some 55 lines a page.
    widths = sheet_fitted_widths(ws, given={0: 26, 1: 84})
    fit_row_heights(ws, widths)
    print_setup(ws, info, widths, title_rows="1:1", landscape=False)
    ws.freeze_panes = "A2"


def _quorum_text(rule: str) -> str:
    try:
        label = Quorum(rule).label
    except ValueError:
        label = rule
    return (
        f"电子表决测评须{label}评分方计入（不设法定人数时不检查）" if rule != Quorum.NONE else label
    )


def _committee_sheet(wb, sheet: ScoreSheet, rows, info: PrintInfo) -> None:
    ws = wb.create_sheet(COMMITTEE)
    width = max((len(_detail(r, "committee").get("scores", [])) for r in rows), default=0)
    titles = ["部门（单位）", *[f"评分{n}" for n in range(1, width + 1)]]
    titles += ["应到人数", "评分个数", "计入个数", "计入分数之和", "得分"]
    _header(ws, 1, titles)
    formats = dict.fromkeys(range(1, width + 1), SCORE)
    formats.update({width + 1: INTEGER, width + 2: INTEGER, width + 3: INTEGER})
    formats.update({width + 4: SCORE, width + 5: SCORE})
    for r, row in enumerate(rows, 2):
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
        cells = _values(ws, r, values, formats)
        # Anonymous: scores sorted, numbered per row, never linked to a member.
        for position in dropped:
            cells[1 + position].font, cells[1 + position].fill = DROPPED_FONT, DROPPED_FILL
    threshold = _fmt(_snapshot(sheet).get("trim_threshold", 7))
    notes = [
        f"灰底删除线：去掉的一个最高分和一个最低分（评分达到 {threshold} 个时），不计入得分。",
        "每行的评分按从低到高排列，评分序号不对应具体委员。",
        "得分 = 计入分数之和 ÷ 计入个数，四舍五入保留两位小数；"
        "评分人数未达法定人数时本项不计分（见“计算说明”）。",
    ]
    _finish(ws, info, header_row=1, notes=notes)


def _survey_sheet(wb, sheet: ScoreSheet, rows, info: PrintInfo) -> None:
    ws = wb.create_sheet(SURVEY)
    points = _points(sheet)
    titles = ["部门（单位）", "组别", "满意", "基本满意", "不满意", "人数", "分值合计"]
    titles += ["组别平均分（未取整）", "组别权重", "权重 × 平均分", "得分"]
    _header(ws, 1, titles)
    formats = {2: INTEGER, 3: INTEGER, 4: INTEGER, 5: INTEGER, 6: DETAIL, 7: MEAN}
    formats.update({8: DETAIL, 9: MEAN, 10: SCORE})
    r = 2
    for row in rows:
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
            _values(ws, r, values, formats)
            r += 1
        total_row = [row.department_name, "加权平均", *[None] * 6]
        total_row += [weight_sum or None, _shown(weighted_sum) if weight_sum else None]
        total_row.append(_component(row, "survey"))
        for cell in _values(ws, r, total_row, formats):
            cell.font = BOLD
        r += 1
    notes = [
        f"分值：{_points_text(points)}。组别平均分 = 分值合计 ÷ 人数（显示 6 位小数，未取整）。",
        "得分 = Σ（组别权重 × 组别平均分）÷ Σ 组别权重，只在最后四舍五入保留两位小数；"
        "没有评价或权重为 0 的组别不计入。",
    ]
    _finish(ws, info, header_row=1, notes=notes)


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


def _public_vote_sheet(wb, sheet: ScoreSheet, rows, info: PrintInfo) -> None:
    ws = wb.create_sheet(PUBLIC_VOTE)
    points = _points(sheet)
    _header(ws, 1, ["部门（单位）", "满意", "基本满意", "不满意", "有效票", "分值合计", "得分"])
    formats = {1: INTEGER, 2: INTEGER, 3: INTEGER, 4: INTEGER, 5: DETAIL, 6: SCORE}
    for r, row in enumerate(rows, 2):
        pv = _detail(row, "public_vote")
        counts = pv.get("counts", {})
        points_sum = _points_sum(points, counts)
        values = [
            row.department_name,
            *[counts.get(str(rating), 0) for rating in Rating],
            pv.get("total", 0),
            points_sum,
            _component(row, "public_vote"),
        ]
        _values(ws, r, values, formats)
    notes = [f"分值：{_points_text(points)}。得分 = 分值合计 ÷ 有效票，四舍五入保留两位小数。"]
    _finish(ws, info, header_row=1, notes=notes)


def _hotline_sheet(wb, sheet: ScoreSheet, rows, info: PrintInfo) -> None:
    ws = wb.create_sheet(HOTLINE)
    titles = ["部门（单位）", "评议期工单量", "上年同期工单量", "已评价", "满意", "基本满意"]
    titles += ["不满意", "满意率", "工单量变化率", "满意率得分", "工单量得分", "得分", "低样本"]
    _header(ws, 1, titles)
    formats = dict.fromkeys(range(1, 7), INTEGER)
    formats.update({7: RATE, 8: RATE, 9: DETAIL, 10: DETAIL, 11: SCORE})
    for r, row in enumerate(rows, 2):
        h = _detail(row, "hotline")
        values = [
            row.department_name,
            *[h.get(key) for key in ("n_window", "n_baseline", "rated")],
            *[h.get(key) for key in ("satisfied", "basic", "dissatisfied")],
            *[_shown(_d(h.get(key))) for key in ("rate", "change", "s", "t")],
            _component(row, "hotline"),
            "是" if h.get("low_sample") else "",
        ]
        _values(ws, r, values, formats)[-1].alignment = TOP_CENTER
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
    _finish(ws, info, header_row=1, notes=notes)


def _versions_sheet(wb, sheet: ScoreSheet, info: PrintInfo) -> None:
    """Version and correction note, and every published version (as the public page)."""
    ws = wb.create_sheet(VERSIONS)
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
            cell_write(ws, r, col, value).alignment = WRAP
    widths = [24, 80]
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    fit_row_heights(ws, widths)
    print_setup(ws, info, widths, title_rows=None)


def _text(value) -> str:
    return MISSING if value is None else f"{value}"
