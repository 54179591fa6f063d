"""Staff import a hotline file in real Chromium and follow it to its report."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from tests.conftest import login, screenshot
from tests.factories import BatchFactory, CampaignFactory, EvaluatedDepartmentFactory, StaffFactory
from tests.hotline.factories import HEADER, ticket, write_csv
from tests.support.charts import draw_charts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(request):
    """A real Celery worker when a broker is configured (PostgreSQL + Redis run); eager
    tasks otherwise."""
    if not django_settings.CELERY_TASK_ALWAYS_EAGER:
        return request.getfixturevalue("celery_worker_process")
    return None


@pytest.fixture
def setup(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(
        organizer=staff.organizer, year=2021, slug="2021", title="2021年专项工作评议"
    )
    batch = BatchFactory(campaign=campaign, number=1, name="第一批")
    police = EvaluatedDepartmentFactory(
        batch=batch, department__name="淄博市公安局", department__short_name="市公安局",
        department__slug="public-security",
    ).department  # fmt: skip
    return campaign, police


def test_staff_upload_a_csv_follow_progress_and_download_rejected_rows(
    page, setup, tmp_path, worker
):
    campaign, police = setup
    rows = [
        ticket(f"2021{i:05d}", when=f"2021-{1 + i % 10:02d}-{1 + i % 27:02d} 09:30",
               satisfaction=("满意", "基本满意", "不满意", "")[i % 4])
        for i in range(300)
    ]  # fmt: skip
    rows += [
        ticket(f"2020{i:05d}", when=f"2020-{1 + i % 10:02d}-{1 + i % 27:02d} 09:30")
        for i in range(360)
    ]
    rows += [ticket("2021X1", dept="张店区交警大队"), ticket("2021X2", dept="张店区交警大队")]
    rows += [
        ticket("", when="2021-03-01"),
        ticket("2021Y1", when="上周三"),
        ticket("2021Y2", satisfaction="还行"),
    ]
    path = write_csv(tmp_path / "12345工单导出.csv", rows, encoding="gb18030")

    login(page, "wangmin")
    page.get_by_role("link", name="12345热线").first.click()
    expect(page.get_by_role("heading", name="12345 热线数据")).to_be_visible()
    screenshot(page, "hotline-import-list")
    page.get_by_label("工单文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并导入").click()

    expect(page).to_have_url(re.compile(r"/staff/hotline/imports/\d+/$"))
    progress = page.locator("progress.progress")
    expect(progress).to_have_attribute("value", "100", timeout=60_000)
    expect(page.locator(".badge", has_text="已完成")).to_be_visible()
    expect(page.get_by_test_id("count-read")).to_have_text("665")
    expect(page.get_by_test_id("count-inserted")).to_have_text("662")
    expect(page.get_by_test_id("count-rejected")).to_have_text("3")
    expect(page.locator("#unmatched")).to_contain_text("张店区交警大队")
    screenshot(page, "hotline-import-report")

    # The page survives a reload: the state lives on the batch row.
    page.reload()
    expect(page.get_by_test_id("count-read")).to_have_text("665")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 CSV").click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "行号,原因," + ",".join(HEADER)  # the file's own header
    assert "上周三" in text and "还行" in text and len(text.splitlines()) == 4

    # One click turns the unmatched name into an alias of the police department.
    page.locator("#unmatched select").select_option(label="淄博市公安局")
    page.get_by_role("button", name="设为别名").click()
    expect(page.locator(".message-success")).to_contain_text("正在后台重新匹配工单")
    expect(page.get_by_test_id("alias-done")).to_contain_text("重新匹配了 2 条工单")
    expect(page.locator("#unmatched")).to_contain_text("已归入 市公安局")

    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "hotline-import-report-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{page.base_url}/staff/{campaign.slug}/hotline/")
    draw_charts(page)
    expect(page.locator("[data-chart-ready]")).to_have_count(1)
    expect(page.locator("table")).to_contain_text("市公安局")
    screenshot(page, "hotline-campaign-analytics")

    page.goto(f"{page.base_url}/staff/{campaign.slug}/hotline/departments/{police.slug}/")
    draw_charts(page)
    expect(page.locator("[data-chart-ready]")).to_have_count(3)
    screenshot(page, "hotline-department-analytics")

    page.goto(f"{page.base_url}/{campaign.slug}/departments/{police.slug}/")
    draw_charts(page)
    expect(page.locator("#hotline [data-chart-ready]")).to_have_count(2)
    expect(page.locator("#hotline")).not_to_contain_text("路口信号灯故障")
    screenshot(page, "hotline-public-department")
    page.set_viewport_size({"width": 390, "height": 844})
    draw_charts(page)
    screenshot(page, "hotline-public-department-phone")
