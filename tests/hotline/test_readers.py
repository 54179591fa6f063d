import datetime as dt
import tracemalloc
import types
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hotline.importing.parsing import FileError, RowParser, map_header
from hotline.importing.readers import SAMPLE_BYTES, open_table

HEADER = ["工单编号", "受理时间", "承办单位", "满意度"]
ROWS = [
    ["GD001", "2021-03-05 14:22:10", "淄博市公安局", "满意"],
    ["GD002", "2021/3/5 14:22", "市住建局", "不满意"],
]


def write_csv(path: Path, lines: list[list[str]], *, encoding: str, sep: str = ",") -> Path:
    text = "".join(sep.join(cells) + "\r\n" for cells in lines)
    path.write_bytes(text.encode(encoding))
    return path


def read_all(path: Path, **kwargs: object) -> tuple[list[str], list[tuple[int, list[object]]]]:
    with open_table(path, **kwargs) as table:  # type: ignore[arg-type]
        return table.header, list(table.rows)


# --- CSV ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030")],
)
def test_csv_encoding_is_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, *ROWS], encoding=encoding)

    with open_table(path) as table:
        assert table.format == "csv"
        assert table.encoding == detected
        assert table.header == HEADER
        assert list(table.rows) == [(2, ROWS[0]), (3, ROWS[1])]


def test_csv_detection_survives_a_character_cut_at_the_sample_boundary(tmp_path: Path) -> None:
    prefix = ",".join(HEADER) + "\nGD001,2021-03-05,市公安局,满意,"
    if len(prefix.encode("gb18030")) % 2 == 0:
        prefix += "x"  # an odd offset puts a two-byte character across the 64 KB mark
    filler = "受" * (SAMPLE_BYTES // 2)
    path = tmp_path / "a.csv"
    path.write_bytes((prefix + filler + "\nGD002,2021-03-05,市公安局,满意\n").encode("gb18030"))
    assert path.read_bytes()[SAMPLE_BYTES - 1 : SAMPLE_BYTES + 1] == "受".encode("gb18030")

    with open_table(path) as table:
        assert table.encoding == "gb18030"
        assert [number for number, _ in table.rows] == [2, 3]


def test_utf8_with_chinese_deep_in_the_file_is_not_mistaken_for_gbk(tmp_path: Path) -> None:
    lines = [["ticket_no", "received_at", "department"]]
    lines += [[f"T{i}", "2021-03-05", "police"] for i in range(5000)]
    lines += [["T9", "2021-03-05", "市公安局"]]
    path = write_csv(tmp_path / "a.csv", lines, encoding="utf-8")

    with open_table(path) as table:
        assert table.encoding == "utf-8"
        assert list(table.rows)[-1][1][2] == "市公安局"


def test_gbk_with_only_ascii_in_the_first_64_kb_is_detected(tmp_path: Path) -> None:
    lines = [["ticket_no", "received_at", "department"]]
    lines += [[f"T{i}", "2021-03-05", "police"] for i in range(5000)]
    lines += [["T9", "2021-03-05", "市公安局"]]
    path = write_csv(tmp_path / "a.csv", lines, encoding="gbk")
    assert path.read_bytes()[:SAMPLE_BYTES].isascii()

    with open_table(path) as table:
        assert table.encoding == "gb18030"
        assert list(table.rows)[-1][1][2] == "市公安局"


def test_tab_separated_csv(tmp_path: Path) -> None:
    rows = [["GD001", "2021-03-05 14:22:10", "淄博市公安局, 交警支队", "满意"]]
    path = write_csv(tmp_path / "a.txt", [HEADER, *rows], encoding="gbk", sep="\t")

    with open_table(path) as table:
        assert table.delimiter == "\t"
        assert list(table.rows) == [(2, rows[0])]


def test_utf16_unicode_text_export(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(("\t".join(HEADER) + "\r\n" + "\t".join(ROWS[0]) + "\r\n").encode("utf-16"))

    header, rows = read_all(path)

    assert header == HEADER
    assert rows == [(2, ROWS[0])]


def test_quoted_cells_with_commas_and_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "工单编号,受理时间,承办单位,诉求内容\n"
        'GD001,2021-03-05,市公安局,"噪音扰民,\n夜间施工"\n'
        'GD002,2021-03-05,市公安局,"他说""你好"""\n',
        encoding="utf-8",
    )

    _, rows = read_all(path)

    # Row numbers count records, as a spreadsheet shows them.
    assert rows == [
        (2, ["GD001", "2021-03-05", "市公安局", "噪音扰民,\n夜间施工"]),
        (3, ["GD002", "2021-03-05", "市公安局", '他说"你好"']),
    ]


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "\n" + ",".join(HEADER) + "\n\n" + ",".join(ROWS[0]) + "\n,,,\n  , \n" + ",".join(ROWS[1]),
        encoding="utf-8",
    )

    with open_table(path) as table:
        assert table.header_row == 2
        assert [number for number, _ in table.rows] == [4, 7]


