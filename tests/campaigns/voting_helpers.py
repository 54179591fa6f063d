"""Shared set-up for the selection-vote tests."""

from campaigns import services
from campaigns.models import VoteCandidate
from tests.factories import BatchFactory, MemberFactory, NominationFactory, StaffFactory


def vote_setup(*, candidates: int = 4, slots: int = 2, members: int = 5):
    """A batch with nominations, a staff user and eligible members; the vote not opened."""
    staff = StaffFactory()
    batch = BatchFactory(campaign__organizer=staff.organizer, slots=slots)
    for _ in range(candidates):
        NominationFactory(batch=batch)
    voters = [MemberFactory(organizer=staff.organizer) for _ in range(members)]
    return staff, batch, voters


def open_vote(**kwargs):
    staff, batch, voters = vote_setup(**kwargs)
    session = services.vote_open(batch=batch, actor=staff, members=voters)
    candidates = list(VoteCandidate.objects.filter(session=session).order_by("position"))
    return staff, batch, voters, session, candidates


def cast(session, voters, candidates, *ballots: str) -> None:
    """`cast(..., "AB", "", "C")`: voter 1 chooses candidates A and B, voter 2 abstains..."""
    for voter, letters in zip(voters, ballots, strict=False):
        services.selection_ballot_submit(
            session=session,
            member=voter,
            candidate_ids=[candidates["ABCDEFGH".index(x)].pk for x in letters],
        )
