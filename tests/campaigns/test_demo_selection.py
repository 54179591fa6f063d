import pytest
from django.core.management import call_command

from accounts.models import Role, User
from campaigns.models import (
    Ballot,
    Batch,
    CommitmentStatement,
    EvaluatedDepartment,
    StageTransition,
    VoteCandidate,
    VoteParticipation,
    VoteSession,
)
from campaigns.stages import Stage

pytestmark = pytest.mark.django_db


def test_demo_batches_are_voted_and_both_went_through_to_results():
    call_command("load_demo", "--quiet-logins")

    batches = {b.number: b for b in Batch.objects.filter(campaign__slug="2021")}
    assert batches[1].stage == batches[2].stage == Stage.PUBLISHED
    assert User.objects.filter(role=Role.MEMBER, organizer__campaigns__slug="2021").count() == 30
    for number, (slots, voters) in {1: (6, 28), 2: (11, 29)}.items():
        batch = batches[number]
        session = VoteSession.objects.get(batch=batch)
        assert session.state == VoteSession.State.PUBLISHED and session.slots == slots
        assert (
            session.ballots_cast
            == voters
            == VoteParticipation.objects.filter(session=session).count()
        )
        assert Ballot.objects.filter(session=session).count() == voters
        selected = set(
            VoteCandidate.objects.filter(
                session=session, outcome=VoteCandidate.Outcome.SELECTED
            ).values_list("department_id", flat=True)
        )
        evaluated = set(
            EvaluatedDepartment.objects.filter(batch=batch).values_list("department_id", flat=True)
        )
        assert selected == evaluated and len(evaluated) == slots
        assert session.candidates.count() > slots  # 差额票决
        assert StageTransition.objects.filter(batch=batch).last().to_stage == batch.stage
        assert (
            CommitmentStatement.objects.filter(evaluated__batch=batch, is_published=True).count()
            == slots
        )
