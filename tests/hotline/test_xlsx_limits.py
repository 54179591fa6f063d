"""Hotline XLSX files are held to the limits CSV has (core.tables, issue #18 point 1): a row
with a value past 1,000 columns or a cell over 32,767 characters is a row error in Chinese,
an absurd header refuses the file, and nothing a sheet claims makes a reader allocate
without bound (python-calamine builds a sheet as one dense block: A1 and XFD1048576 in one
1 KB file asked it for 550 GB and aborted the worker)."""

import resource
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from core.tables import MAX_FIELD_CHARS, MAX_FIELDS
from hotline.importing.parsing import FileError
from hotline.importing.readers import open_table
from hotline.models import ImportBatch, ImportRowError
from tests.hotline.test_import import run_import

HEADER = ["工单编号", "受理时间", "承办单位", "满意度"]
GOOD = ["20210001", "2021-03-05 14:22:10", "淄博市公安局", "满意"]


def write_only(path: Path, rows) -> Path:
    """A workbook written row by row (openpyxl write-only), as the brief's exports are."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("工单")
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'  # noqa: E501


def hand_made(path: Path, sheet_xml: str) -> Path:
    """An XLSX whose sheet XML is written by hand: what no spreadsheet program would write."""
    with zipfile.ZipFile(write_only(path, [["x"]])) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    parts[sheet] = (_HEAD + sheet_xml + "</worksheet>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int, values: list[str], extra: str = "") -> str:
    cells = "".join(_cell(f"{'ABCD'[i]}{number}", text) for i, text in enumerate(values))
    return f'<row r="{number}">{cells}{extra}</row>'


def _rows(path: Path, **kwargs):
    with open_table(path, **kwargs) as table:
        return table.header, list(table.rows)


@pytest.mark.parametrize("stream_above", [10**12, 0], ids=["calamine", "streaming"])
def test_a_row_wider_than_the_limit_is_a_row_error(tmp_path, stream_above):
    wide = [*GOOD, *([None] * (MAX_FIELDS + 10)), "远处的值"]
    path = write_only(tmp_path / "a.xlsx", [HEADER, GOOD, wide, GOOD])

    header, rows = _rows(path, xlsx_stream_above=stream_above)

    assert header == HEADER
    assert [n for n, _ in rows] == [2, 3, 4]
    assert rows[1][1] == f"该行有 {MAX_FIELDS + 15} 列，超过 {MAX_FIELDS} 列的上限"
    assert rows[2][1][:4] == GOOD


@pytest.mark.parametrize("stream_above", [10**12, 0], ids=["calamine", "streaming"])
def test_a_cell_longer_than_excel_allows_is_a_row_error(tmp_path, stream_above):
    """openpyxl cuts what it writes at Excel's limit; another program might not."""
    long = "长" * (MAX_FIELD_CHARS + 1)
    path = hand_made(
        tmp_path / "a.xlsx",
        f"<sheetData>{_row(1, HEADER)}{_row(2, [*GOOD[:3], long])}</sheetData>",
    )

    _, rows = _rows(path, xlsx_stream_above=stream_above)

    assert rows == [(2, f"该行有一格超过每格 {MAX_FIELD_CHARS} 个字符的上限")]


FORMATTED_XFD2 = '<c r="XFD2" s="1"/>'


def test_blank_formatted_cells_past_the_limit_do_not_refuse_a_row(tmp_path):
    """Whole rows formatted out to column XFD carry empty cells there: not a wide row."""
    path = hand_made(
        tmp_path / "a.xlsx",
        "<sheetData>" + _row(1, HEADER) + _row(2, GOOD, FORMATTED_XFD2) + "</sheetData>",
    )

    _, rows = _rows(path)

    assert rows == [(2, GOOD)]


@pytest.mark.parametrize("stream_above", [10**12, 0], ids=["calamine", "streaming"])
def test_a_header_wider_than_the_limit_refuses_the_file(tmp_path, stream_above):
    path = write_only(tmp_path / "a.xlsx", [[f"列{i}" for i in range(MAX_FIELDS + 1)], GOOD])

    with pytest.raises(FileError, match=f"表头）有 {MAX_FIELDS + 1} 列，超过 {MAX_FIELDS} 列"):
        _rows(path, xlsx_stream_above=stream_above)


@pytest.mark.parametrize(
    "far",
    ["XFD1048576", "ZZZZZZZZ2", "XFD2", "A1048576"],
    ids=["last-cell", "beyond-excel", "last-column", "last-row"],
)
def test_cells_far_apart_cost_no_memory_and_are_row_errors(tmp_path, far):
    """A1 and one far cell: under a 1.5 GB address-space limit (calamine would ask for up to
    550 GB and abort the process; here the test process itself would die)."""
    path = hand_made(
        tmp_path / "a.xlsx",
        "<sheetData>"
        + _row(1, HEADER)
        + _row(2, GOOD)
        + f'<row r="{far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">{_cell(far, "远")}</row>'
        + "</sheetData>",
    )  # fmt: skip
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = _address_space()
    resource.setrlimit(resource.RLIMIT_AS, (used + 1536 * 1024 * 1024, hard))
    try:
        header, rows = _rows(path)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

    assert header == HEADER
    assert rows[0] == (2, GOOD)
    if far == "A1048576":
        assert rows[1] == (1048576, ["远"])
    else:
        assert "列的上限" in rows[-1][1]


def _address_space() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def test_a_sheet_whose_dimension_claims_every_column_reads_its_real_cells(tmp_path):
    path = hand_made(
        tmp_path / "a.xlsx",
        '<dimension ref="A1:XFD1048576"/><sheetData>'
        + _row(1, HEADER)
        + _row(2, GOOD)
        + "</sheetData>",
    )  # fmt: skip

    assert _rows(path) == (HEADER, [(2, GOOD)])


@pytest.mark.django_db
def test_the_import_keeps_good_rows_and_lists_the_wide_one(tmp_path):
    from tests.factories import DepartmentFactory

    DepartmentFactory(name="淄博市公安局")
    second = ["20210002", *GOOD[1:]]
    path = write_only(
        tmp_path / "a.xlsx",
        [
            HEADER,
            GOOD,
            [*GOOD, *([None] * MAX_FIELDS), "x"],
            second,
        ],
    )

    batch = run_import(path)

    assert batch.state == ImportBatch.State.DONE, batch.message
    assert (batch.read, batch.inserted, batch.rejected) == (3, 2, 1)
    error = ImportRowError.objects.get()
    assert (error.row_number, error.raw) == (3, [])
    assert error.reason == f"该行有 {MAX_FIELDS + 5} 列，超过 {MAX_FIELDS} 列的上限"
