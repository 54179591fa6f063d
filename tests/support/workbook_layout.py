"""Everything a workbook shows and prints, read back with openpyxl into plain data, so two
workbooks built differently (normal and write-only openpyxl) can be compared property by
property: cell values and types, number formats, fonts, fills, alignments, borders,
quotePrefix, merged ranges, column widths, row heights, freeze panes, print titles and
area, page setup, margins, header/footer and defined names.

    layout = workbook_layout(path_or_bytes)
    layout = normalised(layout, {r"\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}": "YYYY-MM-DD HH:MM"})

Styles are named by a short signature (font, fill, …), so a difference reads as what
changed, not as an index into cellXfs (which may be numbered differently)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook


def _colour(colour: Any) -> str | None:
    if colour is None:
        return None
    if colour.type == "rgb":
        return str(colour.rgb)
    return f"{colour.type}:{colour.value}"


def _font(font: Any) -> list:
    return [
        font.name,
        font.sz,
        bool(font.b),
        bool(font.i),
        bool(font.strike),
        font.u,
        _colour(font.color),
    ]


def _fill(fill: Any) -> list:
    return [fill.fill_type, _colour(fill.fgColor), _colour(fill.bgColor)]


def _alignment(al: Any) -> list:
    return [al.horizontal, al.vertical, bool(al.wrap_text), al.indent, al.text_rotation]


def _border(border: Any) -> list:
    return [
        [side.style, _colour(side.color)]
        for side in (border.left, border.right, border.top, border.bottom)
    ]


def _value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is not None and not isinstance(value, str | int | float | bool):
        return str(value)
    return value


def _sheet(ws: Any, styles: dict[str, int]) -> dict:
    cells = {}
    for row in ws.iter_rows():
        for cell in row:
            if type(cell).__name__ == "MergedCell":
                continue
            style = json.dumps(
                {
                    "font": _font(cell.font),
                    "fill": _fill(cell.fill),
                    "alignment": _alignment(cell.alignment),
                    "border": _border(cell.border),
                    "number_format": cell.number_format,
                    "quote": bool(cell.quotePrefix),
                },
                ensure_ascii=False,
                sort_keys=True,
            )
            key = styles.setdefault(style, len(styles))
            if cell.value is None and key == 0:
                continue  # an empty cell with a style of its own still shows (a fill)
            cells[cell.coordinate] = [_value(cell.value), cell.data_type, key]
    setup = ws.page_setup
    margins = ws.page_margins
    hf = ws.HeaderFooter
    parts = {}
    for name in ("oddHeader", "oddFooter"):
        item = getattr(hf, name)
        for side in ("left", "center", "right"):
            part = getattr(item, side)
            parts[f"{name}.{side}"] = [part.text, part.size, part.font, _colour_text(part.color)]
    return {
        "cells": cells,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "columns": {
            letter: [dim.width, bool(dim.customWidth), dim.min, dim.max]
            for letter, dim in sorted(ws.column_dimensions.items())
            if dim.width or dim.customWidth
        },
        "rows": {
            str(index): [dim.height, bool(dim.customHeight)]
            for index, dim in sorted(ws.row_dimensions.items())
            if dim.height is not None
        },
        "freeze_panes": ws.freeze_panes,
        "print_title_rows": ws.print_title_rows,
        "print_title_cols": ws.print_title_cols,
        "print_area": ws.print_area,
        "page_setup": {
            "orientation": setup.orientation,
            "paperSize": None if setup.paperSize is None else int(setup.paperSize),
            "fitToWidth": setup.fitToWidth,
            "fitToHeight": setup.fitToHeight,
            "scale": setup.scale,
            "fitToPage": bool(ws.sheet_properties.pageSetUpPr.fitToPage)
            if ws.sheet_properties.pageSetUpPr
            else False,
            "horizontalCentered": bool(ws.print_options.horizontalCentered),
            "verticalCentered": bool(ws.print_options.verticalCentered),
            "gridLines": bool(ws.print_options.gridLines),
        },
        "margins": [
            margins.left,
            margins.right,
            margins.top,
            margins.bottom,
            margins.header,
            margins.footer,
        ],
        "header_footer": parts,
        "auto_filter": ws.auto_filter.ref,
        "defined_names": sorted((name, str(d.attr_text)) for name, d in ws.defined_names.items()),
        "max_row": ws.max_row,
        "max_column": ws.max_column,
    }


def _colour_text(colour: Any) -> Any:
    return colour if colour is None or isinstance(colour, str) else str(colour)


def workbook_layout(source: Path | str | bytes) -> dict:
    """The layout of a workbook file (a path or its bytes) as plain, JSON-able data."""
    wb = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    styles: dict[str, int] = {}
    # Style 0 is an empty cell's: such cells are left out.
    blank = wb.create_sheet("__blank__")["A1"]
    styles[
        json.dumps(
            {
                "font": _font(blank.font),
                "fill": _fill(blank.fill),
                "alignment": _alignment(blank.alignment),
                "border": _border(blank.border),
                "number_format": blank.number_format,
                "quote": False,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
    ] = 0
    wb.remove(wb["__blank__"])
    sheets = {ws.title: _sheet(ws, styles) for ws in wb.worksheets}
    return {
        "sheetnames": wb.sheetnames,
        "defined_names": sorted(
            (name, str(defined.attr_text)) for name, defined in wb.defined_names.items()
        ),
        "sheets": sheets,
        "styles": {str(key): json.loads(style) for style, key in styles.items()},
    }


def normalised(layout: dict, patterns: dict[str, str]) -> dict:
    """`layout` with every text matching a pattern replaced (timestamps that differ from run
    to run), through a JSON round trip so it also compares equal to a stored copy."""
    text = json.dumps(layout, ensure_ascii=False, sort_keys=True)
    for pattern, replacement in patterns.items():
        text = re.sub(pattern, replacement, text)
    return json.loads(text)