def test_trailing_empty_header_columns_are_ignored(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [[*HEADER, "", ""], [*ROWS[0], "", ""]], encoding="utf-8")

    header, _ = read_all(path)

    assert header == HEADER


def test_csv_total_estimate_is_close(tmp_path: Path) -> None:
    lines = [HEADER] + [
        [f"GD{i:06d}", "2021-03-05 14:22:10", "市公安局", "满意"] for i in range(20_000)
    ]
    path = write_csv(tmp_path / "a.csv", lines, encoding="gbk")

    with open_table(path) as table:
        assert table.total_estimate is not None
        assert 19_000 <= table.total_estimate <= 21_000


def test_small_csv_total_estimate_is_exact(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, *ROWS], encoding="utf-8")

    with open_table(path) as table:
        assert table.total_estimate == 2


def test_csv_rows_stream_in_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    line = "GD{:07d},2021-03-05 14:22:10,淄博市公安局交警支队,满意,市民反映小区门口道路拥堵。\n"
    with path.open("w", encoding="gbk") as file:
        file.write("工单编号,受理时间,承办单位,满意度,诉求内容\n")
        file.writelines(line.format(i) for i in range(200_000))
    assert path.stat().st_size > 15_000_000

    tracemalloc.start()
    try:
        with open_table(path) as table:
            assert isinstance(table.rows, types.GeneratorType) or iter(table.rows) is table.rows
            count = sum(1 for _ in table.rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 200_000
    assert peak < 2_000_000, f"peak {peak} bytes for a {path.stat().st_size} byte file"


def test_rows_are_read_lazily(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, *ROWS], encoding="utf-8")

    with open_table(path) as table:
        assert next(table.rows) == (2, ROWS[0])
        # Appending after the first row was read shows the file is still being read.
        with path.open("ab") as file:
            file.write(",".join(ROWS[0]).replace("GD001", "GD003").encode() + b"\r\n")
        assert [number for number, _ in table.rows] == [3, 4]


def test_encoding_change_deep_in_a_csv_is_a_file_error(tmp_path: Path) -> None:
    lines = [HEADER] + [["GD001", "2021-03-05", "市公安局", "满意"]] * 5000
    path = write_csv(tmp_path / "a.csv", lines, encoding="utf-8")
    with path.open("ab") as file:
        file.write("GD999,2021-03-05,市公安局,满意\r\n".encode("gbk"))

    with (
        open_table(path) as table,
        pytest.raises(FileError, match="^第 5002 行有无法按 utf-8 解码的内容"),
    ):
        list(table.rows)


# --- refused files ------------------------------------------------------------------


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"")

    with pytest.raises(FileError, match="^文件是空的$"):
        open_table(path)


@pytest.mark.parametrize("content", [b"\r\n\r\n", b"  \n\t\n", b",,,\n,,\n"])
def test_file_without_header_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)

    with pytest.raises(FileError, match="^文件没有表头行$"):
        open_table(path)


def test_file_with_only_a_header_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["", "", ""]], encoding="utf-8")

    with pytest.raises(FileError, match="没有数据行"):
        open_table(path)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\x00\x01", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"<html><body><table><tr><td>\xe5\xb7\xa5</td></tr></table></body></html>", "HTML"),
        (bytes(range(256)) * 50, "二进制"),
        (b"\x00\x01\x02\x03" * 100, "二进制"),
    ],
)
def test_non_spreadsheet_files_are_refused(tmp_path: Path, content: bytes, named: str) -> None:
    path = tmp_path / "upload.csv"  # the name lies; the content decides
    path.write_bytes(content)

    with pytest.raises(FileError) as error:
        open_table(path)

    assert named in str(error.value)
    assert "CSV 或 XLSX" in str(error.value) or "编码" in str(error.value)


def test_zip_that_is_not_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    with pytest.raises(FileError, match="不是 CSV 或 XLSX"):
        open_table(path)


def test_truncated_xlsx_is_refused(tmp_path: Path) -> None:
    source = make_xlsx(tmp_path / "good.xlsx", [HEADER, ROWS[0]])
    path = tmp_path / "bad.xlsx"
    path.write_bytes(source.read_bytes()[:200])

    with pytest.raises(FileError, match="损坏"):
        open_table(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="^无法读取文件"):
        open_table(tmp_path / "nope.csv")


# --- XLSX ---------------------------------------------------------------------------


