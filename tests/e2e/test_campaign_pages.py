"""The demo campaign's pages in real Chromium, on a PC and a 390 px phone."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("load_demo", "--quiet-logins")


def demo_login(page, username):
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pingyi2021")
    page.get_by_role("button", name="登录").click()


def fits_phone(page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_public_campaign_and_department_pages_of_the_demo(page, demo):
    page.goto(f"{page.base_url}/2021/")

    expect(page.get_by_role("heading", name="常委会决定")).to_be_visible()
    # Both 2021 batches went through to results.
    expect(page.locator("#batch-1 .badge-stage").first).to_have_text("结果公布")
    expect(page.locator("#batch-2 .badge-stage").first).to_have_text("结果公布")
    expect(page.locator("#batch-1 .result-sheet")).to_contain_text("收回选票 28 张")
    screenshot(page, "demo-public-campaign")
    fits_phone(page)
    screenshot(page, "demo-public-campaign-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base_url}/2021/departments/education/")
    expect(page.locator("#statement")).to_contain_text("虚心接受、照单全收、坚决整改")
    screenshot(page, "demo-department-education")
    fits_phone(page)
    screenshot(page, "demo-department-education-phone")


def test_staff_batch_page_of_the_demo(page, demo):
    demo_login(page, "staff")
    page.get_by_role("link", name="评议活动与票决").click()
    page.get_by_role("link", name="淄博市人大常委会2021年专项工作评议").click()
    page.get_by_role("row", name="第一批").get_by_role("link", name="管理").click()

    expect(page.locator("#timeline .is-current")).to_contain_text("结果公布")
    expect(page.locator("#stage")).to_contain_text("第一批整改调度会议")
    expect(page.locator("#vote .result-sheet")).to_contain_text("当选")
    screenshot(page, "demo-staff-batch-1")

    # Stepping back one stage works.
    page.get_by_label("进入阶段").select_option(label="成效评价")
    page.get_by_label("说明（可选）").fill("演示：退回")
    page.get_by_role("button", name="变更阶段").click()
    expect(page.locator(".message-success")).to_contain_text("已进入“成效评价”阶段")
    fits_phone(page)
    screenshot(page, "demo-staff-batch-1-phone")


def test_member_workspace_of_the_demo(page, demo):
    demo_login(page, "member7")

    expect(page.locator("#votes")).to_contain_text("当前没有进行中的票决")
    screenshot(page, "demo-member-workspace")
