"""Staff answer a suggestion in real Chromium (办理答复, through the review page), correct the
answer with a reason, and the public receipt page shows the latest answer and 已更正, never
the staff member's name."""

import pytest
from playwright.sync_api import expect

from issues.models import SuggestionAnswer
from tests.conftest import login, screenshot
from tests.factories import CampaignFactory, EvaluatedDepartmentFactory, StaffFactory
from tests.issues.factories import SuggestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWER = (
    "您反映的小学放学过早、家长接送难的问题已转交市教育局研究。\n"
    "全市小学自今年秋季学期起开展课后延时服务，至18:00结束。"
)
CORRECTED = ANSWER.replace("18:00", "18:30")


def test_staff_answer_and_correct_and_the_receipt_page_shows_the_latest(page):
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(organizer=staff.organizer, title="2021年专项工作评议", year=2021)
    education = EvaluatedDepartmentFactory(
        campaign=campaign, department__name="淄博市教育局", department__short_name="市教育局"
    )
    suggestion = SuggestionFactory(
        department=education, text="小学放学太早，希望学校开展课后服务。"
    )

    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/{campaign.slug}/suggestions/{suggestion.pk}/")
    page.get_by_role("button", name="核对并发出答复").click()
    # Nothing typed: the error summary names the field, the field says why.
    expect(page.get_by_role("alert")).to_contain_text("答复内容：请填写答复内容。")
    page.get_by_label("答复内容").fill(ANSWER)
    page.get_by_role("button", name="核对并发出答复").click()
    expect(page.get_by_text("提交前请核对：确认后不能撤销")).to_be_visible()
    screenshot(page, "answer-review")
    page.get_by_role("button", name="确认发出答复").click()
    expect(page.get_by_text("已发出办理答复")).to_be_visible()
    expect(page.locator("[data-current-answer]")).to_contain_text("至18:00结束")

    # A correction needs its reason.
    page.get_by_label("答复内容").fill(CORRECTED)
    page.get_by_role("button", name="核对并发出更正答复").click()
    expect(page.get_by_role("alert")).to_contain_text("更正答复须说明更正了什么、为什么更正。")
    page.get_by_label("更正理由").fill("结束时间写错：应为18:30")
    page.get_by_role("button", name="核对并发出更正答复").click()
    page.get_by_role("button", name="确认发出更正答复").click()
    expect(page.locator("[data-answer-version]")).to_have_count(2)
    screenshot(page, "answer-staff-history")
    assert list(SuggestionAnswer.objects.order_by("version").values_list("version", "text")) == [
        (1, ANSWER.replace("\r\n", "\n")),
        (2, CORRECTED),
    ]

    # The public receipt page, signed out.
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/suggestions/receipt/{suggestion.receipt}/")
    answer = page.locator("[data-answer]")
    expect(answer.locator("[data-answer-text]")).to_contain_text("至18:30结束")
    expect(answer.locator("[data-answer-text]")).not_to_contain_text("18:00")
    expect(answer.locator("[data-answer-corrected]")).to_have_text("已更正")
    expect(page.get_by_text("王敏")).to_have_count(0)
    screenshot(page, "answer-receipt")
