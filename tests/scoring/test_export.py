"""The Excel export, re-read: its numbers equal the sheet's to the cent."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from core.spreadsheets import safe_text
from scoring.export import workbook_bytes
from scoring.models import ScoreSheet
from scoring.services.sheets import sheet_recompute
from tests.scoring.factories import (
    campaign_with_batch,
    committee_scores,
    no_hotline,
    public_ballots,
    research,
    survey_answers,
)
from tests.scoring.test_frozen import _sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet():
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    b.department.name = '=HYPERLINK("http://x")局'
    b.department.save()
    no_hotline(campaign, staff)
    research(a, staff, "92.35")
    research(b, staff, "88")
    survey_answers(batch, staff, {"city_deputy": [{a: "satisfied", b: "basic"}] * 3})
    public_ballots(
        batch, staff, [{a: "basic", b: "satisfied"}, {a: "satisfied", b: "dissatisfied"}]
    )
    committee_scores(
        batch, staff, [{a: s, b: 100 - s / 2} for s in (98, 97.5, 99, 100, 90, 96, 95)]
    )
    return sheet_recompute(campaign=campaign, actor=staff)


def test_exported_workbook_equals_the_sheet(sheet, tmp_path):
    out = tmp_path / "scores.xlsx"

    call_command("export_scores", sheet.campaign.slug, "--out", str(out), "--version", "1")

    wb = load_workbook(out)
    ws = wb["综合得分"]
    assert "综合得分" in ws["A1"].value and sheet.campaign.title in ws["A1"].value
    assert "权重 0.3" in ws["E2"].value and "权重 0.2" in ws["I2"].value
    assert ws.freeze_panes == "E3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    exported = {}
    for values in ws.iter_rows(min_row=3, max_row=2 + sheet.rows.count(), values_only=True):
        exported[values[3]] = values
    for row in sheet.rows.all():
        got = exported[row.department_name]
        assert got[0] == row.rank_campaign and got[1] == row.rank_batch
        for value, expected in zip(
            got[4:10],
            [row.research, row.hotline, row.survey, row.public_vote, row.committee, row.composite],
            strict=True,
        ):
            if expected is None:  # missing: "—" with the reason, or 不完整 for the composite
                assert isinstance(value, str) and (value.startswith("—") or value == "不完整")
            else:
                assert Decimal(str(value)) == expected
    assert set(wb.sheetnames) == {
        "综合得分",
        "计算说明",
        "电子表决测评",
        "代表及社会各界评价",
        "网上社会投票",
        "12345大数据分析",
        "版本说明",
    }


def test_trimmed_committee_scores_are_marked(sheet, tmp_path):
    out = tmp_path / "s.xlsx"
    call_command("export_scores", sheet.campaign.slug, "--out", str(out))

    ws = load_workbook(out)["电子表决测评"]
    struck = [c.value for row in ws.iter_rows(min_row=2) for c in row if c.font.strike]
    assert sorted(struck) == [50, 55, 90, 100]  # one highest and one lowest per department


def test_no_cell_becomes_a_formula(sheet, tmp_path):
    out = tmp_path / "s.xlsx"
    call_command("export_scores", sheet.campaign.slug, "--out", str(out))

    wb = load_workbook(out)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    # The hostile department name is there, as typed, on every sheet, and marked as text.
    hostile = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value == '=HYPERLINK("http://x")局'
    ]
    assert len(hostile) >= len(wb.worksheets) and all(c.quotePrefix for c in hostile)
    assert safe_text("=1+1") == "'=1+1" and safe_text("-3") == "'-3" and safe_text("@a") == "'@a"
    assert safe_text("+86") == "'+86" and safe_text("市教育局") == "市教育局"


def test_incomplete_rows_are_last_and_name_what_is_missing():
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    no_hotline(campaign, staff)
    research(b, staff, "88")  # none for a: a has no composite
    survey_answers(batch, staff, {"city_deputy": [{a: "satisfied", b: "basic"}]})
    public_ballots(batch, staff, [{a: "basic", b: "satisfied"}])
    committee_scores(batch, staff, [{a: 90, b: 80}])
    sheet = sheet_recompute(campaign=campaign, actor=staff)

    ws = load_workbook(BytesIO(workbook_bytes(sheet)))["综合得分"]
    first, last = ws.iter_rows(min_row=3, max_row=4, values_only=True)

    assert first[:4] == (1, 1, "第一批", b.department.name)
    assert last[:4] == ("—", "—", "第一批", a.department.name)
    assert last[4] == "—（调研组尚未评分）" and last[9] == "不完整"
    assert last[10] == "问题整改成效调研（调研组尚未评分）"
    assert ws.cell(row=4, column=1).fill.fgColor.rgb.endswith("FFF2CC")


@pytest.mark.parametrize("snapshot", [{}, {"weights": None}, {"weights": {"research": "abc"}}])
def test_a_malformed_snapshot_or_missing_details_still_export(snapshot):
    sheet, row = _sheet(published=False)  # a row written by hand: no details at all
    ScoreSheet.objects.filter(pk=sheet.pk).update(settings_snapshot=snapshot)
    sheet.refresh_from_db()

    wb = load_workbook(BytesIO(workbook_bytes(sheet)))

    assert wb["综合得分"]["D3"].value == row.department_name
    assert "权重 —" in wb["综合得分"]["E2"].value
    explained = list(wb["计算说明"].iter_rows(values_only=True))
    assert ("评价分值", "满意 — 分、基本满意 — 分、不满意 — 分") in explained


def test_a_campaign_without_departments_exports_empty_tables():
    staff, campaign, batch, _ = campaign_with_batch(0)
    sheet = sheet_recompute(campaign=campaign, actor=staff)

    wb = load_workbook(BytesIO(workbook_bytes(sheet)))

    assert wb["综合得分"]["A2"].value == "排名" and wb["电子表决测评"]["A1"].value == "部门（单位）"
