"""Corrections after publication (scoring.md "Quorum, corrections and zero", issue 13)."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from scoring.export import workbook_bytes
from scoring.models import CommitteeSession, ScoreSheet, ScoringEvent
from scoring.services.committee import (
    committee_ballot_submit,
    session_close,
    session_open,
    session_void,
)
from scoring.services.public_vote import vote_set_open
from scoring.services.sheets import sheet_publish, sheet_recompute
from scoring.services.surveys import survey_create
from tests.confirming import post_confirmed
from tests.factories import MemberFactory
from tests.scoring.factories import (
    campaign_with_batch,
    no_hotline,
    public_ballots,
    research,
    survey_answers,
)

pytestmark = pytest.mark.django_db
S = "satisfied"


def committee_round(batch, staff, members, scores, *, reason=""):
    """Open a round (roll: the members existing now), let `members` score, close it."""
    session = session_open(batch=batch, actor=staff, reason=reason)
    for member, score in zip(members, scores, strict=True):
        committee_ballot_submit(
            session=session, member=member, scores={ev.id: score for ev in batch.evaluated.all()}
        )
    session_close(session=session, actor=staff)
    return session


def published_campaign(*, roll=5, scores=(90, 92, 94)):
    """A complete campaign whose first version is published; `roll` members, of whom
    len(scores) scored in round 1 (above quorum)."""
    staff, campaign, batch, evs = campaign_with_batch(1)
    no_hotline(campaign, staff)
    members = [MemberFactory(organizer=campaign.organizer) for _ in range(roll)]
    research(evs[0], staff, 90)
    survey_answers(batch, staff, {"public": [{evs[0]: S}]})
    public_ballots(batch, staff, [{evs[0]: S}])
    vote_set_open(batch=batch, is_open=False, actor=staff)
    committee_round(batch, staff, members[: len(scores)], scores)
    v1 = sheet_publish(sheet=sheet_recompute(campaign=campaign, actor=staff), actor=staff)
    return staff, campaign, batch, evs[0], members, v1


def test_new_round_after_publication_needs_a_reason_and_creates_nothing_without_one():
    staff, campaign, batch, *_ = published_campaign()

    with pytest.raises(ValidationError) as refused:
        session_open(batch=batch, actor=staff, reason="  ")

    assert "请填写更正理由" in refused.value.messages[0]
    assert CommitteeSession.objects.filter(batch=batch).count() == 1
    assert not ScoringEvent.objects.filter(action="correction.start").exists()


def test_second_round_keeps_the_published_ballots_and_waits_for_an_explicit_correction():
    staff, campaign, batch, ev, members, v1 = published_campaign()
    assert v1.rows.get().committee == Decimal("92.00")

    # Issue 13: one more member scores in a new round; the earlier three still count.
    committee_round(batch, staff, [members[3]], [80], reason="一名委员因公缺席，补充测评")
    v2 = sheet_recompute(campaign=campaign, actor=staff)

    assert v2.version == 2 and not v2.is_published
    assert v2.rows.get().inputs["committee"] == ["80.00", "90.00", "92.00", "94.00"]
    assert v2.rows.get().committee == Decimal("89.00")
    event = ScoringEvent.objects.get(action="correction.start")
    assert event.data["reason"] == "一名委员因公缺席，补充测评" and event.actor == staff
    # The published version did not move, and is still what the public sees.
    v1.refresh_from_db()
    assert v1.is_published and v1.rows.get().committee == Decimal("92.00")
    assert ScoreSheet.objects.filter(published_at__isnull=False).count() == 1


def test_member_who_scored_in_an_earlier_round_cannot_score_again():
    staff, campaign, batch, ev, members, _ = published_campaign()
    session = session_open(batch=batch, actor=staff, reason="补充测评")

    with pytest.raises(ValidationError) as refused:
        committee_ballot_submit(session=session, member=members[0], scores={ev.id: 10})

    assert "此前的测评中提交过" in refused.value.messages[0]
    assert session.participations.count() == 0


def test_voided_round_leaves_the_inputs_and_its_members_may_score_again():
    staff, campaign, batch, ev, members, v1 = published_campaign()
    first = CommitteeSession.objects.get(batch=batch)

    with pytest.raises(ValidationError):
        session_void(session=first, reason="", actor=staff)
    session_void(session=first, reason="测评器故障，分数错位", actor=staff)
    committee_round(batch, staff, members[:4], [70, 72, 74, 76], reason="重新测评")
    v2 = sheet_recompute(campaign=campaign, actor=staff)

    assert v2.rows.get().inputs["committee"] == ["70.00", "72.00", "74.00", "76.00"]
    first.refresh_from_db()
    assert first.void_reason == "测评器故障，分数错位" and first.voided_by == staff
    assert first.ballots.count() == 3  # kept, only no longer counted


def test_recompute_after_publication_with_nothing_changed_returns_the_published_version():
    staff, campaign, *_, v1 = published_campaign()

    assert sheet_recompute(campaign=campaign, actor=staff).pk == v1.pk
    assert ScoreSheet.objects.count() == 1


def test_correction_needs_a_reason_and_records_what_it_corrects():
    staff, campaign, batch, ev, members, v1 = published_campaign()
    committee_round(batch, staff, [members[3]], [80], reason="补充测评")
    v2 = sheet_recompute(campaign=campaign, actor=staff)

    with pytest.raises(ValidationError) as refused:
        sheet_publish(sheet=v2, actor=staff)
    assert "须填写更正理由" in refused.value.messages[0]
    assert not ScoreSheet.objects.get(pk=v2.pk).is_published

    sheet_publish(sheet=v2, actor=staff, reason="补入缺席委员的测评票")

    v2.refresh_from_db()
    assert v2.corrects == v1 and v2.correction_reason == "补入缺席委员的测评票"
    assert v2.published_by == staff and v2.published_at is not None
    assert ScoringEvent.objects.filter(action="sheet.correct", data__corrects=1).exists()


@pytest.mark.parametrize(
    "act",
    [
        lambda batch, staff, reason: vote_set_open(
            batch=batch, is_open=True, actor=staff, reason=reason
        ),
        lambda batch, staff, reason: survey_create(
            batch=batch, title="补充调查", actor=staff, reason=reason
        ),
    ],
    ids=["public-vote", "survey"],
)
def test_reopening_other_inputs_after_publication_needs_a_reason(act):
    staff, campaign, batch, *_ = published_campaign()

    with pytest.raises(ValidationError):
        act(batch, staff, "")
    assert not ScoringEvent.objects.filter(action="correction.start").exists()

    act(batch, staff, "发现漏发邀请")
    assert ScoringEvent.objects.filter(action="correction.start").count() == 1


def test_staff_reopen_form_refuses_an_empty_reason(client):
    staff, campaign, batch, *_ = published_campaign()
    client.force_login(staff)
    url = reverse("scoring:session-toggle", args=[campaign.slug, batch.number])

    page = client.post(url, {"action": "open", "reason": ""}, follow=True)

    assert "请填写更正理由" in page.content.decode()
    assert CommitteeSession.objects.filter(batch=batch).count() == 1
    review = client.post(url, {"action": "open", "reason": "补充测评"})
    assert "确认开始测评" in review.content.decode() and "补充测评" in review.content.decode()
    assert CommitteeSession.objects.filter(batch=batch).count() == 1  # nothing until confirmed
    post_confirmed(client, url, {"action": "open", "reason": "补充测评"})
    assert CommitteeSession.objects.get(batch=batch, closed_at=None).reason == "补充测评"


def corrected(client=None):
    staff, campaign, batch, ev, members, v1 = published_campaign()
    committee_round(batch, staff, [members[3]], [80], reason="补充测评")
    v2 = sheet_recompute(campaign=campaign, actor=staff)
    return staff, campaign, ev, v1, v2


def test_publish_review_page_shows_public_numbers_and_the_difference(client):
    staff, campaign, ev, v1, v2 = corrected()
    client.force_login(staff)
    url = reverse("scoring:publish", args=[campaign.slug, 2])

    page = client.get(url).content.decode()
    assert "发布更正版本" in page and "与已公布的第 1 版相比" in page
    assert "电子表决测评 92.00 → 89.00" in page
    assert 'name="reason"' in page

    refused = client.post(url, {"reviewed": v2.inputs_digest, "reason": ""}, follow=True)
    assert "须填写更正理由" in refused.content.decode()
    assert not ScoreSheet.objects.get(pk=v2.pk).is_published

    client.post(url, {"reviewed": v2.inputs_digest, "reason": "补入缺席委员的测评票"})
    assert ScoreSheet.objects.get(pk=v2.pk).corrects_id == v1.pk


def test_public_page_keeps_version_1_until_the_correction_is_published(client):
    staff, campaign, ev, v1, v2 = corrected()
    url = reverse("scoring:public-scores", args=[campaign.slug])

    before = client.get(url).content.decode()
    assert "第 1 版" in before and "92.00" in before and "89.00" not in before

    sheet_publish(sheet=v2, actor=staff, reason="补入缺席委员的测评票")
    after = client.get(url).content.decode()

    assert "第 2 版" in after and "更正说明" in after and "补入缺席委员的测评票" in after
    assert staff.display_name in after
    assert "电子表决测评 92.00 → 89.00" in after
    old_url = reverse("scoring:public-scores-version", args=[campaign.slug, 1])
    assert old_url in after
    old = client.get(old_url).content.decode()
    assert "92.00" in old and "已被" in old
    assert (
        client.get(reverse("scoring:public-scores-version", args=[campaign.slug, 3])).status_code
        == 404
    )


def test_unpublished_version_is_not_readable_publicly(client):
    staff, campaign, ev, v1, v2 = corrected()

    response = client.get(reverse("scoring:public-scores-version", args=[campaign.slug, 2]))

    assert response.status_code == 404


def test_public_api_gives_version_correction_and_earlier_versions(client):
    staff, campaign, ev, v1, v2 = corrected()
    sheet_publish(sheet=v2, actor=staff, reason="补入缺席委员的测评票")
    url = reverse("api:public-scores", args=[campaign.slug])

    data = client.get(url).json()

    assert data["version"] == 2 and data["current_version"] == 2
    assert data["correction"]["corrects"] == 1
    assert data["correction"]["reason"] == "补入缺席委员的测评票"
    assert data["correction"]["changes"][0]["changes"]["committee"] == {
        "old": "92.00",
        "new": "89.00",
    }
    assert [v["version"] for v in data["versions"]] == [2, 1]
    old = client.get(url, {"version": 1}).json()
    assert old["version"] == 1 and old["correction"] is None
    assert old["rows"][0]["committee"] == "92.00"


def test_export_says_version_and_correction():
    staff, campaign, ev, v1, v2 = corrected()
    sheet_publish(sheet=v2, actor=staff, reason="补入缺席委员的测评票")

    wb = load_workbook(BytesIO(workbook_bytes(ScoreSheet.objects.get(pk=v2.pk))))
    notes = [tuple(r) for r in wb["版本说明"].iter_rows(values_only=True)]

    assert ("版本", "第 2 版") in notes
    assert ("更正理由", "补入缺席委员的测评票") in notes
    assert any(r[0] == "第 1 版" for r in notes)
    assert "第 2 版" in wb["综合得分"]["A1"].value


def test_staff_void_a_round_through_the_manage_page(client):
    staff, campaign, batch, *_ = published_campaign()
    session = CommitteeSession.objects.get(batch=batch)
    client.force_login(staff)
    manage = client.get(reverse("scoring:manage", args=[campaign.slug])).content.decode()
    url = reverse("scoring:session-void", args=[campaign.slug, session.pk])
    assert url in manage and "作废本轮" in manage

    refused = client.post(url, {"reason": ""}, follow=True)
    session.refresh_from_db()
    assert "请填写作废理由" in refused.content.decode() and session.voided_at is None

    client.post(url, {"reason": "测评器故障"})
    session.refresh_from_db()
    assert session.voided_at is None  # the review page first: nothing until confirmed
    post_confirmed(client, url, {"reason": "测评器故障"})
    session.refresh_from_db()
    assert session.voided_at is not None and session.void_reason == "测评器故障"
    assert ScoringEvent.objects.filter(action="committee.void").exists()
