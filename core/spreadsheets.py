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

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL_COLOR = "FBEAE8"
# Columns at least this wide wrap their text and align it to the top.
WRAP_WIDTH = 40


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


@dataclass
class Sheet:
    """A table: a bold, tinted header row (frozen, with filters) over rows of values."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = field(default_factory=list)


def workbook_bytes(sheets: Iterable[Sheet | tuple]) -> bytes:
    """The XLSX of these tables. Rows are streamed (write-only workbook): 100,000 rows of
    rejected hotline tickets never sit in memory as cell objects. A sheet may be given as a
    `Sheet` or as a (title, headers, rows, widths) tuple."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL_COLOR)
    wrap = Alignment(wrap_text=True, vertical="top")
    for spec in sheets:
        if not isinstance(spec, Sheet):
            spec = Sheet(*spec)
        sheet = workbook.create_sheet(spec.title)
        wrapped = set()
        for column, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
            if width >= WRAP_WIDTH:
                wrapped.add(column - 1)
        sheet.freeze_panes = "A2"
        header = []
        for title in spec.headers:
            cell = cell_set(WriteOnlyCell(sheet), title)
            cell.font, cell.fill = header_font, header_fill
            header.append(cell)
        sheet.append(header)
        count = 1
        for values in spec.rows:
            count += 1
            cells = []
            for index, value in enumerate(values):
                cell = cell_set(WriteOnlyCell(sheet), value)
                if index in wrapped:
                    cell.alignment = wrap
                cells.append(cell)
            sheet.append(cells)
        last = get_column_letter(max(len(spec.headers), 1))
        sheet.auto_filter.ref = f"A1:{last}{count}"
    return workbook_save(workbook)
