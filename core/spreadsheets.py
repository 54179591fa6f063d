"""Spreadsheets pingyi hands out: the one workbook writer and its formula neutralising.

Text typed by someone outside (a suggestion, a hotline ticket, a department's measure, a
department's name) must never run as a formula when staff open the file. Excel treats a cell
starting with = + - @ (or a tab or carriage return, which it strips before looking again) as
a formula. One strategy for every XLSX pingyi writes: a text cell is stored with the string
type, never "f", whatever it starts with, and text that starts with one of those characters
also gets Excel's quotePrefix style (what typing a leading apostrophe does). The value stays
exactly as typed, so a file staff correct and import again holds the original text, and
Excel shows it as text even after the cell is edited.

CSV has no cell types: there the only defence is a visible apostrophe in front
(`safe_text`), which Excel hides on opening."""

from __future__ import annotations

import datetime
import io
import itertools
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL_COLOR = "FBEAE8"
# Columns at least this wide wrap their text and align it to the top.
WRAP_WIDTH = 40
# Number formats, by meaning (Excel codes; LibreOffice reads them the same way).
SCORE = "0.00"
PERCENT = "0.0%"
INTEGER = "0"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
# Width (in Excel character units) a sheet may take before it prints landscape: an A4
# portrait page holds about 90 units of 11-point text between its margins.
PORTRAIT_WIDTH = 90
# Auto-fitted columns never go wider than this; longer text wraps.
MAX_FIT_WIDTH = 60
# How many rows auto-fitting looks at before streaming the rest.
FIT_SAMPLE_ROWS = 500


def safe_text(value: Any) -> str:
    """`value` as CSV text that Excel will not evaluate (an apostrophe in front)."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value: Any) -> Any:
    """A CSV cell: numbers, dates and None as they are, text through safe_text()."""
    if value is None or not isinstance(value, str):
        return value
    return safe_text(value)


def cell_set(cell: Any, value: Any) -> Any:
    """Write `value` into an openpyxl cell (normal or write-only) with the neutralising rule
    above; numbers, Decimals, dates and None go in as they are. Returns the cell."""
    from openpyxl.cell.cell import TYPE_STRING

    cell.value = value
    if isinstance(value, str):
        cell.data_type = TYPE_STRING  # never "f", whatever the text starts with
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def cell_write(sheet: Any, row: int, column: int, value: Any) -> Cell:
    """`sheet.cell(row, column)` set through cell_set(), for sheets laid out cell by cell."""
    return cell_set(sheet.cell(row=row, column=column), value)


def workbook_save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ printing
@dataclass(frozen=True)
class PrintInfo:
    """What every printed page of a workbook names: the campaign in the header, the version
    and frozen (published) date in the footer, beside "第 &P 页 共 &N 页"."""

    campaign: str = ""
    version: str = ""  # "第 2 版", "草稿（未发布）", "导出 2021-12-30 10:02"
    frozen: str = ""  # "定稿 2021-12-30"; empty when nothing is frozen


def _hf_text(text: str) -> str:
    """Header/footer text: & starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")


def display_width(value: Any, number_format: str | None = None) -> int:
    """How many character cells `value` takes when shown: CJK characters count two. The
    widest line counts for text with line breaks."""
    if value is None:
        return 0
    if isinstance(value, bool):
        text = "TRUE"
    elif isinstance(value, float | Decimal | int):
        if number_format == PERCENT:
            text = f"{float(value) * 100:.1f}%"
        elif number_format == SCORE:
            text = f"{float(value):,.2f}"
        else:
            text = f"{value:,}" if isinstance(value, int) else f"{float(value):,.2f}"
    elif isinstance(value, datetime.datetime):
        text = "2021-01-01 00:00"
    elif isinstance(value, datetime.date):
        text = "2021-01-01"
    else:
        text = str(value)
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        for line in text.splitlines() or [""]
    )


def fitted_widths(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Mapping[int, str] | None = None,
    given: Sequence[int] = (),
) -> list[int]:
    """Column widths that fit the header and the values (no "###"), capped at MAX_FIT_WIDTH;
    a width in `given` wins for its column (0 or None there: fitted like the rest)."""
    formats = formats or {}
    widths = [display_width(title) for title in headers]
    for values in rows:
        for index, value in enumerate(values):
            width = display_width(value, formats.get(index))
            if index >= len(widths):
                widths.append(width)
            elif width > widths[index]:
                widths[index] = width
    fitted = [min(max(width + 2, 6), MAX_FIT_WIDTH) for width in widths]
    for index, width in enumerate(given):
        if width and index < len(fitted):
            fitted[index] = width
    return fitted


