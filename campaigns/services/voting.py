"""The committee's selection vote (票决): open, submit a ballot, close, run-off, publish.

Secrecy and concurrency are guarded by the schema (see models.VoteParticipation); the
rules of counting live in campaigns.tally and are only called here."""

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User
from core import publiccache
from core.audit import audited_bulk_create, audited_bulk_update, audited_update
from core.unlinking import ballots_rewrite, vacuum_on_commit

from ..models import (
    Ballot,
    BallotChoice,
    Batch,
    EvaluatedDepartment,
    VoteCandidate,
    VoteEligibility,
    VoteParticipation,
    VoteSession,
)
from ..notify import vote_event
from ..stages import Stage
from ..tally import quorum_message, tally

Outcome = VoteCandidate.Outcome


def _eligible_members(*, batch: Batch, members: Iterable[User]) -> list[User]:
    members = list(members)
    if not members:
        raise ValidationError("请至少选择一名有投票权的常委会组成人员。")
    organizer_id = batch.campaign.organizer_id
    for member in members:
        if member.role != Role.MEMBER or not member.is_active:
            raise ValidationError(f"{member.display_name}不是常委会组成人员，不能参加票决。")
        if member.organizer_id != organizer_id:
            raise ValidationError(f"{member.display_name}不是本人大常委会的组成人员。")
    return members


def _open_session(
    *, batch: Batch, actor, slots: int, candidates, members, round_: int, closes_at=None
):
    members = _eligible_members(batch=batch, members=members)
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError("计划截止时间须晚于现在。")
    session = VoteSession.objects.create(
        batch=batch,
        round=round_,
        slots=slots,
        opened_by=actor,
        eligible_count=len({m.pk for m in members}),
        closes_at=closes_at,
    )
    audited_bulk_create(
        (
            VoteCandidate(session=session, department_id=dept_id, position=n, reason=reason)
            for n, (dept_id, reason) in enumerate(candidates, start=1)
        ),
        actor=actor,
    )
    unique = list({m.pk: m for m in members}.values())
    VoteEligibility.objects.bulk_create(VoteEligibility(session=session, member=m) for m in unique)
    vote_event(event="campaigns.vote_opened", session=session, members=unique)
    return session


@transaction.atomic
def vote_open(*, batch: Batch, actor, members: Iterable[User], closes_at=None) -> VoteSession:
    """Round 1: every nomination becomes a candidate; candidates, slots and rule lock.
    `closes_at`, optional, is the planned closing time shown to members (see notify)."""
    locked = Batch.objects.select_for_update().select_related("campaign").get(pk=batch.pk)
    if locked.stage != Stage.SELECTION:
        raise ValidationError("只有“确定评议对象”阶段的批次可以开始票决。")
    if locked.vote_sessions.exists():
        raise ValidationError("该批次已经开始过票决；票数相同时请开启再次投票。")
    nominations = list(locked.nominations.order_by("id").values_list("department_id", "reason"))
    if not nominations:
        raise ValidationError("请先提名候选部门（单位）。")
    if not locked.slots:
        raise ValidationError("请先设置应选名额。")
    if locked.slots > len(nominations):
        raise ValidationError(
            f"应选名额（{locked.slots}个）多于候选部门（{len(nominations)}个），请调整。"
        )
    return _open_session(
        batch=locked,
        actor=actor,
        slots=locked.slots,
        candidates=nominations,
        members=members,
        round_=1,
        closes_at=closes_at,
    )


