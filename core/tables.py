"""Reading a table someone filled in (the rows of an XLSX or CSV sheet) by its Chinese column
names. Pure, no Django: the importers of suggestions and of people share it.

`header_records(rows, headers, required, ...)` finds each field's column by any of its names
in the header row (in any order, spaces ignored, "手机（选填）" read as "手机"), then yields
`(line, {field: text})` per non-blank row, `line` being the row number a person sees in the
spreadsheet (the header is line 1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence


class TableError(ValueError):
    """The table as a whole cannot be read (empty, missing columns, too many rows)."""


def cell_text(value: object, *, dates_only: bool = False) -> str:
    """A cell as the text a person typed: None is "", a number Excel stored as 13800000000.0
    is "13800000000", dates are ISO (a datetime as its date with `dates_only`)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if dates_only else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _title(text: str) -> str:
    return text.replace(" ", "").replace("（", "(").split("(")[0]


def header_records(
    rows: Iterable[Sequence[str]],
    headers: Mapping[str, Sequence[str]],
    required: Sequence[str],
    *,
    max_rows: int,
    missing_hint: str = "第一行应为列名。",
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {field: text}) for each non-blank row under the header row of `rows` (cells
    already text). Raises TableError, with a Chinese message, for an empty table, a missing
    required column or more than `max_rows` rows."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise TableError("文件是空的。")
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        title = _title(title)
        for field, names in headers.items():
            if title in names and field not in columns:
                columns[field] = index
    missing = [headers[f][0] for f in required if f not in columns]
    if missing:
        raise TableError(f"缺少必需的列：{'、'.join(missing)}。{missing_hint}")
    count = 0
    for line, row in enumerate(rows, start=2):
        if not any(row):
            continue  # blank lines at the end of a sheet
        if count >= max_rows:
            raise TableError(f"一次最多导入 {max_rows} 行，请拆分文件。")
        count += 1
        values = {field: (row[i] if i < len(row) else "") for field, i in columns.items()}
        yield line, {field: values.get(field, "") for field in headers}
