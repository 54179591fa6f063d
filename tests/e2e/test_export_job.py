"""A large export in real Chromium (issue 21): staff ask for the suggestions CSV, land on
the export's progress page and download the finished file there. The threshold is lowered
so two suggestions are "large"; without a broker the worker runs inside the request."""

import pytest

from tests.conftest import login, screenshot
from tests.factories import CampaignFactory, EvaluatedDepartmentFactory, StaffFactory
from tests.issues.factories import SuggestionFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_celery"),
]


def test_staff_download_a_large_export_from_its_progress_page(page, settings):
    settings.EXPORT_DIRECT_ROWS = 1
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(organizer=staff.organizer, title="2021年专项工作评议", year=2021)
    education = EvaluatedDepartmentFactory(
        batch__campaign=campaign, department__name="淄博市教育局"
    )
    SuggestionFactory(department=education, text="建议学校开展课后延时服务。")
    SuggestionFactory(department=education, text="=1+1 学校门口拥堵。")
    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/{campaign.slug}/suggestions/")

    page.get_by_role("link", name="导出 CSV").click()

    page.get_by_test_id("export-state").filter(has_text="已完成").wait_for()
    screenshot(page, "export-job-done")
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    body = download.value.path().read_bytes().decode("utf-8")
    assert body.startswith("\ufeff回执编号") and "'=1+1 学校门口拥堵。" in body
    assert download.value.suggested_filename == f"suggestions-{campaign.slug}.csv"
