"""Cells of spreadsheets pingyi hands out (XLSX and CSV that Excel opens).

Text typed by someone outside (a suggestion, a hotline ticket, a department's measure)
must never run as a formula when staff open the file: a cell starting with = + - @ or a
tab or carriage return (which Excel strips before looking again) gets an apostrophe in
front, which Excel shows as plain text."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """`value` as text that Excel will not evaluate."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value: Any) -> Any:
    """A cell value: numbers, dates and None as they are, text through safe_text()."""
    if value is None or isinstance(value, int | float) or not isinstance(value, str):
        return value
    return safe_text(value)
