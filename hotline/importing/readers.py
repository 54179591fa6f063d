"""Streaming readers for hotline files: CSV (UTF-8, UTF-8 BOM, GB18030/GBK) and XLSX.

`open_table()` looks at the file's bytes, never its name, and returns a Table whose rows
are read lazily. No Django imports.

Memory: CSV is read through a text stream one record at a time: a 1M-row, 185 MB GBK
file goes through open_table() and RowParser at 20 MB peak RSS (0.3 MB traced by
tracemalloc). XLSX goes through python-calamine, which is fast but NOT streaming: it
parses the whole sheet into memory before the first row is returned. Measured on a
1M-row, 12-column sheet (60 MB file, 800 MB of sheet XML): 18 s before the first row,
1.2 GB peak RSS. An Excel sheet holds at most 1,048,576 rows, which bounds the cost but
not to "constant memory"; the 2-million-row requirement can only be met by CSV anyway.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import os
import re
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from core.tables import MAX_FIELD_CHARS, MAX_FIELDS, MAX_RECORD_CHARS, BoundedLines, RecordTooLong
from core.uploads import UnsafeUploadError, check_xlsx_archive

from . import xlsx_stream
from .parsing import FileError

# A full Excel sheet (1,048,576 rows x 12 columns) is about 800 MB of XML, streamed in
# constant memory: allow twice that, and refuse archives that claim more or inflate like a
# bomb (see core/uploads.py), which would only burn CPU time.
MAX_XLSX_UNCOMPRESSED: Final = 2 * 1024 * 1024 * 1024

SAMPLE_BYTES: Final = 64 * 1024
# Above this much sheet XML (uncompressed, read from the zip's directory for free) an XLSX
# sheet goes through the streaming reader instead of calamine. Calamine peaks at about 1.5x
# the sheet XML (1.2 GB for 800 MB), so 120 MB keeps it near 200 MB; that is about 150,000
# rows of a 12-column export. Below it calamine is about 5x faster.
XLSX_STREAM_ABOVE_BYTES: Final = 120 * 1024 * 1024
# Calamine builds a sheet as one dense block of rows x columns cells: a sheet whose cell
# references span more than this many times its real cells (and more than this floor)
# goes through the streaming reader, whose memory does not depend on them.
XLSX_DENSE_RATIO: Final = 4
XLSX_DENSE_FLOOR: Final = 1_000_000

Row = tuple[int, list[Any] | str]


# Signatures of files people upload by mistake, so the refusal can say what the file is.
_RESAVE_HINT: Final = "；请在 Excel 中另存为 .xlsx 或 CSV 后再导入"
_SIGNATURES: Final = (
    (b"%PDF", "PDF 文档", ""),
    (b"\x89PNG", "PNG 图片", ""),
    (b"\xff\xd8\xff", "JPEG 图片", ""),
    (b"GIF8", "GIF 图片", ""),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Excel（.xls）或加密的 Office 文件", _RESAVE_HINT),
    (b"\x1f\x8b", "GZIP 压缩包", ""),
    (b"Rar!", "RAR 压缩包", ""),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", ""),
)
# Some government systems export HTML or XML spreadsheets under an .xls name.
_MARKUP: Final = re.compile(rb"\s*<(?:!doctype\s+html|html|table|\?xml)", re.IGNORECASE)
_CONTROL_CHARS: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_REFUSED_SUFFIX: Final = "，不是 CSV 或 XLSX 表格"


@dataclass(eq=False)
class Table:
    """A header and a lazy stream of `(row_number, cells)`.

    Row numbers are 1-based as a spreadsheet shows them (for CSV: records, so a quoted
    cell spanning lines counts once); blank rows are skipped but counted. `rows` can be
    consumed once. A FileError can still surface while iterating (bytes in another
    encoding deep in a CSV, broken quoting): the importer must treat it as refusing the
    whole file. Use as a context manager, or call close(), to release the file.
    """

    header: list[str]
    rows: Iterator[Row]
    total_estimate: int | None
    format: Literal["csv", "xlsx"]
    header_row: int = 1
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    _close: Callable[[], None] = field(default=lambda: None, repr=False)

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_table(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    xlsx_stream_above: int = XLSX_STREAM_ABOVE_BYTES,
) -> Table:
    """Open a hotline file, detecting its type from its content.

    `sheet` picks an XLSX sheet by name (default: the first visible worksheet); CSV files
    have no sheets and ignore it. XLSX sheets with more than `xlsx_stream_above` bytes of
    XML are read by the streaming reader. Raises FileError with a Chinese message.
    """
    path = Path(path)
    try:
        with path.open("rb") as file:
            head = file.read(SAMPLE_BYTES)
            size = os.fstat(file.fileno()).st_size
    except OSError as exc:
        raise FileError(f"无法读取文件：{exc.strerror or exc}") from exc
    if not head:
        raise FileError("文件是空的")
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, sheet, xlsx_stream_above)
    for signature, kind, hint in _SIGNATURES:
        if head.startswith(signature):
            raise FileError(f"文件是{kind}{_REFUSED_SUFFIX}{hint}")
    if _MARKUP.match(head):
        raise FileError(f"文件是网页（HTML）或 XML 格式{_REFUSED_SUFFIX}{_RESAVE_HINT}")
    return _open_csv(path, head, size)


# --- CSV ----------------------------------------------------------------------------


def _detect_encoding(head: bytes, at_eof: bool) -> tuple[str, str]:
    """The encoding of a CSV sample and the sample decoded.

    An incremental decoder holds back a multibyte character cut at the sample's end
    instead of failing on it. UTF-8 is tried before GB18030 because GBK text is almost
    never valid UTF-8, while GB18030 accepts most byte soup.
    """
    if head.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export: tab separated UTF-16 with a BOM.
        candidates = ("utf-16",)
    else:
        if b"\x00" in head:  # of the accepted encodings only UTF-16 (above) has NUL bytes
            raise FileError(f"文件是二进制文件{_REFUSED_SUFFIX}")
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            text = decoder.decode(head, final=at_eof)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or len(_CONTROL_CHARS.findall(text)) > len(text) // 100:
            raise FileError(f"文件是二进制文件{_REFUSED_SUFFIX}")
        return encoding, text
    raise FileError("无法识别文件编码：CSV 文件只支持 UTF-8 和 GBK/GB18030 编码")


def _encoding_of_first_non_ascii(path: Path) -> str | None:
    """UTF-8 or GB18030, judged on the first non-ASCII bytes of a file that starts ASCII.

    An all-ASCII sample says nothing about the encoding; without this, a GBK file with
    64 KB of ASCII first would be read as UTF-8 and fail deep into the import. The scan
    runs at C speed (0.3 s for 281 MB) and only for such files.
    """
    chunk_size = 1 << 20
    with path.open("rb") as file:
        while chunk := file.read(chunk_size):
            if chunk.isascii():
                continue
            # Bytes before the first non-ASCII one are whole characters in both
            # encodings, so decoding can start right there.
            start = next(i for i, byte in enumerate(chunk) if byte >= 0x80)
            window = chunk[start : start + SAMPLE_BYTES] + file.read(4)
            for encoding in ("utf-8", "gb18030"):
                try:
                    codecs.getincrementaldecoder(encoding)().decode(window, final=False)
                except UnicodeDecodeError:
                    continue
                return encoding
            return None
    return None


def _trimmed_header(cells: list[Any]) -> list[str]:
    header = ["" if cell is None else str(cell).strip() for cell in cells]
    while header and not header[-1]:
        header.pop()
    return header


def _open_csv(path: Path, head: bytes, size: int) -> Table:
    at_eof = len(head) >= size
    encoding, sample = _detect_encoding(head, at_eof)
    if encoding == "utf-8" and head.isascii() and not at_eof:
        encoding = _encoding_of_first_non_ascii(path) or encoding
    first_line = sample.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","

    stream = path.open("r", encoding=encoding, errors="strict", newline="")
    try:
        # Lines are read with a limit (core.tables.BoundedLines): a line of 100 MB is refused
        # after its first megabyte, in bounded memory, instead of being split into fields.
        lines = BoundedLines(stream, MAX_RECORD_CHARS)
        rows = _csv_rows(csv.reader(lines, delimiter=delimiter), lines, path, encoding)
        header_row, header_cells = next(rows, (0, []))
        header = _trimmed_header(header_cells)
        if not header:
            raise FileError("文件没有表头行")
        first = next(rows, None)
        if first is None:
            raise FileError("文件只有表头，没有数据行")
    except BaseException:
        stream.close()
        raise

    def close() -> None:
        rows.close()
        stream.close()

    return Table(
        header=header,
        rows=itertools.chain((first,), rows),
        total_estimate=_csv_estimate(sample, len(head), size, header_row, at_eof),
        format="csv",
        header_row=header_row,
        encoding=encoding,
        delimiter=delimiter,
        _close=close,
    )


def _csv_rows(
    reader: Any, lines: BoundedLines, path: Path, encoding: str
) -> Generator[Row, None, None]:
    """Non-blank records with their 1-based numbers, the header first.

    A record over the limits (MAX_RECORD_CHARS characters, MAX_FIELDS fields, csv's field
    limit of 131,072 characters) refuses the file: no 12345 export has one, so the file is
    damaged or not an export."""
    number = 0
    try:
        for cells in reader:
            number += 1
            lines.chars = 0
            if len(cells) > MAX_FIELDS:
                raise FileError(
                    f"第 {number} 行有 {len(cells)} 列，超过 {MAX_FIELDS} 列的上限："
                    "文件已损坏或不是工单导出"
                )
            if not _is_blank(cells):
                yield number, cells
    except RecordTooLong:
        raise FileError(
            f"第 {number + 1} 行超过 {MAX_RECORD_CHARS} 个字符的上限（常见原因：文件已损坏、"
            "引号不配对或不是工单导出），已拒绝"
        ) from None
    except UnicodeDecodeError:
        # The text stream decodes 8 KB ahead of the csv reader, so `number` can be dozens
        # of rows early; find the line itself for the message.
        line = _first_undecodable_line(path, encoding) or number + 1
        raise FileError(
            f"第 {line} 行有无法按 {encoding} 解码的内容：文件编码前后不一致或已损坏"
        ) from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileError(
                f"第 {number + 1} 行有一格超过 {csv.field_size_limit()} 个字符的上限，已拒绝"
            ) from None
        raise FileError(
            f"第 {number + 1} 行附近的 CSV 格式有误（常见原因：引号不配对）：{exc}"
        ) from None


def _first_undecodable_line(path: Path, encoding: str) -> int | None:
    if encoding.startswith("utf-16"):
        return None  # b"\n" does not split UTF-16 into lines
    with path.open("rb") as file:
        for number, line in enumerate(file, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                return number
    return None


def _csv_estimate(sample: str, sample_bytes: int, size: int, header_row: int, at_eof: bool) -> int:
    """Data rows expected, from the average line length of the first 64 KB.

    Only for a progress bar: blank lines and quoted line breaks make it approximate.
    """
    line_breaks = sample.count("\n")
    if at_eof:
        lines = line_breaks + (0 if sample.endswith("\n") else 1)
        return max(1, lines - header_row)
    average = sample_bytes / max(1, line_breaks)
    return max(1, round(size / average) - header_row)


# --- XLSX ---------------------------------------------------------------------------


def _sheet_name(workbook: CalamineWorkbook, sheet: str | None) -> str:
    names = workbook.sheet_names
    if not names:
        raise FileError("XLSX 文件中没有工作表")
    if sheet is None:
        # "The first sheet" is what the user sees first, so hidden and chart sheets are
        # passed over.
        for meta in workbook.sheets_metadata:
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
                return meta.name
        return names[0]
    if sheet in names:
        return sheet
    wanted = sheet.strip()
    for name in names:
        if name.strip() == wanted:
            return name
    raise FileError(f"找不到工作表“{sheet}”（文件中的工作表：{'、'.join(names)}）")


def _open_xlsx(path: Path, sheet: str | None, stream_above: int) -> Table:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            infos = xlsx_stream.sheets(archive) if "xl/workbook.xml" in names else []
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileError("文件是损坏的 ZIP/XLSX 文件，无法读取") from exc
    except (KeyError, ValueError, ElementTree.ParseError):
        infos = []  # calamine below gives the precise error
    if "xl/workbook.xml" not in names:
        raise FileError(f"文件是 ZIP 压缩包（或 Word 等其他文档）{_REFUSED_SUFFIX}")
    try:
        check_xlsx_archive(path, max_uncompressed=MAX_XLSX_UNCOMPRESSED)
    except UnsafeUploadError as exc:
        raise FileError(str(exc)) from exc
    chosen = _pick_sheet(infos, sheet)
    if chosen is not None and chosen.xml_size > stream_above:
        return _open_xlsx_streaming(path, chosen)
    if not _dense_is_bounded(path, [chosen] if chosen else _worksheets(path)):
        if chosen is None:
            raise FileError("XLSX 文件的单元格范围异常（文件可能已损坏），无法读取")
        return _open_xlsx_streaming(path, chosen)

    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            name = _sheet_name(workbook, sheet)
            # The whole sheet is parsed here: python-calamine 0.9 has no lazy reader
            # (see the module docstring for the cost).
            data = workbook.get_sheet_by_name(name)
    except (CalamineError, OSError, ValueError) as exc:
        raise FileError(f"无法读取 XLSX 文件（文件可能已损坏）：{exc}") from exc

    # iter_rows() starts at spreadsheet row 1 even when the data starts lower, so the
    # index is the row number (pinned by a test).
    rows: Generator[Row, None, None] = (
        (number, cells)
        for number, cells in enumerate(data.iter_rows(), start=1)
        if not _is_blank(cells)
    )
    header_row, header_cells = next(rows, (0, []))
    header = _xlsx_header(header_row, header_cells)
    first = next(rows, None)
    if first is None:
        raise FileError("文件只有表头，没有数据行")
    end = data.end
    return Table(
        header=header,
        rows=_bounded(itertools.chain((first,), rows)),
        total_estimate=max(1, end[0] + 1 - header_row) if end else None,
        format="xlsx",
        header_row=header_row,
        sheet=name,
        _close=rows.close,  # drops the parsed sheet
    )


def _worksheets(path: Path) -> list[xlsx_stream.SheetInfo]:
    """Every worksheet part of the archive, for when the workbook's own list is unreadable."""
    with zipfile.ZipFile(path) as archive:
        return [
            xlsx_stream.SheetInfo(info.filename, info.filename, True, info.file_size)
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        ]


