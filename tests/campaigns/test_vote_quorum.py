"""Selection vote quorum: more than half of the roll (fixed at open) must vote."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns import services
from campaigns.models import EvaluatedDepartment, VoteCandidate, VoteSession
from campaigns.tally import tally
from tests.campaigns.voting_helpers import cast, open_vote

pytestmark = pytest.mark.django_db

Outcome = VoteCandidate.Outcome


def test_tally_with_half_of_the_roll_voting_selects_nobody():
    result = tally(["a", "b"], [{"a"}, {"a"}], 1, roll=4)

    assert not result.quorate and result.selected == [] and result.tied == []
    assert result.votes == {"a": 2, "b": 0}
    assert "未达法定人数" in result.invalid_reason


def test_tally_with_more_than_half_of_the_roll_is_valid():
    result = tally(["a", "b"], [{"a"}, {"a"}, {"b"}], 1, roll=4)

    assert result.quorate and result.selected == ["a"] and result.invalid_reason == ""


def test_vote_below_quorum_cannot_be_published_and_changes_nothing():
    staff, batch, voters, session, cands = open_vote(candidates=3, slots=1, members=5)
    cast(session, voters, cands, "A", "A")  # 2 of 5

    services.vote_close(session=session, actor=staff)
    session.refresh_from_db()
    assert not session.quorate
    assert all(c.outcome == Outcome.NOT_SELECTED for c in session.candidates.all())
    with pytest.raises(ValidationError) as refused:
        services.vote_publish(session=session, actor=staff)

    assert "收回选票 2 张，未超过应投票人数 5 人的半数" in refused.value.messages[0]
    session.refresh_from_db()
    assert session.state == VoteSession.State.CLOSED
    assert not EvaluatedDepartment.objects.filter(batch=batch).exists()


def test_vote_below_quorum_can_be_held_again_on_all_candidates():
    staff, batch, voters, session, cands = open_vote(candidates=3, slots=1, members=5)
    cast(session, voters, cands, "A", "A")
    services.vote_close(session=session, actor=staff)

    again = services.runoff_open(session=session, actor=staff)
    candidates = list(again.candidates.order_by("position"))
    cast(again, voters, candidates, "A", "A", "B")
    services.vote_close(session=again, actor=staff)
    services.vote_publish(session=again, actor=staff)

    assert [c.department_id for c in candidates] == [c.department_id for c in cands]
    assert list(
        EvaluatedDepartment.objects.filter(batch=batch).values_list("department_id", flat=True)
    ) == [cands[0].department_id]


def test_staff_page_says_the_vote_is_invalid(client):
    staff, batch, voters, session, cands = open_vote(candidates=3, slots=1, members=5)
    cast(session, voters, cands, "A")
    services.vote_close(session=session, actor=staff)
    client.force_login(staff)

    page = client.get(reverse("campaigns-staff:batch", args=[batch.campaign.slug, batch.number]))

    assert "本轮票决未达法定人数，结果无效，不能公布" in page.content.decode()
