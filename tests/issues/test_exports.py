"""Excel exports: Chinese headers, frozen header, filters on, and citizen text that looks
like a formula stays text."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import StaffFactory

from .factories import SuggestionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1"]


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


@pytest.fixture
def staff_client(client):
    def login_for(campaign):
        client.force_login(StaffFactory(organizer=campaign.organizer))
        return client

    return login_for


def test_suggestion_export_neutralises_formulas(staff_client):
    first = SuggestionFactory(text=HOSTILE[0], contact="=cmd|' /C calc'!A0")
    for text in HOSTILE[1:]:
        SuggestionFactory(department=first.department, text=text)
    campaign = first.campaign
    client = staff_client(campaign)
    url = reverse("issues:export", args=[campaign.slug])

    # The contact column is there only when asked for (test_export_privacy.py).
    response = client.post(url, {"include_contact": "on", "form_token": "formulas-0001"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))

    sheet = workbook["意见建议"]
    assert [c.value for c in sheet[1]][:3] == ["回执编号", "日期", "征集渠道"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K6"
    texts = {sheet.cell(row=r, column=7).value: sheet.cell(row=r, column=7) for r in range(2, 7)}
    assert set(texts) == set(HOSTILE)
    for cell in texts.values():
        assert cell.data_type == "s"  # a string, never "f" (formula)
        assert cell.quotePrefix  # and Excel keeps it text even when the cell is edited
    contact = [
        sheet.cell(row=r, column=11) for r in range(2, 7) if sheet.cell(row=r, column=11).value
    ]
    assert contact[0].value.startswith("=cmd") and contact[0].data_type == "s"


def test_export_follows_the_triage_filters(staff_client):
    a = SuggestionFactory(text="公交等车时间太长。")
    SuggestionFactory(department=a.department, text="路灯不亮。")
    client = staff_client(a.campaign)

    workbook = download(client, reverse("issues:export", args=[a.campaign.slug]) + "?q=公交")

    assert workbook["意见建议"].max_row == 2


def test_funnel_export(staff_client):
    theme = ThemeFactory(is_focus=True, title="=危险主题")
    SuggestionFactory.create_batch(3, department=theme.department)
    client = staff_client(theme.campaign)

    workbook = download(client, reverse("issues:export-funnel", args=[theme.campaign.slug]))

    sheet = workbook["征集归并情况"]
    header = [c.value for c in sheet[1]]
    assert header[:7] == [
        "批次",
        "部门（单位）",
        "征集意见建议",
        "已归并",
        "归并主题",
        "重点关注主题",
        "重点整改问题",
    ]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    row = [c.value for c in sheet[2]]
    assert row[2:6] == [3, 0, 1, 1]
