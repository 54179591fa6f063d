"""Reading a spreadsheet of suggestions (XLSX or CSV in UTF-8 or GBK) into plain rows.

Pure parsing, no Django: `read_rows(name, source)` returns ParsedRow objects with their
spreadsheet line numbers; the service validates them against the campaign and reports bad
rows by line. Headers are matched by their Chinese names, in any order.

`source` is the bytes or a binary file (an upload streamed to a temporary file): it is read
in bounded pieces, never whole. A CSV line, row or cell over the limits of core.tables (a
line of millions of fields, a 15 MB cell) is a bad row with its reason, not a crash."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from core.tables import TableError, cell_text, csv_records, header_records, sheet_rows

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
    problem: str = ""  # why the row cannot be read (too long, too many columns); "" if it can


def _binary(source: bytes | IO[bytes] | Any) -> IO[bytes]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    handle = getattr(source, "file", source)  # Django's UploadedFile wraps the real file
    handle.seek(0)
    return handle


def _encoding(handle: IO[bytes]) -> str:
    # Excel in China saves CSV as GBK; everything else writes UTF-8 (often with a BOM).
    # GB18030 is a superset of GBK and decodes every GBK file. Judged on the whole file, a
    # megabyte at a time.
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        handle.seek(0)
        try:
            while chunk := handle.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        handle.seek(0)
        return encoding
    raise ImportFileError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV，或 XLSX 文件。")


def _xlsx_rows(handle: IO[bytes]) -> Iterator[list]:
    from openpyxl import load_workbook

    from core.uploads import UnsafeUploadError, check_xlsx_archive

    try:
        check_xlsx_archive(handle)
    except UnsafeUploadError as exc:
        raise ImportFileError(str(exc)) from exc
    handle.seek(0)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError("无法读取该 XLSX 文件。") from exc
    sheet = workbook.worksheets[0]
    return (
        [cell_text(v, dates_only=True) for v in row]
        for row in sheet_rows(sheet.iter_rows(values_only=True))
    )


def _csv_rows(text: IO[str]) -> Iterator[list[str] | str]:
    for record in csv_records(text):
        yield record if isinstance(record, str) else [cell_text(v) for v in record]


def read_rows(name: str, source: bytes | IO[bytes] | Any) -> list[ParsedRow]:
    handle = _binary(source)
    is_zip = handle.read(2) == b"PK"
    handle.seek(0)
    if name.lower().endswith(".xlsx") or is_zip:
        return _parsed(_xlsx_rows(handle))
    if not name.lower().endswith((".csv", ".txt")):
        raise ImportFileError("只支持 XLSX 或 CSV 文件。")
    text = io.TextIOWrapper(handle, encoding=_encoding(handle), newline="")
    try:
        return _parsed(_csv_rows(text))
    finally:
        text.detach()  # the upload's file stays open for its owner


def _parsed(table: Iterable[list[str] | str]) -> list[ParsedRow]:
    try:
        return [
            ParsedRow(line=line, problem=problem, **values)
            for line, values, problem in header_records(table, HEADERS, REQUIRED, max_rows=MAX_ROWS)
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
