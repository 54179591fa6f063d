"""Issue 13, in the database: a published selection-vote result refuses QuerySet.update()/
delete() (FrozenQuerySet, every backend) and, on PostgreSQL, raw SQL and cascades (the
triggers of campaigns/migrations/0004_frozen_vote_results.py); the vote's own flow (open,
count, run-off, publish) still writes what it must."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from campaigns import services
from campaigns.models import Campaign, VoteCandidate, VoteSession

from .voting_helpers import cast, open_vote

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"
)


@pytest.fixture
def published():
    staff, batch, voters, session, cands = open_vote(candidates=3, slots=1, members=3)
    cast(session, voters, cands, "A", "A", "B")
    services.vote_close(session=session, actor=staff)
    services.vote_publish(session=session, actor=staff)
    session.refresh_from_db()
    assert session.state == VoteSession.State.PUBLISHED
    return staff, session


def _result(session):
    return (
        VoteSession.objects.filter(pk=session.pk).values().first(),
        list(VoteCandidate.objects.filter(session=session).values().order_by("pk")),
    )


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# ------------------------------------------------------------------ FrozenQuerySet
def test_queryset_update_and_delete_of_a_published_result_are_refused(published):
    _, session = published
    before = _result(session)
    attempts = (
        lambda: VoteSession.objects.filter(pk=session.pk).update(ballots_cast=99),
        lambda: VoteSession.objects.filter(pk=session.pk).update(state="closed"),
        lambda: VoteSession.objects.filter(batch=session.batch).delete(),
        lambda: session.candidates.update(votes=99),
        lambda: VoteCandidate.objects.filter(session=session).delete(),
        lambda: VoteCandidate.objects.bulk_update(list(session.candidates.all()), ["votes"]),
    )
    for attempt in attempts:
        # bulk_update() has no savepoint of its own: an error spoils the outer transaction.
        with (
            pytest.raises(ValidationError, match="已公布的票决结果不能修改或删除"),
            transaction.atomic(),
        ):
            attempt()
    assert _result(session) == before


def test_a_queryset_with_one_published_row_changes_nothing(published):
    _, session = published
    _, _, _, other, _ = open_vote(candidates=2, slots=1, members=1)
    with pytest.raises(ValidationError):
        VoteSession.objects.filter(pk__in=[session.pk, other.pk]).update(slots=2)
    assert VoteSession.objects.get(pk=other.pk).slots == 1


def test_open_rows_still_update_in_bulk_with_one_extra_query(django_assert_num_queries):
    _, _, _, session, cands = open_vote(candidates=2, slots=1, members=1)
    with django_assert_num_queries(2):  # EXISTS, then the UPDATE
        assert VoteCandidate.objects.filter(session=session).update(reason="理由") == 2
    with django_assert_num_queries(2):
        assert VoteSession.objects.filter(pk=session.pk).update(slots=2) == 1
    assert set(session.candidates.values_list("reason", flat=True)) == {"理由"}


def test_a_runoff_is_counted_and_all_rounds_published_in_bulk():
    """vote_close bulk-updates candidates and vote_publish publishes every closed round at
    once (core.audit.audited_update): both pass the guard (and the triggers)."""
    staff, batch, voters, session, cands = open_vote(candidates=3, slots=1, members=5)
    cast(session, voters, cands, "A", "B")  # below quorum: every candidate again
    services.vote_close(session=session, actor=staff)
    runoff = services.runoff_open(session=session, actor=staff)
    runoff_cands = list(runoff.candidates.order_by("position"))
    cast(runoff, voters, runoff_cands, "A", "A", "B")
    services.vote_close(session=runoff, actor=staff)
    services.vote_publish(session=runoff, actor=staff)
    states = set(batch.vote_sessions.values_list("state", flat=True))
    assert states == {VoteSession.State.PUBLISHED}
    assert runoff.candidates.filter(outcome=VoteCandidate.Outcome.SELECTED).count() == 1


# ---------------------------------------------------------------------- database
@on_postgresql
def test_the_database_refuses_raw_updates_and_deletes_of_a_published_result(published):
    _, session = published
    before = _result(session)
    for sql in (
        "UPDATE campaigns_votesession SET ballots_cast = 99 WHERE id = %s",
        "UPDATE campaigns_votesession SET state = 'closed' WHERE id = %s",
        "DELETE FROM campaigns_votesession WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="published and frozen"):
            _raw(sql, [session.pk])
    for sql in (
        "UPDATE campaigns_votecandidate SET votes = 99 WHERE session_id = %s",
        "UPDATE campaigns_votecandidate SET outcome = 'selected' WHERE session_id = %s",
        "DELETE FROM campaigns_votecandidate WHERE session_id = %s",
    ):
        with pytest.raises(IntegrityError, match="published, frozen"):
            _raw(sql, [session.pk])
    assert _result(session) == before


@on_postgresql
def test_the_database_refuses_moving_a_candidate_into_a_published_session(published):
    _, session = published
    _, _, _, other, cands = open_vote(candidates=2, slots=1, members=1)
    with pytest.raises(IntegrityError):
        _raw(
            "UPDATE campaigns_votecandidate SET session_id = %s WHERE id = %s",
            [session.pk, cands[0].pk],
        )


@on_postgresql
def test_the_database_lets_open_and_closed_sessions_change_and_be_published():
    staff, _, voters, session, cands = open_vote(candidates=2, slots=1, members=2)
    _raw("UPDATE campaigns_votecandidate SET reason = 'x' WHERE session_id = %s", [session.pk])
    cast(session, voters, cands, "A", "A")
    services.vote_close(session=session, actor=staff)
    _raw("UPDATE campaigns_votesession SET abstentions = 0 WHERE id = %s", [session.pk])
    services.vote_publish(session=session, actor=staff)
    assert VoteSession.objects.get(pk=session.pk).state == VoteSession.State.PUBLISHED


@on_postgresql
def test_a_campaign_with_a_published_vote_cannot_be_deleted(published):
    """The cascade reaches the published session: refused, nothing deleted (operations.md
    says what to do instead)."""
    _, session = published
    campaign = Campaign.objects.get(batches=session.batch)
    before = _result(session)
    with pytest.raises(IntegrityError), transaction.atomic():
        campaign.delete()
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert _result(session) == before
