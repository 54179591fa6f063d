import datetime as dt
import threading
import time
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from campaigns import services
from campaigns.models import (
    Ballot,
    BallotChoice,
    EvaluatedDepartment,
    Nomination,
    VoteCandidate,
    VoteParticipation,
    VoteSession,
)
from tests.campaigns.voting_helpers import cast, open_vote, vote_setup
from tests.factories import DepartmentFactory, MemberFactory

pytestmark = pytest.mark.django_db

Outcome = VoteCandidate.Outcome


def outcomes(session):
    return {c.position: (c.votes, c.outcome) for c in VoteCandidate.objects.filter(session=session)}


def test_selected_with_majority_within_slots_and_published_as_evaluated_departments():
    staff, batch, voters, session, cands = open_vote(candidates=4, slots=2, members=5)
    cast(session, voters, cands, "AB", "AB", "AC", "BC", "A")

    services.vote_close(session=session, actor=staff)

    session.refresh_from_db()
    assert (session.ballots_cast, session.abstentions, session.threshold) == (5, 0, 3)
    assert outcomes(session) == {
        1: (4, Outcome.SELECTED),
        2: (3, Outcome.SELECTED),
        3: (2, Outcome.NOT_SELECTED),
        4: (0, Outcome.NOT_SELECTED),
    }
    assert not EvaluatedDepartment.objects.filter(batch=batch).exists()  # not yet published

    services.vote_publish(session=session, actor=staff)

    session.refresh_from_db()
    assert session.state == VoteSession.State.PUBLISHED
    assert session.published_by == staff and session.published_at
    assert session.closed_by == staff and session.opened_by == staff
    evaluated = EvaluatedDepartment.objects.filter(batch=batch).order_by("position")
    assert [e.department_id for e in evaluated] == [cands[0].department_id, cands[1].department_id]
    batch.refresh_from_db()
    assert batch.vote_date is not None


def test_exactly_half_of_the_ballots_is_below_the_threshold():
    staff, _, voters, session, cands = open_vote(candidates=3, slots=2, members=4)
    cast(session, voters, cands, "AB", "AB", "A", "C")

    services.vote_close(session=session, actor=staff)

    assert outcomes(session)[2] == (2, Outcome.NOT_SELECTED)
    assert outcomes(session)[1] == (3, Outcome.SELECTED)


def test_a_ballot_may_not_choose_more_than_slots_and_nothing_is_written():
    _, _, voters, session, cands = open_vote(candidates=4, slots=2, members=3)

    with pytest.raises(ValidationError, match="最多只能选择2个"):
        cast(session, voters, cands, "ABC")

    assert not VoteParticipation.objects.exists()
    assert not Ballot.objects.exists() and not BallotChoice.objects.exists()


def test_no_more_than_slots_are_selected_even_when_more_pass_the_threshold():
    staff, _, voters, session, cands = open_vote(candidates=4, slots=2, members=3)
    cast(session, voters, cands, "AB", "AB", "AC")

    services.vote_close(session=session, actor=staff)

    # C has 1 of 3; A 3, B 2: both pass 2 of 3; only two slots.
    assert [o for _, o in outcomes(session).values()].count(Outcome.SELECTED) == 2


def test_abstention_is_a_ballot_cast_that_raises_the_threshold():
    staff, _, voters, session, cands = open_vote(candidates=3, slots=1, members=4)
    cast(session, voters, cands, "A", "A", "B", "")

    services.vote_close(session=session, actor=staff)

    session.refresh_from_db()
    assert (session.ballots_cast, session.abstentions, session.threshold) == (4, 1, 3)
    assert outcomes(session)[1] == (2, Outcome.NOT_SELECTED)
    assert VoteParticipation.objects.filter(session=session).count() == 4


def test_tie_at_the_boundary_is_reported_and_settled_by_a_runoff_among_the_tied_only():
    staff, batch, voters, session, cands = open_vote(candidates=4, slots=2, members=5)
    cast(session, voters, cands, "AB", "AC", "AB", "AC", "BC")
    services.vote_close(session=session, actor=staff)
    assert outcomes(session) == {
        1: (4, Outcome.SELECTED),
        2: (3, Outcome.TIED),
        3: (3, Outcome.TIED),
        4: (0, Outcome.NOT_SELECTED),
    }
    with pytest.raises(ValidationError, match="请先开启再次投票"):
        services.vote_publish(session=session, actor=staff)

    runoff = services.runoff_open(session=session, actor=staff)

    assert runoff.round == 2 and runoff.slots == 1
    runoff_cands = list(runoff.candidates.order_by("position"))
    assert [c.department_id for c in runoff_cands] == [
        cands[1].department_id,
        cands[2].department_id,
    ]
    assert runoff.eligible.count() == 5
    cast(runoff, voters, runoff_cands, "B", "B", "B", "A", "")
    services.vote_close(session=runoff, actor=staff)
    services.vote_publish(session=runoff, actor=staff)

    evaluated = list(
        EvaluatedDepartment.objects.filter(batch=batch).values_list("department_id", flat=True)
    )
    assert evaluated == [cands[0].department_id, cands[2].department_id]
    assert set(VoteSession.objects.filter(batch=batch).values_list("state", flat=True)) == {
        VoteSession.State.PUBLISHED
    }


