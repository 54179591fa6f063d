"""Reading a spreadsheet of suggestions (XLSX or CSV in UTF-8 or GBK) into plain rows.

Pure parsing, no Django: `read_rows(name, data)` returns ParsedRow objects with their
spreadsheet line numbers; the service validates them against the campaign and reports bad
rows by line. Headers are matched by their Chinese names, in any order."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from core.tables import TableError, cell_text, header_records

HEADERS = {
    "number": ("编号", "序号编号", "来源编号"),
    "channel": ("渠道", "征集渠道"),
    "source_type": ("来源", "来源类型", "提出人类型"),
    "department": ("部门", "涉及部门", "被评议部门", "被评议部门（单位）", "部门（单位）"),
    "text": ("内容", "意见建议", "意见建议内容", "建议内容"),
    "date": ("日期", "提交日期", "征集日期"),
    "contact": ("联系方式", "联系电话"),
}
REQUIRED = ("text", "date")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
MAX_ROWS = 50_000


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong format, missing columns)."""


@dataclass(frozen=True)
class ParsedRow:
    line: int  # the row number a person sees in the spreadsheet (header is line 1)
    number: str
    channel: str
    source_type: str
    department: str
    text: str
    date: str
    contact: str


def _decode(data: bytes) -> str:
    # Excel in China saves CSV as GBK; everything else writes UTF-8 (often with a BOM).
    # GB18030 is a superset of GBK and decodes every GBK file.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV，或 XLSX 文件。")


def _table(name: str, data: bytes) -> Iterable[list]:
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        from core.uploads import UnsafeUploadError, check_xlsx_archive

        try:
            check_xlsx_archive(data)
        except UnsafeUploadError as exc:
            raise ImportFileError(str(exc)) from exc
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ImportFileError("无法读取该 XLSX 文件。") from exc
        sheet = workbook.worksheets[0]
        return (
            [cell_text(v, dates_only=True) for v in row]
            for row in sheet.iter_rows(values_only=True)
        )
    if name.lower().endswith((".csv", ".txt")):
        return ([cell_text(v) for v in row] for row in csv.reader(io.StringIO(_decode(data))))
    raise ImportFileError("只支持 XLSX 或 CSV 文件。")


def read_rows(name: str, data: bytes) -> list[ParsedRow]:
    try:
        return [
            ParsedRow(line=line, **values)
            for line, values in header_records(
                _table(name, data), HEADERS, REQUIRED, max_rows=MAX_ROWS
            )
        ]
    except TableError as exc:
        raise ImportFileError(str(exc)) from exc


def lookup(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Both the code and the Chinese label of each choice find the code."""
    table = {}
    for value, label in choices:
        table[value] = value
        table[label] = value
    return table