def _dense_is_bounded(path: Path, infos: list[xlsx_stream.SheetInfo]) -> bool:
    """Whether calamine may read these sheets: their references span a block no larger
    than XLSX_DENSE_RATIO times their cells (or XLSX_DENSE_FLOOR), every cell has a
    reference and no column lies past MAX_FIELDS."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in infos:
                found = xlsx_stream.extent(archive, info)
                if (
                    found.unreferenced
                    or found.columns > MAX_FIELDS
                    or found.area > max(XLSX_DENSE_FLOOR, XLSX_DENSE_RATIO * found.cells)
                ):
                    return False
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise FileError("文件是损坏的 ZIP/XLSX 文件，无法读取") from exc
    return True


def _pick_sheet(
    infos: list[xlsx_stream.SheetInfo], sheet: str | None
) -> xlsx_stream.SheetInfo | None:
    """The sheet calamine would pick (see _sheet_name), or None to leave it to calamine."""
    if not infos:
        return None
    if sheet is None:
        return next((info for info in infos if info.visible), infos[0])
    for info in infos:
        if info.name == sheet or info.name.strip() == sheet.strip():
            return info
    return None


def _open_xlsx_streaming(path: Path, info: xlsx_stream.SheetInfo) -> Table:
    archive = zipfile.ZipFile(path)
    try:
        rows: Generator[Row, None, None] = (
            (number, cells)
            for number, cells in xlsx_stream.iter_rows(
                archive, info, max_columns=MAX_FIELDS, max_chars=MAX_FIELD_CHARS
            )
            if type(cells) is str or not _is_blank(cells)
        )
        header_row, header_cells = next(rows, (0, []))
        header = _xlsx_header(header_row, header_cells)
        first = next(rows, None)
        if first is None:
            raise FileError("文件只有表头，没有数据行")
    except (ElementTree.ParseError, ValueError, KeyError, IndexError) as exc:
        archive.close()
        raise FileError(f"无法读取 XLSX 文件（文件可能已损坏）：{exc}") from exc
    except BaseException:
        archive.close()
        raise

    def close() -> None:
        rows.close()
        archive.close()

    # Rows are estimated from the XML size and the first rows' share of it.
    return Table(
        header=header,
        rows=_bounded(_guarded(itertools.chain((first,), rows))),
        total_estimate=max(1, info.xml_size // 300),
        format="xlsx",
        header_row=header_row,
        sheet=info.name,
        _close=close,
    )


def _xlsx_header(number: int, cells: list[Any] | str) -> list[str]:
    """The header row's titles; a header over the limits refuses the file."""
    if type(cells) is str:
        problem = cells.removeprefix("该行")
        raise FileError(f"第 {number} 行（表头）{problem}：文件已损坏或不是工单导出")
    header = _trimmed_header(cells)
    if not header:
        raise FileError("文件没有表头行")
    if len(header) > MAX_FIELDS:
        raise FileError(
            f"第 {number} 行（表头）有 {len(header)} 列，超过 {MAX_FIELDS} 列的上限："
            "文件已损坏或不是工单导出"
        )
    longest = max(map(len, header))
    if longest > MAX_FIELD_CHARS:
        raise FileError(
            f"第 {number} 行（表头）有一格超过每格 {MAX_FIELD_CHARS} 个字符的上限："
            "文件已损坏或不是工单导出"
        )
    return header


