"""The demo's score workbook as an office prints it: LibreOffice headless turns it into a PDF
once for the module (about 3 s) and poppler reads the pages back. The demo is loaded once
(about 8 s) inside a transaction rolled back when the module ends, as tests/demo does."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from openpyxl import load_workbook

from scoring.models import ScoreSheet
from tests.support.office import office_pdf, pdf_pages

pytestmark = pytest.mark.django_db

VERSION = "成绩表第 1 版"


@pytest.fixture(scope="module")
def exported(django_db_setup, django_db_blocker, tmp_path_factory):
    """(the demo's published sheet, the path of its exported workbook)."""
    out = tmp_path_factory.mktemp("workbook") / "scores-2021.xlsx"
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")),
        transaction.atomic(),
    ):
        call_command("load_demo", "--quiet-logins")
        call_command("export_scores", "2021", "--out", str(out))
        yield ScoreSheet.objects.get(campaign__slug="2021"), out
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def pages(exported):
    return pdf_pages(office_pdf(exported[1]))


@pytest.fixture
def workbook(exported):
    return load_workbook(exported[1])


def test_printed_workbook_has_no_hash_marks_and_every_page_names_the_version(pages):
    assert not [n for n, text in enumerate(pages, 1) if "###" in text]
    assert all(VERSION in text and "公布（已冻结）" in text for text in pages)
    assert all(f"共 {len(pages)} 页" in text for text in pages)


def test_demo_workbook_prints_on_fourteen_pages(pages):
    sheets = [text.split("·", 1)[1].split()[0] for text in pages]
    # Measured: the summary, the committee scores (17 departments × 17 scores, landscape),
    # the public vote, the hotline and 版本说明 one page each; 计算说明 six portrait pages
    # (settings, then about 20 lines of 计算过程 for each of 17 departments); the surveys
    # three (17 departments × 4 groups and a weighted-mean row).
    assert len(pages) == 14
    assert {name: sheets.count(name) for name in dict.fromkeys(sheets)} == {
        "综合得分": 1,
        "计算说明": 6,
        "电子表决测评": 1,
        "代表及社会各界评价": 3,
        "网上社会投票": 1,
        "12345大数据分析": 1,
        "版本说明": 1,
    }


def test_scores_print_with_two_decimals_and_rates_as_percentages(pages, exported):
    sheet = exported[0]
    summary, hotline = pages[0], next(p for p in pages if "· 12345大数据分析" in p)
    culture = sheet.rows.get(evaluated__department__slug="culture-tourism")
    assert culture.survey == 100 and culture.composite == Decimal("98.75")
    line = next(text for text in summary.splitlines() if culture.department_name in text)
    assert "100.00" in line.split() and "98.75" in line.split()
    # A score of exactly 100 on the hotline sheet prints as 100.00, a rate as a percentage.
    assert "100.00" in hotline and "%" in hotline
    for header in ("满意率", "工单量变化率", "满意率得分", "工单量得分"):
        assert header in hotline
    assert "rate" not in hotline and " S " not in hotline


def test_calculation_sheet_prints_settings_and_the_web_pages_lines(pages, exported):
    sheet = exported[0]
    explained = "\n".join(p for p in pages if "· 计算说明" in p)
    for text in ("综合得分权重", "评价分值", "去掉最高分和最低分", "法定人数", "计算过程"):
        assert text in explained
    assert sheet.inputs_digest in explained
    row = sheet.rows.get(evaluated__department__slug="culture-tourism")
    # The same lines as the staff and public pages (stored with the row), in print.
    assert row.explanation[0] in explained and row.explanation[-1] in explained


def test_every_sheet_is_set_up_to_print(workbook):
    for ws in workbook.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert VERSION in ws.oddFooter.left.text and "&P" in ws.oddFooter.right.text, ws.title
        assert ws.title in ws.oddHeader.center.text, ws.title
    assert workbook["电子表决测评"].page_setup.orientation == "landscape"
    assert workbook["电子表决测评"].print_title_rows == "$1:$1"
    assert workbook["综合得分"].print_title_rows == "$2:$2"


def test_dropped_committee_scores_stay_numbers_marked_by_style(workbook):
    ws = workbook["电子表决测评"]
    struck = [c for row in ws.iter_rows(min_row=2) for c in row if c.font.strike]
    assert len(struck) == 2 * 17  # one highest and one lowest for each of 17 departments
    for cell in struck:
        assert isinstance(cell.value, int | float), cell.coordinate
        assert cell.number_format == "0.00" and cell.fill.fgColor.rgb.endswith("D9D9D9")
    legend = [c.value for c in ws["A"] if isinstance(c.value, str) and "灰底删除线" in c.value]
    assert legend


def test_survey_sheet_lets_a_reader_redo_the_mean_by_hand(workbook, exported):
    sheet = exported[0]
    ws = workbook["代表及社会各界评价"]
    headers = [c.value for c in ws[1]]
    col = {title: headers.index(title) for title in headers}
    groups: dict[str, list] = {}
    checked = 0
    for values in ws.iter_rows(min_row=2, values_only=True):
        name, group = values[0], values[1]
        if group is None:
            continue
        if group != "加权平均":
            mean = Decimal(str(values[col["组别平均分（未取整）"]]))
            total, points = values[col["人数"]], values[col["分值合计"]]
            assert abs(mean - Decimal(points) / total) < Decimal("1e-9")
            groups.setdefault(name, []).append((Decimal(str(values[col["组别权重"]])), mean))
            continue
        # What a reader does with the printed (6-decimal) means: the sheet's score.
        printed = [(w, m.quantize(Decimal("0.000001"), ROUND_HALF_UP)) for w, m in groups[name]]
        by_hand = sum(w * m for w, m in printed) / sum(w for w, _ in printed)
        score = sheet.rows.get(department_name=name).survey
        assert by_hand.quantize(Decimal("0.01"), ROUND_HALF_UP) == score
        assert Decimal(str(values[col["得分"]])) == score
        checked += 1
    assert checked == 17


def test_summary_flags_low_sample_and_shows_batch_rank(workbook, exported):
    sheet = exported[0]
    ws = workbook["综合得分"]
    headers = [c.value for c in ws[2]]
    assert headers[:4] == ["排名", "批次内排名", "批次", "部门（单位）"]
    assert headers[-3:] == ["综合得分", "缺少", "热线低样本"]
    rows = {values[3]: values for values in ws.iter_rows(min_row=3, values_only=True)}
    for row in sheet.rows.all():
        got = rows[row.department_name]
        assert (got[0], got[1]) == (row.rank_campaign, row.rank_batch)
        assert got[-1] == ("是" if row.low_sample else None)
    assert sheet.rows.filter(low_sample=True).exists()