@transaction.atomic
def runoff_open(*, session: VoteSession, actor, members: Iterable[User] | None = None):
    """A run-off among the candidates tied across the last slot, for the slots left."""
    batch = Batch.objects.select_for_update().select_related("campaign").get(pk=session.batch_id)
    session = VoteSession.objects.get(pk=session.pk)
    latest = batch.vote_sessions.aggregate(n=Max("round"))["n"]
    if session.state != VoteSession.State.CLOSED or session.round != latest:
        raise ValidationError("只能对最近一轮已结束、尚未公布的票决开启再次投票。")
    tied = list(
        session.candidates.filter(outcome=Outcome.TIED).values_list("department_id", "reason")
    )
    if not session.quorate:
        # Below quorum the round decided nothing: vote again on all of its candidates.
        tied = list(session.candidates.order_by("position").values_list("department_id", "reason"))
    if not tied:
        raise ValidationError("本轮票决没有票数相同需再次投票的候选部门。")
    selected = session.candidates.filter(outcome=Outcome.SELECTED).count()
    if members is None:
        members = User.objects.filter(pk__in=session.eligible.values("member_id"), is_active=True)
    return _open_session(
        batch=batch,
        actor=actor,
        slots=session.slots - selected,
        candidates=tied,
        members=members,
        round_=session.round + 1,
    )


def _share_lock(session_pk: int) -> None:
    """FOR SHARE on the session row until commit. Submissions share it with each other (no
    serialising of voters), but vote_close's FOR UPDATE waits for every submission in
    flight, and a submission that starts after a close waits for it and then reads the
    closed state: a ballot is either counted or refused, never lost. (Django's foreign-key
    checks are deferred to commit, so the INSERTs alone would not give this.) SQLite
    serialises writers on its file lock and needs nothing here."""
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(VoteSession._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [session_pk])  # noqa: S608


@transaction.atomic
def selection_ballot_submit(
    *, session: VoteSession, member: User, candidate_ids: Iterable[int]
) -> None:
    """Cast one ballot. An empty choice is an abstention. Returns nothing: the caller never
    needs (and must not keep) the ballot's id next to the member."""
    _share_lock(session.pk)
    session = VoteSession.objects.get(pk=session.pk)
    if session.state != VoteSession.State.OPEN:
        raise ValidationError("本次票决已经结束，不能再投票。")
    if not VoteEligibility.objects.filter(session=session, member=member).exists():
        raise ValidationError("您不在本次票决的投票人名单中，不能投票。")
    try:
        chosen = {int(c) for c in candidate_ids}
    except (TypeError, ValueError) as exc:
        raise ValidationError("选票内容不正确。") from exc
    valid = set(session.candidates.values_list("pk", flat=True))
    if chosen - valid:
        raise ValidationError("选票中有不在候选名单中的部门（单位）。")
    if len(chosen) > session.slots:
        raise ValidationError(
            f"最多只能选择{session.slots}个部门（单位），您选择了{len(chosen)}个。"
        )
    try:
        # The unique constraint is the guard: a second submission (even a concurrent one
        # in another connection) fails here and rolls back with its ballot.
        with transaction.atomic():
            VoteParticipation.objects.create(session=session, member=member)
    except IntegrityError as exc:
        raise ValidationError("您已经投过票，选票提交后不能更改或重复提交。") from exc
    ballot = Ballot.objects.create(session=session)
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, candidate_id=c) for c in sorted(chosen)
    )


