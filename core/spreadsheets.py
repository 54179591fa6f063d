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
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from .xlsxstream import rows_xml, xml_text

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
    text = value if isinstance(value, str) else str(value)
    room = width - 1.5
    if len(text) * CJK_PRINT_WIDTH <= room and not _LINE_BREAK.search(text):
        return 1  # fits whatever its characters: the common case, decided without counting
    total = 0
    for line in text.splitlines() or [""]:
        # Summed in order, as floats, like the character-by-character sum this replaces.
        shown = float(len(line)) if line.isascii() else sum(map(_WIDTHS.__getitem__, line))
        total += max(1, math.ceil(shown / room))
    return total


class _PrintWidths(dict):
    """Character -> its printed width (CJK_PRINT_WIDTH if East Asian wide or full-width, else
    1.0), worked out once per distinct character: wrapped_lines runs once per row of a
    50,000-row export."""

    def __missing__(self, ch: str) -> float:
        self[ch] = width = CJK_PRINT_WIDTH if unicodedata.east_asian_width(ch) in "WF" else 1.0
        return width


_WIDTHS = _PrintWidths()
# What str.splitlines() splits on.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def workbook_write(
    sheets: Iterable[Sheet | tuple],
    info: PrintInfo | None,
    target: IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the XLSX of these tables, set up to print (see print_setup), into `target` (a
    binary file object) as the rows come (core.xlsxstream): 100,000 rows never sit in memory;
    only the first FIT_SAMPLE_ROWS of a sheet are held, to fit the column widths. A sheet
    may be given as a `Sheet` or as a (title, headers, rows, widths) tuple. `progress` gets
    the number of rows written so far every few thousand rows. Returns the rows written."""
    from .xlsxstream import WorkbookWriter

    writer = WorkbookWriter(target, header_fill=HEADER_FILL_COLOR)
    total = 0
    for position, spec in enumerate(sheets):
        done = total
        total += _sheet_write(
            writer,
            position,
            spec if isinstance(spec, Sheet) else Sheet(*spec),
            info or PrintInfo(),
            (lambda count: progress(done + count)) if progress else None,  # noqa: B023
        )
    writer.close()
    if progress:
        progress(total)
    return total


class _TableLayout:
    """A sheet's columns once its widths are known: which wrap, their cell formats, and the
    height a row needs for its wrapped text."""

    def __init__(self, styles: Any, spec: Sheet, widths: list[int]) -> None:
        self.styles, self.spec, self.widths = styles, spec, widths
        self.wrapped = [index for index, width in enumerate(widths) if width >= WRAP_WIDTH]
        # The rows of a sheet with wrapped text align to the top, so a tall row reads across.
        self.align = "top" if self.wrapped else ""

    def column(self, index: int) -> Any:
        from .xlsxstream import Column

        wrap = index < len(self.widths) and self.widths[index] >= WRAP_WIDTH
        alignment = "wrap" if wrap else self.align
        return Column(self.styles, index, alignment, self.spec.formats.get(index))

    def height(self, values: Sequence[Any]) -> int | None:
        widths = self.widths
        count = max(
            (wrapped_lines(values[i], widths[i]) for i in self.wrapped if i < len(values)),
            default=1,
        )
        return count * LINE_HEIGHT if count > 1 else None


def _sheet_write(
    writer: Any, position: int, spec: Sheet, info: PrintInfo, progress: Callable | None
) -> int:
    from .xlsxstream import SheetPart, column_letter, print_xml

    styles = writer.styles
    rows = iter(spec.rows)
    sample = list(itertools.islice(rows, FIT_SAMPLE_ROWS))
    widths = fitted_widths(spec.headers, sample, spec.formats, spec.widths)
    layout = _TableLayout(styles, spec, widths)
    landscape = sum(widths) > PORTRAIT_WIDTH if spec.landscape is None else spec.landscape
    head = " · ".join(part for part in (info.campaign, spec.title) if part)
    foot = " · ".join(part for part in (info.version, info.frozen) if part)
    out = writer.sheet(spec.title)
    part = SheetPart(
        out,
        widths=widths,
        print_xml=print_xml(landscape=landscape, header=_hf_text(head), footer_left=_hf_text(foot)),
    )
    header_xf = styles.xf(bold=True, fill=True, alignment="header")
    header_quoted = styles.xf(bold=True, fill=True, alignment="header", quote=True)
    cells = []
    for index, title in enumerate(spec.headers):
        style = header_quoted if str(title).startswith(FORMULA_STARTS) else header_xf
        ref = f"{column_letter(index + 1)}1"
        text = xml_text(str(title))
        cells.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{text}</t></is></c>')
    lines = max(
        (wrapped_lines(t, w) for t, w in zip(spec.headers, widths, strict=False)), default=1
    )
    tall = f' ht="{lines * LINE_HEIGHT}" customHeight="1"' if lines > 1 else ""
    part.write_rows([f'<row r="1"{tall}>{"".join(cells)}</row>'])
    written = rows_xml(
        [layout.column(index) for index in range(len(widths))],
        itertools.chain(sample, rows),
        first_row=2,
        more=layout.column,
        height=layout.height if layout.wrapped else None,
        sink=part.write_rows,
        progress=progress,
    )
    part.max_column = max(len(spec.headers), 1)
    part.rows = written + 1
    part.close()
    out.close()
    last = column_letter(part.max_column)
    writer.define_names(position, title_rows="1:1", filter_ref=f"$A$1:${last}${written + 1}")
    return written


def workbook_bytes(sheets: Iterable[Sheet | tuple], info: PrintInfo | None = None) -> bytes:
    """The XLSX of these tables (workbook_write) as bytes: for small workbooks; large ones
    are written to a file (core.exportjobs)."""
    buffer = io.BytesIO()
    workbook_write(sheets, info, buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- sheets laid out by hand
def shown_width(value: Any, number_format: str | None = None) -> int:
    """Like display_width, for any number format with decimals ("0.000000", "0.00##",
    "0.00%", literals in quotes): the widest text the cell can show."""
    numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    if not numeric or not number_format or number_format == "General":
        return display_width(value, number_format)

    code = number_format.split(";")[0]
    literal = "".join(re.findall(r'"([^"]*)"', code))
    code = re.sub(r'"[^"]*"', "", code)
    decimals = len(re.findall(r"[0#]", code.split(".", 1)[1])) if "." in code else 0
    percent = "%" in code
    number = float(value) * (100 if percent else 1)
    grouping = "," if "," in code else ""
    text = f"{number:{grouping}.{decimals}f}" + ("%" if percent else "") + literal
    return display_width(text)


def exported_info(campaign: str = "", *, frozen: str = "", now: Any = None) -> PrintInfo:
    """PrintInfo of a live export (data that may still change): the footer names the export
    time "导出于 YYYY-MM-DD HH:MM" (local time), beside a frozen/published date if any."""
    from django.utils import timezone

    stamp = timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d %H:%M")
    return PrintInfo(campaign=campaign, version=f"导出于 {stamp}", frozen=frozen)
