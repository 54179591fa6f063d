"""Spreadsheet import: XLSX or CSV (UTF-8 or GBK), bad rows reported by line, idempotent."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from issues.importing import ImportFileError, read_rows
from issues.models import Channel, SourceType, Suggestion
from tests.factories import EvaluatedDepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

HEADER = ["编号", "日期", "渠道", "来源类型", "部门", "内容", "联系方式"]
GOOD = [
    ["", "2021-03-01", "公开信", "社会公众", "市教育局", "放学太早，孩子没人接。", ""],
    ["", "2021/03/02", "意见箱", "企业", "淄博市教育局", "建议学校开展课后服务。", "13800000000"],
    ["", "2021-03-03", "座谈会", "区县人大代表", "", "公交线路少，等车时间长。", ""],
]
BAD = [
    ["", "2021-13-40", "公开信", "社会公众", "市教育局", "日期不对的一行。", ""],
    ["", "2021-03-04", "飞鸽传书", "外星人", "市教育局", "渠道和来源都不对。", ""],
    ["", "2021-03-05", "公开信", "社会公众", "市火星局", "部门不在这次评议中。", ""],
    ["", "2021-03-06", "公开信", "社会公众", "市教育局", "", ""],
]


@pytest.fixture
def evaluated():
    return EvaluatedDepartmentFactory(
        department__name="淄博市教育局", department__short_name="市教育局"
    )


def csv_bytes(rows, encoding="utf-8") -> bytes:
    return "\n".join(",".join(r) for r in [HEADER, *rows]).encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, evaluated, name, data):
    return client.post(
        reverse("issues:import", args=[evaluated.campaign.slug]),
        {"file": SimpleUploadedFile(name, data)},
    )


@pytest.fixture
def staff_client(client, evaluated):
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))
    return client


@pytest.mark.parametrize(
    "name,data",
    [
        ("utf8.csv", csv_bytes(GOOD + BAD)),
        ("bom.csv", b"\xef\xbb\xbf" + csv_bytes(GOOD + BAD)),
        ("gbk.csv", csv_bytes(GOOD + BAD, "gbk")),
        ("sheet.xlsx", xlsx_bytes(GOOD + BAD)),
    ],
)
def test_import_reports_bad_rows_and_is_idempotent(staff_client, evaluated, name, data):
    first = upload(staff_client, evaluated, name, data)

    report = first.context["report"]
    assert report.created == 3 and report.unchanged == 0
    assert [line for line, _ in report.errors] == [5, 6, 7, 8]
    messages = dict(report.errors)
    assert "日期" in messages[5]
    assert "飞鸽传书" in messages[6] and "外星人" in messages[6]
    assert "市火星局" in messages[7]
    assert "内容为空" in messages[8]
    assert Suggestion.objects.count() == 3
    letter = Suggestion.objects.get(channel=Channel.OPEN_LETTER)
    assert letter.department == evaluated and letter.source_type == SourceType.PUBLIC
    assert Suggestion.objects.get(channel=Channel.SYMPOSIUM).department is None

    second = upload(staff_client, evaluated, name, data)

    assert second.context["report"].created == 0
    assert second.context["report"].unchanged == 3
    assert Suggestion.objects.count() == 3


def test_explicit_number_is_the_natural_key(staff_client, evaluated):
    rows = [["A-1", "2021-03-01", "公开信", "社会公众", "", "第一版内容。", ""]]
    upload(staff_client, evaluated, "a.csv", csv_bytes(rows))
    rows[0][5] = "改了错别字的内容。"

    report = upload(staff_client, evaluated, "a.csv", csv_bytes(rows)).context["report"]

    assert report.created == 0 and Suggestion.objects.count() == 1


def test_a_file_without_the_required_columns_is_refused(staff_client, evaluated):
    response = upload(staff_client, evaluated, "x.csv", "名字,年龄\n张三,3\n".encode())

    assert response.status_code == 400
    assert "缺少必需的列" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_read_rows_refuses_other_formats():
    with pytest.raises(ImportFileError):
        read_rows("notes.docx", b"\x00\x01")


def test_management_command_imports_and_reports(tmp_path, evaluated, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes(GOOD + BAD[:1], "gbk"))

    with pytest.raises(CommandError):
        call_command("import_suggestions", evaluated.campaign.slug, str(path))

    out = capsys.readouterr()
    assert "新增 3" in out.out and "第 5 行" in out.err
    assert Suggestion.objects.count() == 3


# --- bounded reading: lines, fields and cells over the limits are bad rows, never a 500 ---------
def test_a_15_mb_cell_is_a_bad_row_read_in_bounded_memory(staff_client, evaluated):
    from tests.core.test_uploads import _post_lazily

    before = csv_bytes(GOOD[:1]) + b"\n"
    huge = ",2021-03-04,公开信,社会公众,,".encode()  # the cell is the 6th column (内容)
    after = ("\n" + ",".join(GOOD[1])).encode()
    cell = 15 * 1024 * 1024

    def content():
        yield before + huge
        block = b"x" * (1024 * 1024)
        for _ in range(cell // len(block)):
            yield block
        yield b",\n" + after

    size = len(before) + len(huge) + cell + 2 + len(after)
    response, peak, _ = _post_lazily(
        staff_client,
        reverse("issues:import", args=[evaluated.campaign.slug]),
        {},
        [("file", "long.csv", size, content())],
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert report.created == 2
    assert report.errors == [(3, "该行超过 1048576 个字符的上限，未读取")]
    assert peak < 8 * 1024 * 1024
    assert "该行超过 1048576 个字符的上限" in response.content.decode()


def test_too_many_columns_and_a_cell_over_excels_limit_are_bad_rows(staff_client, evaluated):
    many = ["", "2021-03-04", "公开信", "社会公众", "", "列太多", *[""] * 1200]
    long_cell = ["", "2021-03-05", "公开信", "社会公众", "", "长" * 40_000, ""]
    past_csv_limit = ["", "2021-03-06", "公开信", "社会公众", "", "长" * 200_000, ""]
    data = csv_bytes([GOOD[0], many, long_cell, past_csv_limit, GOOD[1]])

    report = upload(staff_client, evaluated, "wide.csv", data).context["report"]

    assert report.created == 2
    assert report.errors == [
        (3, "该行有 1206 列，超过 1000 列的上限"),
        (4, "该行有一格长达 40000 个字符，超过每格 32767 个字符的上限"),
        (5, "该行有一格超过每格 32767 个字符的上限"),
    ]


def test_a_header_line_that_cannot_be_read_refuses_the_file(staff_client, evaluated):
    data = ("内容," * 2000 + "日期\n").encode() + csv_bytes(GOOD)

    response = upload(staff_client, evaluated, "h.csv", data)

    assert response.status_code == 400
    assert (
        "第一行（列名）无法读取：该行有 2001 列，超过 1000 列的上限。" in response.content.decode()
    )


def _hand_made_xlsx(tmp_path, extra_cell: str) -> bytes:
    """The header and one good row, the good row carrying `extra_cell` (sheet XML by hand:
    what no spreadsheet program writes)."""
    from tests.hotline.test_xlsx_limits import _cell, hand_made

    header = "".join(_cell(f"{c}1", t) for c, t in (("A", "内容"), ("B", "日期")))
    good = "".join(_cell(f"{c}2", t) for c, t in (("A", "放学太早。"), ("B", "2021-03-01")))
    sheet = f'<sheetData><row r="1">{header}</row><row r="2">{good}{extra_cell}</row></sheetData>'
    return hand_made(tmp_path / "s.xlsx", sheet).read_bytes()


def test_xlsx_columns_formatted_out_to_xfd_do_not_make_a_row_too_wide(tmp_path):
    rows = read_rows("s.xlsx", _hand_made_xlsx(tmp_path, '<c r="XFD2" s="1"/>'))

    assert [(r.line, r.text, r.problem) for r in rows] == [(2, "放学太早。", "")]


def test_an_xlsx_value_past_the_column_limit_is_a_bad_row(tmp_path):
    from tests.hotline.test_xlsx_limits import _cell

    rows = read_rows("s.xlsx", _hand_made_xlsx(tmp_path, _cell("XFD2", "远")))

    assert [(r.line, r.problem) for r in rows] == [(2, "该行有 16384 列，超过 1000 列的上限")]


def test_an_xlsx_reference_past_column_zzz_refuses_the_file_not_a_500(tmp_path):
    """openpyxl raised ValueError for "ZZZZZZ2" while the rows were read."""
    from tests.hotline.test_xlsx_limits import _cell

    with pytest.raises(ImportFileError, match="第 2 行附近的内容无法读取"):
        read_rows("s.xlsx", _hand_made_xlsx(tmp_path, _cell("ZZZZZZ2", "远")))
