"""Staff export suggestions in real Chromium: the plain export has no contact details; the
"包含联系方式" option on the triage page downloads them and leaves an audit entry."""

import io

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from tests.conftest import login, screenshot
from tests.factories import CampaignFactory, EvaluatedDepartmentFactory, StaffFactory
from tests.issues.factories import SuggestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"


def cells(path) -> list:
    sheet = load_workbook(io.BytesIO(path.read_bytes()))["意见建议"]
    return [c.value for row in sheet.iter_rows() for c in row if c.value is not None]


def test_staff_ask_for_contacts_explicitly_and_it_is_audited(page):
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(organizer=staff.organizer, title="2021年专项工作评议", year=2021)
    education = EvaluatedDepartmentFactory(
        batch__campaign=campaign, department__name="淄博市教育局"
    )
    SuggestionFactory(department=education, text="建议学校开展课后延时服务。", contact=PHONE)
    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/{campaign.slug}/suggestions/")

    with page.expect_download() as plain:
        page.get_by_role("link", name="导出 Excel").click()
    assert PHONE not in cells(plain.value.path())

    page.get_by_text("导出含联系方式的 Excel").click()
    page.get_by_label("包含联系方式").check()
    page.get_by_label("用途（选填，记入审计日志）").fill("回访核实")
    screenshot(page, "suggestions-contact-export")
    with page.expect_download() as asked:
        page.get_by_role("button", name="导出 Excel（含联系方式）").click()

    assert PHONE in cells(asked.value.path())
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == staff and entry.additional_data["理由"] == "回访核实"
