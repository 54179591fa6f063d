"""Old bookmarks still work in a real browser, and a reserved campaign slug is refused."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login, screenshot
from tests.factories import PASSWORD, BatchFactory, CampaignFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign():
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(organizer=staff.organizer, title="2021年专项工作评议", slug="y2021")
    BatchFactory(campaign=campaign, number=1, name="第一批")
    return campaign


def test_an_old_staff_bookmark_leads_through_the_login_to_the_new_page(page, campaign):
    page.goto(f"{page.base_url}/workspace/staff/{campaign.slug}/suggestions/?channel=web")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("用户名").fill("wangmin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(rf"/staff/{campaign.slug}/suggestions/\?channel=web$"))
    expect(page.get_by_role("heading", name="意见建议归并整理")).to_be_visible()
    screenshot(page, "old-bookmark-lands-on-staff-suggestions")


def test_staff_cannot_create_a_campaign_whose_slug_is_a_system_path(page, campaign):
    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/campaigns/new/")
    page.get_by_label("名称").fill("2022年专项工作评议")
    page.get_by_label("年度").fill("2022")
    page.get_by_label("网址标识").fill("staff")
    page.get_by_label("评价期开始").fill("2022-01-01")
    page.get_by_label("评价期结束").fill("2022-10-31")
    page.get_by_role("button", name="创建").click()

    # Under the field, and named again in the error summary at the top.
    expect(
        page.locator(".field-error", has_text="该网址标识与系统路径冲突（staff），请换一个。")
    ).to_be_visible()
    expect(
        page.locator(".error-summary a", has_text="该网址标识与系统路径冲突（staff），请换一个。")
    ).to_be_visible()
    screenshot(page, "campaign-new-reserved-slug")

    page.get_by_label("网址标识").fill("y2022")
    page.get_by_role("button", name="创建").click()
    expect(page).to_have_url(re.compile(r"/staff/y2022/$"))