def print_setup(
    sheet: Any,
    info: PrintInfo | None,
    widths: Sequence[float] = (),
    *,
    title_rows: str | None = "1:1",
    landscape: bool | None = None,
) -> None:
    """Page setup for `sheet` (normal or write-only, before its rows are written): A4, fitted
    to the page width, landscape when `widths` add up to more than a portrait page holds (or
    as `landscape` says), `title_rows` repeated on every page, header "campaign · sheet",
    footer "version · frozen" and "第 &P 页 共 &N 页"."""
    if landscape is None:
        landscape = sum(widths) > PORTRAIT_WIDTH
    setup = sheet.page_setup
    setup.paperSize = 9  # A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.left = margins.right = 0.5
    margins.top = margins.bottom = 0.75
    margins.header = margins.footer = 0.3
    if title_rows:
        sheet.print_title_rows = title_rows
    info = info or PrintInfo()
    head = " · ".join(part for part in (info.campaign, sheet.title) if part)
    sheet.oddHeader.center.text = _hf_text(head)
    sheet.oddHeader.center.size = 10
    foot = " · ".join(part for part in (info.version, info.frozen) if part)
    sheet.oddFooter.left.text = _hf_text(foot)
    sheet.oddFooter.left.size = 9
    sheet.oddFooter.right.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.right.size = 9


