"""Issue 14 in real Chromium: the stage governs the public site (the finished 2021 campaign's
form is closed, with its dates), the receipt survives a reload (post/redirect/get), and the
campaign page shows the stepper and the public navigation."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from issues.models import Suggestion
from tests.conftest import screenshot
from tests.factories import BatchFactory, CampaignFactory, EvaluatedDepartmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quick_challenge(settings):
    settings.ALTCHA_MAX_NUMBER = 20_000


def test_finished_2021_campaign_is_closed_and_shows_stepper_and_navigation(page):
    call_command("load_demo", "--quiet-logins")

    page.goto(f"{page.base_url}/2021/")
    nav = page.get_by_role("navigation", name="主导航")
    for label in ("评议活动", "整改进展", "评议结果", "回执查询"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="提意见建议")).to_have_count(0)
    expect(page.get_by_role("link", name="提出意见建议")).to_have_count(0)
    current = page.locator("#stages [aria-current=step]")
    expect(current).to_have_count(2)
    expect(current.first).to_contain_text("结果公布")
    expect(current.first).to_contain_text("当前阶段")  # not colour alone
    expect(page.locator("#suggestion-window")).to_contain_text("意见建议征集已结束")
    screenshot(page, "public-campaign-stepper-nav")

    page.get_by_role("link", name="整改进展").first.click()
    expect(page).to_have_url(re.compile(r"/2021/progress/$"))

    page.goto(f"{page.base_url}/2021/suggest/")
    closed = page.locator(".window-closed")
    expect(closed).to_contain_text("提出意见建议已经结束")
    expect(closed).to_contain_text("2021年5月11日")
    expect(closed).to_contain_text("2021年6月15日")
    expect(page.locator("form textarea")).to_have_count(0)
    expect(closed.get_by_role("link", name="凭回执编号查询办理状态")).to_be_visible()
    screenshot(page, "public-suggest-closed")

    # The district campaign is collecting: its page offers the form, the header links it.
    page.goto(f"{page.base_url}/boshan-2021/")
    expect(page.get_by_role("link", name="提出意见建议")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="提意见建议")
    ).to_be_visible()

    # The header's search finds public content with highlights.
    page.goto(f"{page.base_url}/2021/")
    page.get_by_role("searchbox", name="搜索整改问题和进展").fill("长者食堂")
    page.get_by_role("searchbox", name="搜索整改问题和进展").press("Enter")
    expect(page).to_have_url(re.compile(r"/2021/search/\?q="))
    expect(page.locator(".search-results mark").first).to_have_text("长者食堂")
    screenshot(page, "public-search")


def test_reloading_the_thank_you_page_keeps_the_receipt(page):
    campaign = CampaignFactory(title="2026年专项工作评议", year=2026)
    batch = BatchFactory(campaign=campaign, number=1, name="第一批", stage="suggestions")
    EvaluatedDepartmentFactory(batch=batch, department__name="淄博市教育局")

    page.goto(f"{page.base_url}/{campaign.slug}/suggest/")
    page.get_by_label("涉及部门（单位）").select_option(label="淄博市教育局")
    page.get_by_label("您的意见建议").fill("建议学校开展课后延时服务，解决双职工家庭接孩子难。")
    page.get_by_text("我不是机器人").click()
    expect(page.locator("altcha-widget input[name=altcha]")).not_to_have_value("", timeout=30_000)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功，感谢您的意见建议")).to_be_visible()
    receipt = page.locator("[data-receipt]").inner_text().strip()
    expect(page).to_have_url(re.compile(rf"/suggestions/receipt/{receipt}/$"))

    page.reload()

    expect(page.get_by_role("heading", name="提交成功，感谢您的意见建议")).to_be_visible()
    expect(page.locator("[data-receipt]")).to_have_text(receipt)
    expect(page.get_by_text("请先完成")).to_have_count(0)
    assert Suggestion.objects.filter(campaign=campaign).count() == 1
    screenshot(page, "public-receipt-after-reload")