def test_a_member_who_is_not_eligible_is_rejected():
    _, _, voters, session, cands = open_vote(members=2)
    outsider = MemberFactory(organizer=voters[0].organizer)

    with pytest.raises(ValidationError, match="不在本次票决的投票人名单中"):
        services.selection_ballot_submit(
            session=session, member=outsider, candidate_ids=[cands[0].pk]
        )

    assert not VoteParticipation.objects.exists() and not Ballot.objects.exists()


def test_members_of_another_committee_cannot_be_put_on_the_roll():
    staff, batch, voters = vote_setup()
    stranger = MemberFactory()

    with pytest.raises(ValidationError, match="不是本人大常委会的组成人员"):
        services.vote_open(batch=batch, actor=staff, members=[*voters, stranger])

    assert not VoteSession.objects.exists()


def test_a_ballot_cannot_be_submitted_twice():
    _, _, voters, session, cands = open_vote()
    cast(session, voters[:1], cands, "A")

    with pytest.raises(ValidationError, match="已经投过票"):
        cast(session, voters[:1], cands, "B")

    assert VoteParticipation.objects.count() == 1
    assert Ballot.objects.count() == 1
    assert list(BallotChoice.objects.values_list("candidate_id", flat=True)) == [cands[0].pk]


def test_choices_outside_the_candidate_list_are_refused():
    _, _, voters, session, _ = open_vote()
    _, _, _, _, other_cands = open_vote()

    with pytest.raises(ValidationError, match="不在候选名单中"):
        services.selection_ballot_submit(
            session=session, member=voters[0], candidate_ids=[other_cands[0].pk]
        )
    with pytest.raises(ValidationError, match="选票内容不正确"):
        services.selection_ballot_submit(session=session, member=voters[0], candidate_ids=["x"])

    assert not VoteParticipation.objects.exists()


def test_no_ballot_after_the_vote_is_closed():
    staff, _, voters, session, cands = open_vote()
    services.vote_close(session=session, actor=staff)

    with pytest.raises(ValidationError, match="已经结束"):
        cast(session, voters, cands, "A")


@pytest.mark.parametrize(
    "change",
    [
        lambda batch, staff: services.nomination_add(
            batch=batch, department=DepartmentFactory(), reason="补充", actor=staff
        ),
        lambda batch, staff: services.nomination_remove(
            nomination=Nomination.objects.filter(batch=batch).first(), actor=staff
        ),
        lambda batch, staff: services.batch_slots_set(batch=batch, slots=3, actor=staff),
        lambda batch, staff: services.vote_open(
            batch=batch, actor=staff, members=[MemberFactory(organizer=staff.organizer)]
        ),
    ],
    ids=["add-nomination", "remove-nomination", "change-slots", "open-again"],
)
def test_candidates_slots_and_rules_are_locked_once_the_vote_opens(change):
    staff, batch, _, session, _ = open_vote(candidates=4, slots=2)

    with pytest.raises(ValidationError):
        change(batch, staff)

    batch.refresh_from_db()
    assert batch.slots == 2
    assert Nomination.objects.filter(batch=batch).count() == 4
    assert VoteSession.objects.filter(batch=batch).count() == 1
    assert session.candidates.count() == 4


def test_opening_needs_nominations_and_sensible_slots():
    staff, batch, voters = vote_setup(candidates=2, slots=3)

    with pytest.raises(ValidationError, match="多于候选部门"):
        services.vote_open(batch=batch, actor=staff, members=voters)
    services.batch_slots_set(batch=batch, slots=2, actor=staff)
    with pytest.raises(ValidationError, match="至少选择一名"):
        services.vote_open(batch=batch, actor=staff, members=[])

    assert not VoteSession.objects.exists()


def test_no_table_links_a_member_to_a_ballots_content():
    """The ballot side has no user, no time and no sequential id; the participation side
    has no reference to a ballot. Checked on the models, so a new field breaks this test."""
    ballot_side = [Ballot, BallotChoice]
    for model in ballot_side:
        fields = {f.name: f for f in model._meta.concrete_fields}
        assert fields["id"].get_internal_type() == "UUIDField", model
        for field in fields.values():
            assert field.get_internal_type() not in {"DateTimeField", "DateField"}, field
            if field.is_relation:
                assert field.related_model is not User, field
                assert field.related_model not in {VoteParticipation}, field
        assert set(fields) <= {"id", "session", "ballot", "candidate"}, model
    for field in VoteParticipation._meta.concrete_fields:
        assert field.get_internal_type() not in {"DateTimeField", "DateField"}, field
        if field.is_relation:
            assert field.related_model not in ballot_side, field
    # And no other model in the project points at both a user and a ballot.
    from django.apps import apps

    for model in apps.get_models():
        targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
        assert not (User in targets and targets & set(ballot_side)), model


