"""Real headless Chromium: staff find the official documents from the campaign page and
download a department's opinion letter and the zip of all."""

import zipfile

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.conftest import login, screenshot
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    EvaluatedDepartmentFactory,
    StaffFactory,
)
from tests.issues.factories import ConfirmedKeyIssueFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign():
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(
        organizer=staff.organizer, year=2021, slug="2021", title="2021年专项工作评议"
    )
    batch = BatchFactory(campaign=campaign, number=1, name="第一批")
    for name, short in (("淄博市教育局", "市教育局"), ("淄博市民政局", "市民政局")):
        ev = EvaluatedDepartmentFactory(
            batch=batch, department__name=name, department__short_name=short
        )
        ConfirmedKeyIssueFactory(department=ev, title=f"{short}重点问题")
    return campaign


def test_staff_download_an_opinion_letter_and_the_zip(page, campaign):
    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/2021/")
    page.get_by_role("link", name="评议公文").click()

    expect(page.get_by_role("heading", name="评议公文")).to_be_visible()
    expect(page.get_by_role("cell", name="淄博市教育局", exact=True)).to_be_visible()
    screenshot(page, "staff-documents")

    row = page.get_by_role("row", name="淄博市教育局")
    with page.expect_download() as info:
        row.get_by_role("link", name="下载").first.click()
    download = info.value
    assert download.suggested_filename == "2021-评议意见-市教育局.docx"
    text = "\n".join(p.text for p in Document(download.path()).paragraphs)
    assert "市教育局重点问题" in text

    with page.expect_download() as info:
        page.get_by_role("link", name="下载全部公文（ZIP）").click()
    archive = zipfile.ZipFile(info.value.path())
    assert "2021-整改情况报告-市民政局.docx" in archive.namelist()
