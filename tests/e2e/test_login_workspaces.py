"""Real headless Chromium against the live test server."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login, screenshot
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign():
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(organizer=staff.organizer, title="2021年专项工作评议")
    batch = BatchFactory(campaign=campaign, number=1, name="第一批")
    education = EvaluatedDepartmentFactory(
        batch=batch, department__name="淄博市教育局", department__short_name="市教育局"
    ).department
    return staff, campaign, education


def test_liaison_logs_in_and_sees_the_liaison_workspace(page, campaign):
    _, _, education = campaign
    LiaisonFactory(username="chenjing", name="陈静", department=education)

    login(page, "chenjing")

    expect(page).to_have_url(re.compile(r"/workspace/liaison/$"))
    expect(page.get_by_role("heading", name="部门联络员工作台")).to_be_visible()
    expect(page.get_by_role("heading", name="淄博市教育局")).to_be_visible()
    expect(page.get_by_text("2021年专项工作评议")).to_be_visible()
    screenshot(page, "liaison-workspace")

    # The staff workspace is refused on the server, not just hidden from the menu.
    response = page.goto(f"{page.base_url}/staff/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="无权访问")).to_be_visible()


def test_staff_logs_in_and_sees_the_staff_workspace(page, campaign):
    login(page, "wangmin")

    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("heading", name="评议办工作台")).to_be_visible()
    expect(page.get_by_role("heading", name="2021年专项工作评议")).to_be_visible()
    expect(page.locator(".chip", has_text="市教育局")).to_be_visible()
    screenshot(page, "staff-workspace")

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()


def test_public_home_page_needs_no_login_and_fits_a_phone(browser, live_server, campaign):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()

    page.goto(live_server.url)

    expect(page.get_by_role("heading", name="2021年专项工作评议")).to_be_visible()
    expect(page.get_by_text("淄博市教育局")).to_be_visible()
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="菜单").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    screenshot(page, "home-phone")
    context.close()


def test_wrong_password_is_explained_in_chinese(page, campaign):
    login(page, "wangmin", "not-the-password")

    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