def make_xlsx(path: Path, rows: list[list[object]], *, title: str = "工单", start: str = "A1",
              more_sheets: tuple[str, ...] = ()) -> Path:  # fmt: skip
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    first = sheet[start]
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if value is not None:
                sheet.cell(row=first.row + r, column=first.column + c, value=value)
    for name in more_sheets:
        workbook.create_sheet(name).append(["other"])
        workbook[name].append(["value"])
    workbook.save(path)
    return path


def test_xlsx_with_real_date_cells(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [
            HEADER + ["办结时间"],
            [
                2021030500001,
                dt.datetime(2021, 3, 5, 14, 22, 10),
                "淄博市公安局",
                "满意",
                dt.date(2021, 3, 8),
            ],
        ],
    )

    with open_table(path) as table:
        assert table.format == "xlsx"
        assert table.sheet == "工单"
        assert table.header == HEADER + ["办结时间"]
        [(number, cells)] = list(table.rows)
        parsed = RowParser(map_header(table.header)).parse(cells)

    assert number == 2
    assert isinstance(cells[1], dt.datetime)
    assert parsed.ticket_no == "2021030500001"
    assert parsed.received_at.replace(tzinfo=None) == dt.datetime(2021, 3, 5, 14, 22, 10)
    assert parsed.closed_at is not None and parsed.closed_at.date() == dt.date(2021, 3, 8)


def test_xlsx_with_text_dates(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS])

    with open_table(path) as table:
        parser = RowParser(map_header(table.header))
        parsed = [parser.parse(cells) for _, cells in table.rows]

    assert [p.received_at.minute for p in parsed] == [22, 22]
    assert [p.satisfaction for p in parsed] == ["satisfied", "dissatisfied"]


def test_xlsx_blank_rows_are_skipped_with_spreadsheet_row_numbers(tmp_path: Path) -> None:
    # Data starting at C3 also pins calamine's iter_rows() starting at row 1.
    rows: list[list[object]] = [HEADER, ROWS[0], [None] * 4, ["  ", None, None, None], ROWS[1]]
    path = make_xlsx(tmp_path / "a.xlsx", rows, start="C3")

    with open_table(path) as table:
        assert table.header_row == 3
        assert table.header == HEADER
        assert list(table.rows) == [(4, ROWS[0]), (7, ROWS[1])]
        assert table.total_estimate == 4


def test_xlsx_first_sheet_unless_named(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx", [HEADER, ROWS[0]], more_sheets=("汇总",))

    assert read_all(path)[0] == HEADER
    assert read_all(path, sheet="汇总")[0] == ["other"]


def test_xlsx_unknown_sheet_is_refused_with_the_sheet_names(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx", [HEADER, ROWS[0]], more_sheets=("汇总",))

    with pytest.raises(FileError, match="^找不到工作表“明细”（文件中的工作表：工单、汇总）$"):
        open_table(path, sheet="明细")


def test_xlsx_empty_sheet_is_refused(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx", [])

    with pytest.raises(FileError, match="^文件没有表头行$"):
        open_table(path)


def test_csv_ignores_the_sheet_argument(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, *ROWS], encoding="utf-8")

    assert read_all(path, sheet="工单")[0] == HEADER


# --- bounded lines: a line of millions of fields is refused early, in bounded memory -----------


def test_a_line_of_millions_of_fields_is_refused_after_its_first_megabyte(tmp_path: Path) -> None:
    path = tmp_path / "fields.csv"
    with path.open("wb") as file:
        file.write(",".join(HEADER).encode() + b"\r\n" + ",".join(ROWS[0]).encode() + b"\r\n")
        block = b"a," * (512 * 1024)  # 1 MB, half a million fields
        for _ in range(24):  # 24 MB on one line: 12.6 million fields
            file.write(block)
        file.write(b"\r\n" + ",".join(ROWS[1]).encode() + b"\r\n")

    tracemalloc.start()
    try:
        with pytest.raises(FileError, match="^第 3 行超过 1048576 个字符的上限"):
            read_all(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024  # splitting the line would take over a gigabyte


def test_too_many_columns_or_too_long_a_cell_refuses_a_hotline_file(tmp_path: Path) -> None:
    wide = write_csv(tmp_path / "wide.csv", [HEADER, ROWS[0] + [""] * 1000], encoding="utf-8")
    with pytest.raises(FileError, match="^第 2 行有 1004 列，超过 1000 列的上限"):
        read_all(wide)

    long = write_csv(
        tmp_path / "long.csv", [HEADER, ["GD3", "x", "y", "长" * 140_000]], encoding="utf-8"
    )
    with pytest.raises(FileError, match="^第 2 行有一格超过 131072 个字符的上限"):
        read_all(long)
