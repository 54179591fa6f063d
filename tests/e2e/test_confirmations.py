"""Irreversible acts in real Chromium (issue 14): a member reviews, then confirms a
selection ballot; a merge that would move suggestions out of their theme warns with the
theme, the key issue and the public count, and changes nothing until confirmed."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns import services as campaign_services
from campaigns.models import Ballot, VoteParticipation
from issues.models import Suggestion, Theme
from issues.selectors import public_key_issues
from tests.conftest import login, screenshot
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    DepartmentFactory,
    EvaluatedDepartmentFactory,
    MemberFactory,
    NominationFactory,
    StaffFactory,
)
from tests.issues.factories import ConfirmedKeyIssueFactory, SuggestionFactory, ThemeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_reviews_then_confirms_a_selection_ballot(page):
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(organizer=staff.organizer, slug="2021", year=2021)
    batch = BatchFactory(campaign=campaign, number=1, name="第一批", slots=2)
    for name in ["淄博市教育局", "淄博市民政局", "淄博市公安局"]:
        NominationFactory(batch=batch, department=DepartmentFactory(name=name))
    member = MemberFactory(username="lijianguo", name="李建国", organizer=staff.organizer)
    campaign_services.vote_open(batch=batch, actor=staff, members=[member])

    login(page, "lijianguo")
    page.get_by_role("link", name="去投票").click()
    page.get_by_label("淄博市教育局").check()
    page.get_by_label("淄博市公安局").check()
    page.get_by_role("button", name="提交选票").click()

    review = page.locator("[data-confirm-review]")
    expect(review).to_contain_text("请核对您的选票")
    expect(review.locator(".confirm-items")).to_contain_text("淄博市教育局")
    expect(review.locator(".confirm-items")).to_contain_text("淄博市公安局")
    expect(review.locator(".confirm-items")).not_to_contain_text("淄博市民政局")
    screenshot(page, "confirm-1-ballot-review")
    assert not Ballot.objects.exists() and not VoteParticipation.objects.exists()

    page.get_by_role("button", name="确认提交选票").click()
    expect(page.get_by_text("您的选票已提交")).to_be_visible()
    screenshot(page, "confirm-2-ballot-done")
    ballot = Ballot.objects.get()
    assert ballot.choices.count() == 2

    # The back button and a resubmit of the same confirmation write nothing more.
    page.go_back()
    page.get_by_role("button", name="确认提交选票").click()
    expect(page.get_by_text(re.compile("该表单已提交，未重复处理|您已投票"))).to_be_visible()
    assert Ballot.objects.count() == 1


def test_merge_that_moves_suggestions_warns_and_changes_nothing_until_confirmed(page):
    department = EvaluatedDepartmentFactory(department__name="淄博市交通运输局")
    StaffFactory(username="wangmin", name="王敏", organizer=department.campaign.organizer)
    theme = ThemeFactory(department=department, title="农村客运班次少")
    issue = ConfirmedKeyIssueFactory(department=department, title="农村客运服务不足")
    issue.themes.add(theme)
    texts = [
        "农村客运班次太少，早上进城看病要等两个小时。",
        "乡村公交班次少，末班车太早，建议增加农村客运班次。",
        "农村客运班次少，学生周末回家坐不上车。",
    ]
    in_theme = [
        SuggestionFactory(department=department, text=t, theme=theme, status="merged")
        for t in texts
    ]
    anchor = SuggestionFactory(department=department, text="建议增加农村客运班次，方便村民进城。")

    login(page, "wangmin")
    url = reverse("issues:suggestion", args=[department.campaign.slug, anchor.pk])
    page.goto(f"{page.base_url}{url}")
    for s in in_theme:
        box = page.get_by_label(f"选择 {s.receipt}")
        expect(box).not_to_be_checked()
    expect(page.locator(".similar-list")).to_contain_text("已在主题“农村客运班次少”")
    screenshot(page, "confirm-3-suggestion-similar")

    # Staff tick the three anyway and ask for a new theme.
    for s in in_theme:
        page.get_by_label(f"选择 {s.receipt}").check()
    page.get_by_label("或归并为新主题").fill("农村客运")
    page.get_by_role("button", name="归并为新主题").click()

    warnings = page.locator(".confirm-warnings")
    expect(warnings).to_contain_text("农村客运班次少")
    expect(warnings).to_contain_text("由 3 条变为 0 条")
    expect(warnings).to_contain_text("农村客运服务不足")
    expect(warnings).to_contain_text("公开页面显示的意见建议数由 3 条变为 0 条")
    screenshot(page, "confirm-4-merge-warning")
    assert Theme.objects.count() == 1 and theme.suggestions.count() == 3
    [public] = public_key_issues(evaluated=department)
    assert public.suggestion_count == 3

    # The safe choice (first) merges only the suggestion that was in no theme.
    page.get_by_role("button", name=re.compile("只归并未归入其他主题的 1 条")).click()
    expect(page.locator(".message-success")).to_contain_text("已归并到主题“农村客运”")
    assert theme.suggestions.count() == 3
    assert list(Theme.objects.get(title="农村客运").suggestions.all()) == [anchor]
    assert Suggestion.objects.filter(theme=theme).count() == 3
    screenshot(page, "confirm-5-merge-safe-done")
