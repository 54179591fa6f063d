"""Irreversible acts of the selection vote go through a server-checked review: the first
POST writes nothing and shows what will change; only the confirmed second POST writes."""

import pytest
from django.urls import reverse

from campaigns.models import Ballot, VoteParticipation, VoteSession
from tests.campaigns.voting_helpers import cast, open_vote, vote_setup
from tests.confirming import post_confirmed, review_form

pytestmark = pytest.mark.django_db


def _open_url(batch):
    return reverse("campaigns-staff:vote-open", args=[batch.campaign.slug, batch.number])


def test_vote_open_shows_the_review_and_writes_nothing_until_confirmed(client):
    staff, batch, voters = vote_setup(candidates=3, slots=2, members=2)
    client.force_login(staff)

    review = client.post(_open_url(batch), {"members": [v.pk for v in voters]})

    body = review.content.decode()
    assert review.status_code == 200 and "确认开始票决" in body
    assert "应选名额" in body and all(n.department.name in body for n in batch.nominations.all())
    assert not VoteSession.objects.exists()

    post_confirmed(client, _open_url(batch), {"members": [v.pk for v in voters]})
    session = VoteSession.objects.get()
    assert set(session.eligible.values_list("member_id", flat=True)) == {v.pk for v in voters}


def test_vote_open_confirmation_is_bound_to_the_reviewed_payload(client):
    staff, batch, voters = vote_setup(candidates=3, slots=2, members=3)
    client.force_login(staff)
    _, fields = review_form(client.post(_open_url(batch), {"members": [voters[0].pk]}))

    # The same token with another voter list, or a forged token, is not a confirmation.
    swapped = client.post(_open_url(batch), {**fields, "members": [v.pk for v in voters]})
    forged = client.post(
        _open_url(batch), {"members": [voters[0].pk], "confirm": "1", "confirmation": "x"}
    )

    assert swapped.status_code == 200 and forged.status_code == 200
    assert not VoteSession.objects.exists()


def test_close_runoff_and_publish_change_nothing_without_confirmation(client):
    staff, batch, voters, session, cands = open_vote(candidates=4, slots=2, members=5)
    cast(session, voters, cands, "AB", "AC", "AB", "AC", "BC")
    client.force_login(staff)
    close = reverse("campaigns-staff:vote-close", args=[session.batch.campaign.slug, session.pk])

    unconfirmed = client.post(close)
    session.refresh_from_db()
    assert unconfirmed.status_code == 200 and "已投票" in unconfirmed.content.decode()
    assert session.state == VoteSession.State.OPEN

    post_confirmed(client, close)
    runoff_review = client.post(
        reverse("campaigns-staff:vote-runoff", args=[session.batch.campaign.slug, session.pk])
    )
    assert VoteSession.objects.count() == 1
    assert cands[1].department.name in runoff_review.content.decode()


def test_publish_review_lists_the_numbers_that_go_public(client):
    staff, batch, voters, session, cands = open_vote(candidates=3, slots=1, members=3)
    cast(session, voters, cands, "B", "B", "A")
    client.force_login(staff)
    post_confirmed(
        client,
        reverse("campaigns-staff:vote-close", args=[session.batch.campaign.slug, session.pk]),
    )
    publish = reverse(
        "campaigns-staff:vote-publish", args=[session.batch.campaign.slug, session.pk]
    )

    body = client.post(publish).content.decode()
    session.refresh_from_db()

    assert session.state == VoteSession.State.CLOSED
    assert f"{cands[1].department.name}：2 票，当选" in body
    assert f"{cands[0].department.name}：1 票，未当选" in body
    assert "收回选票" in body and "3 张" in body
    post_confirmed(client, publish)
    session.refresh_from_db()
    assert session.state == VoteSession.State.PUBLISHED


def test_member_ballot_review_shows_the_choices_and_writes_nothing(client):
    _, _, voters, session, cands = open_vote(candidates=3, slots=2, members=2)
    client.force_login(voters[0])
    url = reverse("campaigns-staff:ballot", args=[session.pk])

    review = client.post(url, {"candidates": [cands[0].pk, cands[2].pk]})
    _, fields = review_form(review)
    # Confirming another choice than the one reviewed is refused (new review, no ballot).
    changed = client.post(url, {**fields, "candidates": [cands[1].pk]})

    body = review.content.decode()
    assert cands[0].department.name in body and cands[2].department.name in body
    assert cands[1].department.name not in body
    assert changed.status_code == 200 and not Ballot.objects.exists()
    assert not VoteParticipation.objects.exists()

    post_confirmed(client, url, {"candidates": [cands[0].pk, cands[2].pk]})
    ballot = Ballot.objects.get()
    assert set(ballot.choices.values_list("candidate_id", flat=True)) == {
        cands[0].pk,
        cands[2].pk,
    }


def test_staff_tally_orders_by_votes_then_nomination_like_the_public_page(client):
    staff, batch, voters, session, cands = open_vote(candidates=3, slots=1, members=3)
    cast(session, voters, cands, "C", "C", "B")
    client.force_login(staff)
    post_confirmed(
        client,
        reverse("campaigns-staff:vote-close", args=[session.batch.campaign.slug, session.pk]),
    )

    page = client.get(
        reverse("campaigns-staff:batch", args=[batch.campaign.slug, batch.number])
    ).content.decode()
    names = [c.department.name for c in (cands[2], cands[1], cands[0])]

    sheet = page[page.index("result-sheet") :]
    assert sheet.index(names[0]) < sheet.index(names[1]) < sheet.index(names[2])