@transaction.atomic
def vote_close(*, session: VoteSession, actor) -> VoteSession:
    session = VoteSession.objects.select_for_update().get(pk=session.pk)
    if session.state != VoteSession.State.OPEN:
        raise ValidationError("该票决不在投票中。")
    candidates = list(session.candidates.order_by("position"))
    ballots: dict = {pk: set() for pk in session.ballots.values_list("pk", flat=True)}
    choices = BallotChoice.objects.filter(ballot__session=session).values_list(
        "ballot_id", "candidate_id"
    )
    grouped: defaultdict = defaultdict(set)
    for ballot_id, candidate_id in choices:
        grouped[ballot_id].add(candidate_id)
    ballots.update(grouped)
    try:
        result = tally(
            [c.pk for c in candidates], ballots.values(), session.slots, roll=session.eligible_count
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    outcome = dict.fromkeys(result.selected, Outcome.SELECTED)
    outcome.update(dict.fromkeys(result.tied, Outcome.TIED))
    for candidate in candidates:
        candidate.votes = result.votes[candidate.pk]
        candidate.outcome = outcome.get(candidate.pk, Outcome.NOT_SELECTED)
    audited_bulk_update(candidates, ["votes", "outcome"], actor=actor)
    session.state = VoteSession.State.CLOSED
    session.closed_by, session.closed_at = actor, timezone.now()
    session.ballots_cast = result.ballots_cast
    session.abstentions = result.abstentions
    session.threshold = result.threshold
    session.save(
        update_fields=[
            "state",
            "closed_by",
            "closed_at",
            "ballots_cast",
            "abstentions",
            "threshold",
        ]
    )
    vote_ballots_unlink(session=session)
    vote_event(
        event="campaigns.vote_closed",
        session=session,
        members=[e.member for e in session.eligible.select_related("member")],
    )
    return session


def vote_ballots_unlink(*, session: VoteSession) -> int:
    """Rewrite the session's ballots and choices shuffled, with fresh ids, in the caller's
    (closing) transaction, and VACUUM their tables after it commits: afterwards no xmin,
    row order or id links a ballot to a participation (core.unlinking)."""
    count = ballots_rewrite(
        ballots=Ballot.objects.filter(session=session), children=[(BallotChoice, "ballot")]
    )
    vacuum_on_commit(Ballot, BallotChoice)
    return count


@transaction.atomic
def vote_publish(*, session: VoteSession, actor) -> VoteSession:
    """Publish the result sheet of every round of the batch; the selected departments
    become the batch's evaluated departments (in order of votes)."""
    batch = Batch.objects.select_for_update().select_related("campaign").get(pk=session.batch_id)
    session = VoteSession.objects.get(pk=session.pk)
    latest = batch.vote_sessions.aggregate(n=Max("round"))["n"]
    if session.state != VoteSession.State.CLOSED or session.round != latest:
        raise ValidationError("只能公布最近一轮已结束的票决结果。")
    if not session.quorate:
        raise ValidationError(quorum_message(session.ballots_cast or 0, session.eligible_count))
    if session.candidates.filter(outcome=Outcome.TIED).exists():
        raise ValidationError("有候选部门票数相同、跨越最后一个名额，请先开启再次投票。")
    if batch.stage != Stage.SELECTION:
        raise ValidationError("只有“确定评议对象”阶段的批次可以公布票决结果。")
    selected = list(
        VoteCandidate.objects.filter(session__batch=batch, outcome=Outcome.SELECTED)
        .select_related("department")
        .order_by("session__round", "-votes", "position")
    )
    taken = set(
        EvaluatedDepartment.objects.filter(
            campaign=batch.campaign, department_id__in=[c.department_id for c in selected]
        )
        .exclude(batch=batch)
        .values_list("department__name", flat=True)
    )
    if taken:
        raise ValidationError(f"{'、'.join(sorted(taken))}已是本次评议其他批次的被评议部门。")
    now = timezone.now()
    publiccache.bump(batch.campaign.slug)  # the sessions are published in bulk
    audited_update(
        batch.vote_sessions.filter(state=VoteSession.State.CLOSED),
        actor=actor,
        state=VoteSession.State.PUBLISHED,
        published_by=actor,
        published_at=now,
    )
    EvaluatedDepartment.objects.filter(batch=batch).exclude(
        department_id__in=[c.department_id for c in selected]
    ).delete()
    for position, candidate in enumerate(selected, start=1):
        EvaluatedDepartment.objects.update_or_create(
            campaign=batch.campaign,
            department_id=candidate.department_id,
            defaults={"batch": batch, "position": position},
        )
    if batch.vote_date is None:
        batch.vote_date = timezone.localdate(session.closed_at)
        batch.save(update_fields=["vote_date"])
    session.refresh_from_db()
    return session