@dataclass
class Sheet:
    """A table: a bold, tinted header row (frozen, with filters, repeated on every printed
    page) over rows of values. `widths` fixes column widths (the rest are fitted to the first
    FIT_SAMPLE_ROWS rows); `formats` gives number formats by column index (SCORE, PERCENT,
    …); `landscape` overrides the orientation worked out from the widths."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = field(default_factory=list)
    formats: Mapping[int, str] = field(default_factory=dict)
    landscape: bool | None = None


# Points per printed line of 11-point text in a wrapped cell: Noto Sans CJK, which
# LibreOffice falls back to for Chinese, sets 11-point lines about 15.9 points apart.
LINE_HEIGHT = 16
# Printed width of a CJK character in Excel units as LibreOffice and Excel render 11-point
# text (measured: 12 characters fill a column 20 wide in LibreOffice; Excel's are a bit
# wider), used to guess how many lines wrapped text takes.
CJK_PRINT_WIDTH = 1.8


def wrapped_lines(value: Any, width: float) -> int:
    """How many lines `value` takes when wrapped in a column `width` units wide."""
    if value is None or width <= 2:
        return 1
    total = 0
    for line in str(value).splitlines() or [""]:
        shown = sum(
            CJK_PRINT_WIDTH if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in line
        )
        total += max(1, math.ceil(shown / (width - 1.5)))
    return total


def _row_height(
    sheet: Any, row: int, values: Sequence[Any], widths: Sequence[float], wrapped: Iterable[int]
) -> None:
    """Give row `row` the height its wrapped cells need. LibreOffice (7.4) keeps the default
    height of a row without one when it opens an .xlsx, so a wrapped long text would print
    its first line only; Excel shows the same height."""
    from openpyxl.worksheet.dimensions import RowDimension

    lines = max(
        (wrapped_lines(values[i], widths[i]) for i in wrapped if i < len(values)), default=1
    )
    if lines > 1:
        sheet.row_dimensions[row] = RowDimension(sheet, index=row, ht=lines * LINE_HEIGHT)


def workbook_bytes(sheets: Iterable[Sheet | tuple], info: PrintInfo | None = None) -> bytes:
    """The XLSX of these tables, set up to print (see print_setup). Rows are streamed
    (write-only workbook): 100,000 rows of rejected hotline tickets never sit in memory as
    cell objects; only the first FIT_SAMPLE_ROWS are looked at twice to fit the widths. A
    sheet may be given as a `Sheet` or as a (title, headers, rows, widths) tuple."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL_COLOR)
    header_align = Alignment(wrap_text=True, vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")  # beside wrapped text, so a tall row reads across
    for spec in sheets:
        if not isinstance(spec, Sheet):
            spec = Sheet(*spec)
        sheet = workbook.create_sheet(spec.title)
        rows = iter(spec.rows)
        sample = list(itertools.islice(rows, FIT_SAMPLE_ROWS))
        widths = fitted_widths(spec.headers, sample, spec.formats, spec.widths)
        wrapped = set()
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
            if width >= WRAP_WIDTH:
                wrapped.add(column - 1)
        print_setup(sheet, info, widths, landscape=spec.landscape)
        sheet.freeze_panes = "A2"
        header = []
        for title in spec.headers:
            cell = cell_set(WriteOnlyCell(sheet), title)
            cell.font, cell.fill, cell.alignment = header_font, header_fill, header_align
            header.append(cell)
        _row_height(sheet, 1, spec.headers, widths, range(len(widths)))
        sheet.append(header)
        count = 1
        for values in itertools.chain(sample, rows):
            count += 1
            if wrapped:
                _row_height(sheet, count, values, widths, wrapped)
            cells = []
            for index, value in enumerate(values):
                cell = cell_set(WriteOnlyCell(sheet), value)
                if index in wrapped:
                    cell.alignment = wrap
                elif wrapped:
                    cell.alignment = top
                number_format = spec.formats.get(index)
                if number_format and value is not None and not isinstance(value, str):
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
            sheet.row_dimensions.pop(count, None)  # written: keep no per-row objects
        last = get_column_letter(max(len(spec.headers), 1))
        sheet.auto_filter.ref = f"A1:{last}{count}"
    return workbook_save(workbook)


# ---------------------------------------------------------------- sheets laid out by hand
def shown_width(value: Any, number_format: str | None = None) -> int:
    """Like display_width, for any number format with decimals ("0.000000", "0.00##",
    "0.00%", literals in quotes): the widest text the cell can show."""
    numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    if not numeric or not number_format or number_format == "General":
        return display_width(value, number_format)
    import re

    code = number_format.split(";")[0]
    literal = "".join(re.findall(r'"([^"]*)"', code))
    code = re.sub(r'"[^"]*"', "", code)
    decimals = len(re.findall(r"[0#]", code.split(".", 1)[1])) if "." in code else 0
    percent = "%" in code
    number = float(value) * (100 if percent else 1)
    grouping = "," if "," in code else ""
    text = f"{number:{grouping}.{decimals}f}" + ("%" if percent else "") + literal
    return display_width(text)


def sheet_fitted_widths(
    sheet: Any,
    *,
    skip_rows: Iterable[int] = (),
    header_rows: Iterable[int] = (),
    header_cap: int = 16,
    given: Mapping[int, float] | None = None,
) -> list[float]:
    """Fit the column widths of a sheet written cell by cell (normal mode) to what its cells
    show, number formats included, so no number prints as "###"; sets them and returns them
    (for print_setup). Rows in `skip_rows` (titles, merged notes) do not count; cells of
    `header_rows` count at most `header_cap` (headers wrap); merged cells never count;
    `given` (column index from 0 -> width) wins."""
    from openpyxl.utils import get_column_letter

    skip, headers, given = set(skip_rows), set(header_rows), dict(given or {})
    merged = {
        (row, col)
        for ranges in sheet.merged_cells.ranges
        for row, col in itertools.product(
            range(ranges.min_row, ranges.max_row + 1), range(ranges.min_col, ranges.max_col + 1)
        )
    }
    widths = [0] * sheet.max_column
    for row in sheet.iter_rows():
        for cell in row:
            if cell.row in skip or (cell.row, cell.column) in merged or cell.value is None:
                continue
            width = shown_width(cell.value, cell.number_format)
            if cell.row in headers:
                width = min(width, header_cap)
            widths[cell.column - 1] = max(widths[cell.column - 1], width)
    fitted: list[float] = [float(min(max(width + 2, 6), MAX_FIT_WIDTH)) for width in widths]
    for index, fixed in given.items():
        if index < len(fitted):
            fitted[index] = fixed
    for column, fit in enumerate(fitted, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = fit
    return fitted


def fit_row_heights(sheet: Any, widths: Sequence[float]) -> None:
    """Set the height of every row holding wrapped text (merged cells across their columns)
    to the lines it needs: neither LibreOffice nor Excel sizes rows of a generated file, so
    without this a wrapped cell prints one line and hides the rest."""
    spans = {
        (ranges.min_row, ranges.min_col): sum(widths[ranges.min_col - 1 : ranges.max_col])
        for ranges in sheet.merged_cells.ranges
    }
    for row in sheet.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            key = (cell.row, cell.column)
            width = spans.get(key) or (widths[cell.column - 1] if cell.column <= len(widths) else 0)
            lines = max(lines, wrapped_lines(cell.value, width))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


def exported_info(campaign: str = "", *, frozen: str = "", now: Any = None) -> PrintInfo:
    """PrintInfo of a live export (data that may still change): the footer names the export
    time "导出于 YYYY-MM-DD HH:MM" (local time), beside a frozen/published date if any."""
    from django.utils import timezone

    stamp = timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d %H:%M")
    return PrintInfo(campaign=campaign, version=f"导出于 {stamp}", frozen=frozen)
