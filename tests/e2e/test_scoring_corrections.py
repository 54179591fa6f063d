"""A correction in real Chromium: staff re-open committee scoring after publication with a
reason; the public page keeps version 1 until staff publish version 2 with a 更正理由;
then it shows version 2 with the note and a link to version 1, still readable."""

import re

import pytest
from playwright.sync_api import expect

from scoring.services.committee import committee_ballot_submit, session_close, session_open
from scoring.services.public_vote import vote_set_open
from scoring.services.sheets import sheet_publish, sheet_recompute
from tests.conftest import login, screenshot
from tests.factories import MemberFactory
from tests.scoring.factories import (
    campaign_with_batch,
    no_hotline,
    public_ballots,
    research,
    survey_answers,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REASON = "一名委员因公缺席，补充其测评票"


@pytest.fixture
def published():
    """Version 1 published: 3 of the 5 members on the roll scored the department 90/92/94."""
    staff, campaign, batch, (ev,) = campaign_with_batch(1)
    campaign.title = "2021年专项工作评议"
    campaign.save()
    ev.department.name, ev.department.short_name = "淄博市教育局", "市教育局"
    ev.department.save()
    no_hotline(campaign, staff)
    members = [MemberFactory(organizer=campaign.organizer) for _ in range(5)]
    research(ev, staff, "90")
    survey_answers(batch, staff, {"city_deputy": [{ev: "satisfied"}] * 3})
    public_ballots(batch, staff, [{ev: "satisfied"}])
    vote_set_open(batch=batch, is_open=False, actor=staff)
    session = session_open(batch=batch, actor=staff)
    for member, score in zip(members, (90, 92, 94), strict=False):
        committee_ballot_submit(session=session, member=member, scores={ev.id: score})
    session_close(session=session, actor=staff)
    sheet_publish(sheet=sheet_recompute(campaign=campaign, actor=staff), actor=staff)
    return staff, campaign, ev, members


def test_correction_goes_public_only_when_published_with_a_reason(page, published):
    staff, campaign, ev, members = published
    base = page.base_url
    public = f"{base}/{campaign.slug}/scores/"

    # Staff re-open committee scoring for batch 1, giving the reason.
    login(page, staff.username)
    page.goto(f"{base}/staff/{campaign.slug}/scoring/")
    batch_card = page.locator("#batch-1")
    batch_card.get_by_label("更正理由（必填）").first.fill(REASON)
    screenshot(page, "corrections-reopen")
    batch_card.get_by_role("button", name="再次开始电子表决测评").click()
    review = page.locator("[data-confirm-review]")
    expect(review).to_contain_text(REASON)
    expect(review).to_contain_text("再次测评是一次更正")
    page.get_by_role("button", name="确认开始测评").click()
    expect(page.get_by_text("第一批电子表决测评已开始")).to_be_visible()

    # The fourth member, absent at round 1, scores (the earlier three cannot score again).
    session = ev.batch.committee_sessions.get(closed_at=None)
    committee_ballot_submit(session=session, member=members[3], scores={ev.id: 80})

    page.get_by_role("button", name="结束测评").click()
    page.get_by_role("button", name="确认结束测评").click()
    page.get_by_role("button", name="重新计算").click()
    expect(page.get_by_role("heading", name="成绩表第 2 版")).to_be_visible()

    # The public still reads version 1.
    viewer = page.context.browser.new_page()
    viewer.goto(public)
    expect(viewer.locator("#version")).to_contain_text("第 1 版")
    expect(viewer.locator("#ranking")).to_contain_text("92.00")
    expect(viewer.locator("#correction-note")).to_have_count(0)

    # Staff review exactly what goes public, and publish the correction with a reason.
    page.get_by_role("link", name="发布更正版本…").click()
    expect(page.locator("#diff")).to_contain_text("电子表决测评 92.00 → 89.00")
    expect(page.locator("#public-numbers")).to_contain_text("89.00")
    page.get_by_label(re.compile("更正理由")).fill(REASON)
    screenshot(page, "corrections-review")
    page.get_by_role("button", name="发布更正版本").click()
    expect(page.get_by_text("更正版本第 2 版已发布")).to_be_visible()

    # Now the public page shows version 2, the note, and a link to version 1.
    viewer.goto(public)
    expect(viewer.locator("#version")).to_contain_text("第 2 版")
    note = viewer.locator("#correction-note")
    expect(note).to_contain_text(REASON)
    expect(note).to_contain_text("第 2 版更正第 1 版")
    expect(note).to_contain_text(staff.display_name)
    expect(note).to_contain_text("电子表决测评 92.00 → 89.00")
    expect(viewer.locator("#ranking")).to_contain_text("89.00")
    screenshot(viewer, "corrections-public-v2")
    viewer.locator("#versions").get_by_role("link", name="第 1 版").click()
    expect(viewer).to_have_url(re.compile(r"/scores/v1/$"))
    expect(viewer.locator("#version")).to_contain_text("已被")
    expect(viewer.locator("#ranking")).to_contain_text("92.00")
    screenshot(viewer, "corrections-public-v1")
    viewer.close()