def _table(model) -> tuple[list[str], list[tuple]]:
    """Every column of every row as the database holds it (not only the model's fields)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 - a model's table name
        return [c[0] for c in cursor.description], list(cursor.fetchall())


def _looks_like_a_time(value) -> bool:
    if isinstance(value, dt.date | dt.time):
        return True
    if isinstance(value, str):
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def test_ballots_carry_no_trace_of_the_member_in_the_database():
    _, _, voters, session, cands = open_vote(members=3)
    cast(session, voters, cands, "A", "B", "")

    ballot_columns, ballot_rows = _table(Ballot)
    choice_columns, choice_rows = _table(BallotChoice)

    # Nothing but a random id and the links: no member, no time, no order.
    assert sorted(ballot_columns) == ["id", "session_id"]
    assert sorted(choice_columns) == ["ballot_id", "candidate_id", "id"]
    assert len(ballot_rows) == 3 and len(choice_rows) == 2
    member_ids = {v.pk for v in voters} | {str(v.pk) for v in voters}
    usernames = {v.username for v in voters}
    ballot_ids = set()
    for row in ballot_rows:
        values = dict(zip(ballot_columns, row, strict=True))
        assert values["session_id"] == session.pk
        ballot_ids.add(str(values["id"]).replace("-", ""))
    for row in choice_rows:
        values = dict(zip(choice_columns, row, strict=True))
        assert str(values["ballot_id"]).replace("-", "") in ballot_ids
        assert values["candidate_id"] in {c.pk for c in cands}
    for columns, rows in ((ballot_columns, ballot_rows), (choice_columns, choice_rows)):
        for row in rows:
            for column, value in zip(columns, row, strict=True):
                assert not _looks_like_a_time(value), (column, value)
                assert not any(name in str(value) for name in usernames), column
                if column not in ("session_id", "candidate_id"):  # checked above by meaning
                    assert value not in member_ids and str(value) not in member_ids, column
                if column == "id":
                    # Version 4: random. A version 1 UUID would carry the time it was made.
                    assert uuid.UUID(str(value)).version == 4
    assert VoteParticipation.objects.filter(session=session).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_of_the_same_member_leave_one_ballot(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every write on one file lock, so two connections cannot race; "
            "run with DATABASE_URL=postgres://... to test the constraint under concurrency"
        )
    _, _, voters, session, cands = open_vote(members=1)
    member = voters[0]
    start = threading.Barrier(2)
    results: list[str] = []
    original = Ballot.objects.create

    def slow_create(**kwargs):
        # Hold the first transaction open after its participation INSERT so the second
        # connection's INSERT runs into the unique index while the first is uncommitted.
        time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(Ballot.objects, "create", slow_create)

    def submit(choice):
        try:
            start.wait(timeout=5)
            services.selection_ballot_submit(session=session, member=member, candidate_ids=[choice])
            results.append("ok")
        except ValidationError as exc:
            results.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(c.pk,)) for c in cands[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)

    assert sorted(results) == sorted(["ok", "您已经投过票，选票提交后不能更改或重复提交。"])
    assert VoteParticipation.objects.filter(session=session, member=member).count() == 1
    assert Ballot.objects.filter(session=session).count() == 1
    assert BallotChoice.objects.filter(ballot__session=session).count() == 1


@pytest.mark.django_db(transaction=True)
def test_closing_while_a_ballot_is_in_flight_counts_it(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections racing: run with DATABASE_URL=postgres://...")
    staff, _, voters, session, cands = open_vote(members=2)
    submitted = threading.Event()
    original = Ballot.objects.create

    def slow_create(**kwargs):
        submitted.set()  # the submission holds its share lock from here until commit
        time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(Ballot.objects, "create", slow_create)

    def submit():
        try:
            services.selection_ballot_submit(
                session=session, member=voters[0], candidate_ids=[cands[0].pk]
            )
        finally:
            connection.close()

    voter = threading.Thread(target=submit)
    voter.start()
    assert submitted.wait(timeout=10)
    services.vote_close(session=session, actor=staff)  # waits for the ballot in flight
    voter.join(timeout=10)

    session.refresh_from_db()
    assert session.ballots_cast == 1 == VoteParticipation.objects.filter(session=session).count()
    assert VoteCandidate.objects.get(pk=cands[0].pk).votes == 1


def test_turnout_is_known_while_open_but_no_counts_are_stored():
    _, _, voters, session, cands = open_vote(members=4)
    cast(session, voters, cands, "A", "A")

    session.refresh_from_db()
    assert session.participations.count() == 2 and session.eligible_count == 4
    assert session.ballots_cast is None
    assert set(session.candidates.values_list("votes", flat=True)) == {None}
