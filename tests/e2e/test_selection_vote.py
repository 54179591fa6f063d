"""The selection vote in real Chromium: staff open it, two members vote (one on a phone),
staff close and publish, the public campaign page names the selected departments."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login, screenshot
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    DepartmentFactory,
    MemberFactory,
    NominationFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMES = ["淄博市教育局", "淄博市民政局", "淄博市公安局", "淄博市交通运输局"]


@pytest.fixture
def batch():
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(
        organizer=staff.organizer, title="2021年专项工作评议", slug="2021", year=2021
    )
    batch = BatchFactory(campaign=campaign, number=1, name="第一批", slots=2)
    for name in NAMES:
        NominationFactory(
            batch=batch,
            department=DepartmentFactory(name=name, short_name=name.replace("淄博", "")),
            reason="12345热线投诉量居前",
        )
    MemberFactory(username="lijianguo", name="李建国", organizer=staff.organizer)
    MemberFactory(username="zhanghua", name="张华", organizer=staff.organizer)
    return batch


def member_votes(browser, base_url, username, choices, *, phone=False, shot=None):
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = base_url
    login(page, username)
    expect(page).to_have_url(re.compile(r"/workspace/member/$"))
    page.get_by_role("link", name="去投票").click()
    for name in choices:
        page.get_by_label(name).check()
    expect(page.get_by_text(f"已选 {len(choices)} 个，最多可选 2 个。")).to_be_visible()
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name="提交选票").click()
    page.get_by_role("button", name="确认提交选票").click()
    expect(page.get_by_text("您的选票已提交")).to_be_visible()
    expect(page.locator("#votes .badge-ok", has_text="已投票")).to_be_visible()
    if shot:
        screenshot(page, f"{shot}-done")
    context.close()


def test_staff_open_members_vote_staff_close_and_publish(page, browser, batch):
    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/2021/batches/1/")
    expect(page.get_by_role("heading", name="候选部门（单位）提名")).to_be_visible()
    screenshot(page, "vote-1-staff-before-open")

    page.get_by_role("button", name="开始票决").click()
    page.get_by_role("button", name="确认开始票决").click()
    expect(page.locator(".message-success", has_text="票决已开始")).to_be_visible()
    expect(page.get_by_text("已投票 0 / 2 人")).to_be_visible()

    member_votes(
        browser, page.base_url, "lijianguo", ["淄博市教育局", "淄博市公安局"], shot="vote-2-ballot"
    )
    member_votes(
        browser,
        page.base_url,
        "zhanghua",
        ["淄博市教育局", "淄博市公安局"],
        phone=True,
        shot="vote-3-ballot-phone",
    )

    # The turnout fragment is polled by htmx: it updates without a reload.
    expect(page.get_by_text("已投票 2 / 2 人")).to_be_visible(timeout=12_000)
    expect(page.locator(".result-sheet")).to_have_count(0)
    screenshot(page, "vote-4-staff-turnout")

    page.get_by_role("button", name="结束票决并计票").click()
    page.get_by_role("button", name="确认结束票决并计票").click()
    expect(page.locator(".result-sheet")).to_be_visible()
    page.get_by_role("button", name="公布票决结果").click()
    expect(page.locator(".confirm-items")).to_contain_text("当选")
    screenshot(page, "vote-5a-publish-review")
    page.get_by_role("button", name="确认公布").click()
    expect(page.locator(".message-success", has_text="票决结果已公布")).to_be_visible()
    screenshot(page, "vote-5-staff-published")

    page.goto(f"{page.base_url}/2021/")
    batch_card = page.locator("section.batch", has_text="第一批")
    expect(batch_card.get_by_role("link", name="淄博市教育局")).to_be_visible()
    expect(batch_card.get_by_role("link", name="淄博市公安局")).to_be_visible()
    expect(batch_card.get_by_role("link", name="淄博市民政局")).to_have_count(0)
    expect(page.locator(".result-sheet")).to_contain_text("当选")
    screenshot(page, "vote-6-public-campaign")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "vote-7-public-campaign-phone")
