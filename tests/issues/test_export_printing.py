"""The suggestions and funnel workbooks as printed (LibreOffice → PDF, one conversion per
file): no "###", the header row and the page numbers on every page, the export time in the
footer, dates and counts as formatted numbers; by default no contact details, on screen or
on paper."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import StaffFactory
from tests.support.office import require_office
from tests.support.printing import assert_prints_readably, printed

from .factories import SuggestionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
TYPED_PHONE = "13887654321"


def cell_values(body: bytes) -> list:
    return [
        cell.value
        for sheet in load_workbook(io.BytesIO(body)).worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def test_default_suggestion_export_prints_readably_and_holds_no_contact(client, tmp_path):
    require_office()
    first = SuggestionFactory(
        contact=PHONE,
        text=f"小区门口路灯不亮，请回电 {TYPED_PHONE} 联系。" + "晚上出行很不安全。" * 8,
        department__department__name="淄博市住房和城乡建设局",
    )
    SuggestionFactory.create_batch(
        60, department=first.department, contact=PHONE, text="公交等车时间太长。" * 6
    )
    client.force_login(StaffFactory(organizer=first.campaign.organizer))

    response = client.get(reverse("issues:export", args=[first.campaign.slug]))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["意见建议"]
    assert "联系方式" not in [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=2).number_format == "yyyy-mm-dd"
    values = [str(v) for v in cell_values(response.content) if v is not None]
    assert not any(PHONE in v or TYPED_PHONE in v for v in values)
    assert any("138****4321" in v for v in values)  # a number typed into the text, masked
    pages = printed(response.content, tmp_path / "suggestions.xlsx")
    assert len(pages) >= 2
    assert_prints_readably(pages, header="回执编号", version="导出于")
    text = "\n".join(pages)
    assert PHONE not in text and TYPED_PHONE not in text
    assert "2021-03-05" in text  # the date as a date, not a serial number
    assert first.campaign.title in pages[-1]  # the page header names the campaign


def test_funnel_export_prints_readably_with_counts(client, tmp_path):
    require_office()
    theme = ThemeFactory(is_focus=True, title="路灯照明")
    SuggestionFactory.create_batch(12, department=theme.department)
    client.force_login(StaffFactory(organizer=theme.campaign.organizer))

    response = client.get(reverse("issues:export-funnel", args=[theme.campaign.slug]))

    sheet = load_workbook(io.BytesIO(response.content))["征集归并情况"]
    assert sheet.cell(row=2, column=3).value == 12
    assert sheet.cell(row=2, column=3).number_format == "0"
    pages = printed(response.content, tmp_path / "funnel.xlsx")
    assert_prints_readably(pages, header="部门（单位）", version="导出于")
    assert "12" in pages[0] and theme.department.department.name in pages[0]