def _bounded(rows: Iterator[Row]) -> Generator[Row, None, None]:
    """XLSX rows within the limits CSV has (core.tables): a row with a value past
    MAX_FIELDS columns or a cell longer than MAX_FIELD_CHARS (Excel's own limit) comes out
    as the Chinese reason it is refused, a row error for the importer, not as cells."""
    for number, cells in rows:
        if type(cells) is not str:
            if len(cells) > MAX_FIELDS:
                width = len(cells)
                while width > MAX_FIELDS and _is_blank(cells[width - 1 : width]):
                    width -= 1
                if width > MAX_FIELDS:
                    yield number, xlsx_stream.too_wide(width, MAX_FIELDS)
                    continue
                cells = cells[:MAX_FIELDS]
            for cell in cells:
                if type(cell) is str and len(cell) > MAX_FIELD_CHARS:
                    cells = f"该行有一格超过每格 {MAX_FIELD_CHARS} 个字符的上限"
                    break
        yield number, cells


def _guarded(rows: Iterator[Row]) -> Generator[Row, None, None]:
    try:
        yield from rows
    except (ValueError, KeyError, IndexError) as exc:  # expat errors are ValueErrors
        raise FileError(f"XLSX 文件内容有误（文件可能已损坏）：{exc}") from None


def _is_blank(cells: list[Any]) -> bool:
    # Real rows return at the first cell (the ticket number in nearly every export).
    for cell in cells:
        if cell is None:
            continue
        if type(cell) is str:
            if cell and not cell.isspace():
                return False
        else:
            return False
    return True
