"""Reading a sheet of committee members and deputies (XLSX) into plain rows.

Pure parsing, no Django: `read_people(source)` (the bytes or a binary file, never read
whole here: openpyxl reads the archive's members as it needs them) returns PersonRow objects
with the line number a person sees in the spreadsheet (the header is line 1). Headers are
matched by their Chinese names, in any order; the service checks each row against the
database and reports bad rows by line. The template operators download is built from
TEMPLATE_HEADERS."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from core.tables import TableError, cell_text, header_records, sheet_rows

HEADERS = {
    "username": ("用户名", "账号", "登录名"),
    "name": ("姓名",),
    "role": ("角色", "身份"),
    "phone": ("手机", "手机号", "手机号码", "联系电话"),
    "deputy_level": ("代表层级", "层级"),
    "organizer": ("所属人大常委会", "人大常委会"),
    "district": ("所属区县", "区县"),
}
REQUIRED = ("username", "name", "role")
# The columns of the downloadable template, in order, with one example row each.
TEMPLATE_HEADERS = ("用户名", "姓名", "角色", "手机", "代表层级", "所属人大常委会", "所属区县")
MAX_ROWS = 5_000


class PeopleFileError(ValueError):
    """The file as a whole cannot be read (not an XLSX, missing columns, too many rows)."""


@dataclass(frozen=True)
class PersonRow:
    line: int
    username: str
    name: str
    role: str
    phone: str
    deputy_level: str
    organizer: str
    district: str
    problem: str = ""  # why the row cannot be read (too many columns, too long a cell)


def _rows(source: bytes | IO[bytes] | Any) -> Iterator[list]:
    from openpyxl import load_workbook

    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    source = getattr(source, "file", source)  # Django's UploadedFile wraps the real file
    source.seek(0)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise PeopleFileError("无法读取该 XLSX 文件，请用模板另存为 .xlsx 后再上传。") from exc
    sheet = workbook.worksheets[0]
    return sheet_rows(sheet.iter_rows(values_only=True))


def people_from_table(table: Iterable[list]) -> list[PersonRow]:
    """PersonRows of a table of cell values (the header first)."""
    rows = ([cell_text(v) for v in row] for row in table)
    hint = "第一行应为列名（见模板）。"
    try:
        return [
            PersonRow(line=line, problem=problem, **values)
            for line, values, problem in header_records(
                rows, HEADERS, REQUIRED, max_rows=MAX_ROWS, missing_hint=hint
            )
        ]
    except TableError as exc:
        raise PeopleFileError(str(exc)) from exc


def read_people(source: bytes | IO[bytes] | Any) -> list[PersonRow]:
    return people_from_table(_rows(source))
