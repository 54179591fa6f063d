"""In real Chromium: a liaison deletes a measure added by mistake (through the review page),
withdraws one that has progress with a reason, marks a reminder read, and the public page
shows the withdrawn measure with its reason."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.stages import Stage
from rectification import services
from rectification.models import Measure, Notice
from tests.conftest import login, screenshot
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    StaffFactory,
)
from tests.issues.factories import ConfirmedKeyIssueFactory
from tests.rectification.factories import MeasureFactory, NoticeFactory, PlanFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "该项工作已并入全市课后服务统一平台建设，不再单独推进。"


@pytest.fixture
def issue():
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(organizer=staff.organizer, title="2021年专项工作评议", year=2021)
    batch = BatchFactory(campaign=campaign, number=1, name="第一批", stage=Stage.RECTIFICATION)
    education = EvaluatedDepartmentFactory(
        batch=batch,
        department__name="淄博市教育局",
        department__short_name="市教育局",
        department__slug="education",
    )
    liaison = LiaisonFactory(username="chenjing", name="陈静", department=education.department)
    key_issue = ConfirmedKeyIssueFactory(department=education, title="学校课后服务不能满足群众需求")
    plan = PlanFactory(key_issue=key_issue, deadline=dt.date(2031, 8, 20))
    started = MeasureFactory(
        plan=plan,
        title="建设课后服务管理平台",
        target_value=1,
        target_unit="个",
        deadline=dt.date(2031, 7, 31),
    )
    MeasureFactory(plan=plan, title="误加的重复措施", deadline=dt.date(2031, 8, 10))
    services.plan_submit(plan=plan, actor=liaison)
    services.plan_publish(plan=plan, actor=staff)
    update = services.update_create(
        plan=plan, actor=liaison, text="平台已完成需求调研。", percent=20, values={started.pk: 0}
    )
    services.update_publish(update=update, actor=staff)
    NoticeFactory(
        recipient=liaison,
        message="淄博市教育局：整改措施“建设课后服务管理平台”将于 2031-07-31 到期。",
        created_at=timezone.now(),
    )
    return key_issue


def test_liaison_deletes_withdraws_and_reads_reminders(page, issue):
    slug = issue.department.campaign.slug
    login(page, "chenjing")

    # A reminder, read.
    page.goto(f"{page.base_url}/workspace/liaison/rectification/")
    expect(page.locator("[data-unread='1']")).to_be_visible()
    screenshot(page, "rectification-reminders-unread")
    page.get_by_role("button", name="标为已读", exact=True).click()
    expect(page.get_by_text("提醒已标记为已读。")).to_be_visible()
    expect(page.locator("[data-unread='0']")).to_be_visible()
    assert Notice.objects.get().read_at is not None

    # The measure added by mistake: deleted after the review.
    page.goto(f"{page.base_url}/workspace/liaison/rectification/{issue.pk}/")
    row = page.locator("tr", has_text="误加的重复措施")
    row.get_by_role("button", name="删除").click()
    expect(page.get_by_role("heading", name="删除整改措施：误加的重复措施")).to_be_visible()
    screenshot(page, "rectification-measure-delete-review")
    page.get_by_role("button", name="确认删除").click()
    expect(page.get_by_text("整改措施“误加的重复措施”已删除。")).to_be_visible()
    expect(page.locator("tr", has_text="误加的重复措施")).to_have_count(0)

    # The measure with progress: only withdrawn, with a reason.
    row = page.locator("tr", has_text="建设课后服务管理平台")
    expect(row.get_by_role("button", name="删除")).to_have_count(0)
    row.get_by_text("撤回", exact=True).click()
    row.get_by_label("撤回理由").fill(REASON)
    row.get_by_role("button", name="撤回措施").click()
    page.get_by_role("button", name="确认撤回").click()
    expect(page.get_by_text("整改措施“建设课后服务管理平台”已撤回。")).to_be_visible()
    screenshot(page, "rectification-measure-withdrawn-liaison")
    assert Measure.objects.get().state == Measure.State.WITHDRAWN

    # The public page: withdrawn, with the reason; the published progress stays.
    page.goto(f"{page.base_url}/{slug}/progress/{issue.pk}/")
    measure = page.locator(".measure", has_text="建设课后服务管理平台")
    expect(measure.locator("[data-state='withdrawn']")).to_have_text("已撤回")
    expect(measure.get_by_text(f"撤回理由：{REASON}")).to_be_visible()
    expect(page.get_by_text("平台已完成需求调研。")).to_be_visible()
    screenshot(page, "rectification-measure-withdrawn-public")
