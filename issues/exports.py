"""Excel workbooks for staff: Chinese headers, frozen header row, filters on.

Citizen text is written as a string cell whatever it starts with: openpyxl turns a value
starting with "=" into a formula, and Excel treats "+", "-" and "@" as formula starts too
(formula injection). Every text cell is forced to the string type, and text that starts with
one of those characters also gets Excel's quotePrefix style (what typing a leading apostrophe
does), so Excel shows it as typed and never evaluates it, even after the cell is edited."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.spreadsheets import FORMULA_STARTS

HEADER_FILL = PatternFill("solid", fgColor="FBEAE8")


def workbook_bytes(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence], Sequence[int]]],
) -> bytes:
    """sheets: (title, headers, rows, column widths)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows, widths in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
        count = 1
        for row in rows:
            count += 1
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=count, column=column)
                if isinstance(value, str):
                    cell.value = value
                    cell.data_type = TYPE_STRING  # never "f", whatever the text starts with
                    if value.startswith(FORMULA_STARTS):
                        cell.quotePrefix = True
                else:
                    cell.value = value
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count}"
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
            if width >= 40:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
