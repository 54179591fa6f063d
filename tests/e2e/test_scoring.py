"""Scoring in real Chromium: a citizen votes with the console SMS code, a committee member
scores, staff recompute and publish, and the public scores page shows the ranking."""

import re

import pytest
from playwright.sync_api import expect

from scoring.services.committee import session_open
from scoring.services.public_vote import vote_set_open
from tests.conftest import login, screenshot
from tests.factories import MemberFactory
from tests.scoring.factories import (
    campaign_with_batch,
    no_hotline,
    research,
    survey_answers,
)
from tests.support.charts import draw_charts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scoring_campaign():
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    campaign.title = "2021年专项工作评议"
    campaign.save()
    for ev, name, short in (
        (a, "淄博市文化和旅游局", "市文化和旅游局"),
        (b, "淄博市医疗保障局", "市医保局"),
    ):
        ev.department.name, ev.department.short_name = name, short
        ev.department.save()
    no_hotline(campaign, staff)
    research(a, staff, "96.77")
    research(b, staff, "95.10")
    survey_answers(batch, staff, {"city_deputy": [{a: "satisfied", b: "basic"}] * 3})
    vote_set_open(batch=batch, is_open=True, actor=staff)
    # Six members have scored already; the seventh does it in the browser below.
    session = session_open(batch=batch, actor=staff)
    from scoring.services.committee import committee_ballot_submit

    for score in (98, 97, 99, 100, 96, 95):
        committee_ballot_submit(
            session=session,
            member=MemberFactory(organizer=campaign.organizer),
            scores={a.id: score, b.id: score - 3},
        )
    member = MemberFactory(organizer=campaign.organizer, username="weiyuan", name="李建国")
    return staff, member, campaign, a, b


def test_vote_score_recompute_publish_and_public_ranking(page, scoring_campaign, caplog):
    staff, member, campaign, a, b = scoring_campaign
    base = page.base_url

    # A citizen verifies a phone number with the console code and votes.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/{campaign.slug}/vote/1/")
    with caplog.at_level("INFO", logger="pingyi.sms"):
        page.get_by_label("手机号码").fill("13812345678")
        page.get_by_role("button", name="获取验证码").click()
        expect(page.get_by_label("短信验证码")).to_be_visible()
    code = re.search(r"验证码为 (\d{6})", caplog.text).group(1)
    page.get_by_label("短信验证码").fill(code)
    page.locator(f'input[name="rating_{a.pk}"][value="satisfied"]').check()
    page.locator(f'input[name="rating_{b.pk}"][value="basic"]').check()
    screenshot(page, "scoring-vote-phone")
    page.get_by_role("button", name="提交投票").click()
    expect(page.get_by_role("heading", name="投票成功")).to_be_visible()

    # A committee member submits scores from the workspace.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "weiyuan")
    page.get_by_role("link", name=re.compile("测评打分")).click()
    page.get_by_label("淄博市文化和旅游局评分").fill("98.5")
    page.get_by_label("淄博市医疗保障局评分").fill("90")
    screenshot(page, "scoring-ballot")
    page.get_by_role("button", name="提交测评票").click()
    page.get_by_role("button", name="确认提交测评票").click()
    expect(page.get_by_role("heading", name="您已提交测评票")).to_be_visible()
    page.context.clear_cookies()

    # Staff close the session, recompute and publish.
    login(page, staff.username)
    page.goto(f"{base}/staff/{campaign.slug}/scoring/")
    page.get_by_role("button", name="结束测评").click()
    expect(page.locator("[data-confirm-review]")).to_contain_text("已评分")
    screenshot(page, "scoring-session-close-review")
    page.get_by_role("button", name="确认结束测评").click()
    page.get_by_role("button", name="结束投票").click()
    page.get_by_role("button", name="确认结束投票").click()
    expect(page.get_by_text("网上社会投票已结束")).to_be_visible()
    screenshot(page, "scoring-manage")
    page.get_by_role("button", name="重新计算").click()
    expect(page.get_by_role("heading", name="成绩表第 1 版")).to_be_visible()
    page.get_by_role("link", name="公布此版本…").click()
    expect(page.locator("#public-numbers")).to_contain_text("淄博市文化和旅游局")
    page.get_by_role("button", name="确认公布").click()
    expect(page.get_by_text(re.compile("已公布 .*已冻结"))).to_be_visible()
    screenshot(page, "scoring-sheet")
    page.context.clear_cookies()

    # The public scores page shows the ranking and the chart.
    page.goto(f"{base}/{campaign.slug}/scores/")
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("淄博市文化和旅游局")
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("1")
    draw_charts(page)
    expect(page.locator("#scores-chart[data-ready='1'] svg")).to_be_visible()
    screenshot(page, "scoring-public-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    draw_charts(page)
    expect(page.locator("#scores-chart[data-ready='1'] svg")).to_be_visible()
    screenshot(page, "scoring-public-phone")
