"""Committee quorum: the component counts only when enough members of the roll scored."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scoring.formulas import BELOW_QUORUM, Quorum, ScoringSettings, committee_component
from scoring.models import CommitteeSession
from scoring.selectors import open_sessions_for_member
from scoring.services.committee import committee_ballot_submit, session_close, session_open
from scoring.services.config import config_update
from scoring.services.sheets import sheet_publish, sheet_recompute
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


@pytest.mark.parametrize(
    ("rule", "present", "roll", "counts"),
    [
        (Quorum.MAJORITY, 1, 30, False),  # issue 13: one of thirty
        (Quorum.MAJORITY, 15, 30, False),  # exactly half is not more than half
        (Quorum.MAJORITY, 16, 30, True),
        (Quorum.TWO_THIRDS, 19, 30, False),
        (Quorum.TWO_THIRDS, 20, 30, True),
        (Quorum.NONE, 1, 30, True),
    ],
)
def test_committee_component_counts_only_with_quorum(rule, present, roll, counts):
    settings = ScoringSettings(committee_quorum=rule)

    result = committee_component(["90"] * present, settings, roll=roll)

    assert (result.score == Decimal("90.00")) is counts
    assert result.below_quorum is not counts
    if not counts:
        assert result.missing_reason == BELOW_QUORUM
        assert f"应到 {roll} 人，实际评分 {present} 人" in result.explain()[1]


def test_without_a_roll_the_quorum_is_not_checked():
    assert committee_component(["90"], ScoringSettings()).score == Decimal("90.00")


def scored_campaign(*, roll: int, scored: int):
    staff, campaign, batch, evs = campaign_with_batch(1)
    no_hotline(campaign, staff)
    members = [MemberFactory(organizer=campaign.organizer) for _ in range(roll)]
    research(evs[0], staff, 90)
    survey_answers(batch, staff, {"public": [{evs[0]: S}]})
    public_ballots(batch, staff, [{evs[0]: S}])
    session = session_open(batch=batch, actor=staff)
    for member in members[:scored]:
        committee_ballot_submit(session=session, member=member, scores={evs[0].id: 92})
    session_close(session=session, actor=staff)
    return staff, campaign, batch, evs[0], members, session


def test_roll_is_fixed_when_the_session_opens():
    staff, campaign, batch, ev, members, session = scored_campaign(roll=3, scored=2)

    assert session.roll_size == 3 and set(session.roll.all()) == set(members)
    latecomer = MemberFactory(organizer=campaign.organizer)
    again = session_open(batch=batch, actor=staff)
    session_close(session=again, actor=staff)
    third = session_open(batch=batch, actor=staff)
    assert third.roll_size == 4
    with pytest.raises(ValidationError):
        committee_ballot_submit(session=session, member=latecomer, scores={ev.id: 90})


def test_member_not_on_the_roll_cannot_score():
    staff, campaign, batch, ev, members, _ = scored_campaign(roll=3, scored=0)
    session = CommitteeSession.objects.get(batch=batch)
    session.closed_at = None
    session.save(update_fields=["closed_at"])
    latecomer = MemberFactory(organizer=campaign.organizer)

    with pytest.raises(ValidationError) as refused:
        committee_ballot_submit(session=session, member=latecomer, scores={ev.id: 90})

    assert "应到名单" in refused.value.messages[0]
    assert session.participations.count() == 0


def test_below_quorum_sheet_is_incomplete_and_cannot_be_published(client):
    staff, campaign, batch, ev, members, _ = scored_campaign(roll=30, scored=1)

    sheet = sheet_recompute(campaign=campaign, actor=staff)

    row = sheet.rows.get()
    assert row.committee is None and row.missing == ["committee"] and not sheet.complete
    assert row.details["missing_reasons"]["committee"] == BELOW_QUORUM
    assert row.inputs["committee_roll"] == 30
    with pytest.raises(ValidationError) as refused:
        sheet_publish(sheet=sheet, actor=staff)
    assert f"{ev.department.name}：缺少电子表决测评（未达法定人数）" in refused.value.messages
    client.force_login(staff)
    page = client.get(reverse("scoring:sheet", args=[campaign.slug, 1])).content.decode()
    assert '—<span class="missing-reason muted">（未达法定人数）</span>' in page
    assert "未达法定人数" in page


def test_more_than_half_of_the_roll_counts():
    staff, campaign, batch, ev, members, _ = scored_campaign(roll=5, scored=3)

    sheet = sheet_recompute(campaign=campaign, actor=staff)

    assert sheet.complete and sheet.rows.get().committee == Decimal("92.00")


def test_quorum_setting_none_counts_any_number_and_makes_a_new_version():
    staff, campaign, batch, ev, members, _ = scored_campaign(roll=30, scored=1)
    first = sheet_recompute(campaign=campaign, actor=staff)

    config_update(campaign=campaign, actor=staff, committee_quorum=Quorum.NONE)
    second = sheet_recompute(campaign=campaign, actor=staff)

    assert not first.complete
    assert second.version == 2 and second.complete
    assert second.settings_snapshot["committee_quorum"] == "none"


def test_settings_form_saves_the_quorum(client):
    staff, campaign, *_ = campaign_with_batch(1)
    client.force_login(staff)
    page = client.get(reverse("scoring:settings", args=[campaign.slug])).content.decode()
    assert "超过应到人数的半数" in page


def test_only_members_on_the_roll_see_the_open_round():
    staff, campaign, batch, evs = campaign_with_batch(1)
    on_roll = MemberFactory(organizer=campaign.organizer)
    session = session_open(batch=batch, actor=staff)
    latecomer = MemberFactory(organizer=campaign.organizer)

    assert list(open_sessions_for_member(user=on_roll)) == [session]
    assert list(open_sessions_for_member(user=latecomer)) == []


def test_settings_form_saves_a_new_quorum(client):
    staff, campaign, *_ = campaign_with_batch(1)
    client.force_login(staff)
    url = reverse("scoring:settings", args=[campaign.slug])
    form = {
        "weight_research": "0.25",
        "weight_hotline": "0.20",
        "weight_survey": "0.25",
        "weight_public_vote": "0.10",
        "weight_committee": "0.20",
        "points_satisfied": "100",
        "points_basic": "60",
        "points_dissatisfied": "0",
        "trim_threshold": "7",
        "hotline_volume_flat_score": "80",
        "hotline_change_factor": "100",
        "hotline_s_weight": "0.7",
        "hotline_t_weight": "0.3",
        "hotline_low_sample_threshold": "30",
        "committee_quorum": "two_thirds",
    }

    client.post(url, form)

    campaign.scoring_config.refresh_from_db()
    assert campaign.scoring_config.committee_quorum == Quorum.TWO_THIRDS
