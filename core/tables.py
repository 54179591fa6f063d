"""Reading a table someone filled in (the rows of an XLSX or CSV sheet) by its Chinese column
names. Pure, no Django: the importers of suggestions and of people share it.

`header_records(rows, headers, required, ...)` finds each field's column by any of its names
in the header row (in any order, spaces ignored, "手机（选填）" read as "手机"), then yields
`(line, {field: text}, problem)` per non-blank row, `line` being the row number a person sees
in the spreadsheet (the header is line 1), `problem` the Chinese reason a row cannot be read
("" for a good row).

Bounded reading of CSV (`csv_records`, `BoundedLines`): a line is read with a limit, never
whole, so a 100 MB line of 52 million fields costs one 1 MB buffer and becomes one bad row;
a row with too many fields or a field longer than an Excel cell can hold is a bad row too.
The limits (MAX_RECORD_CHARS, MAX_FIELDS, MAX_FIELD_CHARS) are documented in
docs/security.md."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import IO, Final

# One record (a line, or the lines of a quoted cell spanning several) in characters.
MAX_RECORD_CHARS: Final = 1024 * 1024
# Columns of one row; real sheets have tens.
MAX_FIELDS: Final = 1000
# Excel's own limit for the text of one cell.
MAX_FIELD_CHARS: Final = 32_767


class TableError(ValueError):
    """The table as a whole cannot be read (empty, missing columns, too many rows)."""


class RecordTooLong(ValueError):
    """A record is longer than the limit; the rest of its line was read and dropped."""


class BoundedLines:
    """The lines of a text stream for csv.reader, each read with a limit.

    `chars` counts the characters since the current record began; the caller sets it to 0
    after each record. Past `max_chars` the rest of the physical line is read in bounded
    pieces and dropped, and RecordTooLong is raised (csv.reader passes it on); a new reader
    over the same BoundedLines goes on with the next line. Iterating is a generator over
    `readline(max_chars + 1)`: as fast as csv.reader on the file itself (measured on a
    200,000-row hotline file), so the hotline import keeps its speed."""

    __slots__ = ("_stream", "max_chars", "chars")

    def __init__(self, stream: IO[str], max_chars: int = MAX_RECORD_CHARS) -> None:
        self._stream = stream
        self.max_chars = max_chars
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        readline, limit = self._stream.readline, self.max_chars
        for line in iter(partial(readline, limit + 1), ""):
            self.chars += len(line)
            if self.chars > limit:
                while line and not line.endswith(("\n", "\r")):
                    line = readline(1024 * 1024)
                self.chars = 0
                raise RecordTooLong
            yield line


def row_problem(cells: Sequence[str], *, max_fields: int, max_field_chars: int) -> str:
    """Why a parsed row is refused ("" when it is not): too many fields or a field too long."""
    if len(cells) > max_fields:
        return f"该行有 {len(cells)} 列，超过 {max_fields} 列的上限"
    if cells:
        longest = max(map(len, cells))
        if longest > max_field_chars:
            return f"该行有一格长达 {longest} 个字符，超过每格 {max_field_chars} 个字符的上限"
    return ""


def too_long_problem(max_chars: int) -> str:
    return f"该行超过 {max_chars} 个字符的上限，未读取"


def csv_records(
    stream: IO[str],
    *,
    delimiter: str = ",",
    max_record_chars: int = MAX_RECORD_CHARS,
    max_fields: int = MAX_FIELDS,
    max_field_chars: int = MAX_FIELD_CHARS,
) -> Iterator[list[str] | str]:
    """Each record of a CSV text stream: its cells, or (a str) the Chinese reason it was
    refused. One item per record, so the n-th item is the n-th row a person sees. Memory is
    bounded by `max_record_chars` whatever the file holds. Other csv.Errors (broken quoting
    in strict dialects) pass on to the caller."""
    lines = BoundedLines(stream, max_record_chars)
    while True:
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            for cells in reader:
                lines.chars = 0
                problem = row_problem(cells, max_fields=max_fields, max_field_chars=max_field_chars)
                yield problem or cells
            return
        except RecordTooLong:
            yield too_long_problem(max_record_chars)
        except csv.Error as exc:
            # csv's own field limit (131,072 characters), below the record limit.
            if "field larger than field limit" not in str(exc):
                raise
            lines.chars = 0
            yield f"该行有一格超过每格 {max_field_chars} 个字符的上限"


def sheet_rows(rows: Iterable[Sequence[object]]) -> Iterator[list[object]]:
    """The rows of an XLSX sheet (openpyxl read-only, `values_only`) as lists without their
    trailing blank cells: a row formatted out to column XFD is as wide as its last value,
    not a 16,384-column row. A sheet openpyxl cannot read on (a reference past column ZZZ,
    a broken cell) raises TableError naming the row instead of a ValueError."""
    iterator = iter(rows)
    line = 0
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise TableError(f"第 {line + 1} 行附近的内容无法读取（文件可能已损坏）。") from exc
        line += 1
        cells = list(row)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        yield cells


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
    rows: Iterable[Sequence[str] | str],
    headers: Mapping[str, Sequence[str]],
    required: Sequence[str],
    *,
    max_rows: int,
    missing_hint: str = "第一行应为列名。",
    max_fields: int = MAX_FIELDS,
    max_field_chars: int = MAX_FIELD_CHARS,
) -> Iterator[tuple[int, dict[str, str], str]]:
    """(line, {field: text}, problem) for each non-blank row under the header row of `rows`
    (cells already text, or a str: the reason csv_records refused that row). A row with too
    many fields or too long a field has a problem and empty values. Raises TableError, with
    a Chinese message, for an empty table, a missing required column, a header that cannot
    be read or more than `max_rows` rows."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise TableError("文件是空的。")
    if isinstance(header, str):
        raise TableError(f"第一行（列名）无法读取：{header}。")
    if problem := row_problem(header, max_fields=max_fields, max_field_chars=max_field_chars):
        raise TableError(f"第一行（列名）无法读取：{problem}。")
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        title = _title(title)
        for field, names in headers.items():
            if title in names and field not in columns:
                columns[field] = index
    missing = [headers[f][0] for f in required if f not in columns]
    if missing:
        raise TableError(f"缺少必需的列：{'、'.join(missing)}。{missing_hint}")
    blank = dict.fromkeys(headers, "")
    count = 0
    for line, row in enumerate(rows, start=2):
        if not isinstance(row, str):
            if not any(row):
                continue  # blank lines at the end of a sheet
            problem = row_problem(row, max_fields=max_fields, max_field_chars=max_field_chars)
        else:
            problem = row
        if count >= max_rows:
            raise TableError(f"一次最多导入 {max_rows} 行，请拆分文件。")
        count += 1
        if problem:
            yield line, dict(blank), problem
            continue
        values = {field: (row[i] if i < len(row) else "") for field, i in columns.items()}
        yield line, {field: values.get(field, "") for field in headers}, ""
