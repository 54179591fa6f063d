"""The staff inbox in Chromium: every count matches the rows of the list it opens; the
key-issue page filters; the triage bulk bar is in view where the rows are ticked."""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.inbox_helpers import unmatched_tickets, waiting_campaign
from tests.conftest import login, screenshot
from tests.factories import EvaluatedDepartmentFactory, ResearcherFactory, StaffFactory
from tests.issues.factories import SuggestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# inbox item -> the rows of the page it opens
ROWS = {
    "unmerged_suggestions": "table.triage tbody input[name=ids]",
    "key_issue_bounds": "section.key-issue-dept",
    "pending_updates": "#pending > ul.link-list >> nth=0 >> li a",
    "overdue_measures": "#overdue li a",
    "inputs_incomplete": "tr.inputs-row",
    "unmatched_names": "tr.unmatched-row",
}


def test_staff_inbox_counts_match_the_lists_they_open(page):
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = waiting_campaign(staff, ResearcherFactory(organizer=staff.organizer))
    unmatched_tickets(staff.organizer, ["某某街道办", "某某街道办", "旧称市容局"])
    login(page, "wangmin")
    expect(page).to_have_url(re.compile(r"/staff/$"))
    inbox = page.locator("#inbox")
    expect(inbox.get_by_role("heading", name="待办事项")).to_be_visible()
    expect(inbox.locator(".inbox-group-title", has_text=campaign.title)).to_be_visible()
    screenshot(page, "inbox-staff")

    # Dates in the campaign table never wrap.
    for cell in page.locator("td.date").all():
        assert cell.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"

    seen = {}
    for key, rows in ROWS.items():
        page.goto(f"{page.base_url}/staff/")
        item = page.locator(f'[data-inbox="{key}"]')
        count = int(item.locator("[data-count]").inner_text())
        with page.expect_navigation():  # count() does not wait: be on the list first
            item.locator("a").click()
        seen[key] = (count, page.locator(rows).count())
        screenshot(page, f"inbox-target-{key}")

    assert seen == {
        "unmerged_suggestions": (3, 3),
        "key_issue_bounds": (2, 2),
        "pending_updates": (1, 1),
        "overdue_measures": (2, 2),
        "inputs_incomplete": (2, 2),
        "unmatched_names": (2, 2),
    }
    # The incomplete inputs list names what each department lacks, and why.
    page.goto(f"{page.base_url}/staff/{campaign.slug}/scoring/?inputs=incomplete#inputs")
    rows = page.locator("tr.inputs-row")
    expect(rows.nth(0)).not_to_contain_text("调研组尚未评分")  # scored by the research group
    expect(rows.nth(1)).to_contain_text("问题整改成效调研（调研组尚未评分）")
    expect(page.locator("#inputs [data-total]")).to_have_text("2")


def test_key_issue_page_filters_in_the_browser(page):
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = waiting_campaign(staff, ResearcherFactory(organizer=staff.organizer))
    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/{campaign.slug}/key-issues/")
    cards = page.locator("section.key-issue-dept")
    expect(cards).to_have_count(5)

    page.get_by_label("数量").select_option(label="已确定数超出范围")
    page.get_by_role("button", name="筛选").click()
    expect(cards).to_have_count(2)
    expect(page.locator("#key-issue-count [data-total]")).to_have_text("2")
    screenshot(page, "key-issues-filtered")

    page.get_by_role("link", name="清除").click()
    page.get_by_label("状态").select_option(label="调研组提出")
    page.get_by_role("button", name="筛选").click()
    expect(cards).to_have_count(1)
    expect(cards.locator(".issue-list > li")).to_have_count(1)


def test_triage_bulk_bar_is_in_view_without_scrolling_and_stays_while_scrolling(page):
    staff = StaffFactory(username="wangmin", name="王敏")
    ev = EvaluatedDepartmentFactory(batch__campaign__organizer=staff.organizer)
    SuggestionFactory.create_batch(65, department=ev)
    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/{ev.campaign.slug}/suggestions/?per_page=100")
    expect(page.locator("table.triage tbody input[name=ids]")).to_have_count(65)
    height = page.viewport_size["height"]

    bar = page.locator("#bulkbar")
    box = bar.bounding_box()
    assert box is not None and box["y"] + 40 < height
    page.screenshot(path=str(screenshot(page, "triage-top").with_name("triage-viewport.png")))

    # Tick rows far down the list: the bar is still on screen (sticky), with the count.
    rows = page.locator("table.triage tbody input[name=ids]")
    rows.nth(60).check()
    rows.nth(61).check()
    box = bar.bounding_box()
    assert box is not None and 0 <= box["y"] < height
    expect(bar).to_contain_text("已选 2 条")
    page.screenshot(path=str(screenshot(page, "triage-top").with_name("triage-scrolled.png")))


def test_liaison_inbox_counts_match_the_lists_they_open(page):
    import datetime as dt

    from django.utils import timezone

    from rectification import services
    from tests.factories import LiaisonFactory
    from tests.rectification.factories import MeasureFactory, PlanFactory

    plan = PlanFactory()
    today = timezone.localdate()
    MeasureFactory(plan=plan, title="老旧小区路灯全部修复", deadline=today - dt.timedelta(days=3))
    MeasureFactory(plan=plan, title="物业收费公示", deadline=today + dt.timedelta(days=10))
    MeasureFactory(plan=plan, title="长效机制", deadline=today + dt.timedelta(days=90))
    ev = plan.key_issue.department
    liaison = LiaisonFactory(username="chenjing", name="陈静", department=ev.department)
    staff = StaffFactory(organizer=ev.campaign.organizer)
    services.plan_submit(plan=plan, actor=liaison)
    services.plan_publish(plan=plan, actor=staff)
    update = services.update_create(plan=plan, actor=liaison, text="已修复一半", percent=40)
    services.update_return(update=update, actor=staff, reason="请附现场照片")

    login(page, "chenjing")
    expect(page.locator("#inbox")).to_be_visible()
    screenshot(page, "inbox-liaison")
    seen = {}
    for key in ("returned_updates", "due_measures"):
        page.goto(f"{page.base_url}/workspace/liaison/")
        item = page.locator(f'[data-inbox="{key}"]')
        count = int(item.locator("[data-count]").inner_text())
        with page.expect_navigation():  # count() does not wait: be on the list first
            item.locator("a").click()
        seen[key] = (count, page.locator("#inbox-list tbody tr td a").count())
        screenshot(page, f"inbox-liaison-{key}")
    assert seen == {"returned_updates": (1, 1), "due_measures": (2, 2)}
    expect(page.locator("#inbox-list")).to_contain_text("已逾期")
