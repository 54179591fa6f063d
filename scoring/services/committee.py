"""Committee electronic scoring (电子表决测评): staff open and close a session per batch;
each member submits one immutable ballot scoring every department of the batch.

Rounds. Every closed, not voided session of a batch counts (sources.collect_inputs), so a
second round (a correction after publication, or members who missed the first) adds to the
first instead of replacing it. Ballots are secret and not linked to members, so a later
ballot cannot replace a member's earlier one: a later round is open only to members on its
roll who have not scored in a counted round of the batch. To redo a round, staff void it
(`session_void`, with a reason) and open a new one; then everyone on the new roll may score.

Roll. The members who may score (应到名单) are fixed when a session opens: the organizer's
active committee members at that moment. Quorum is counted against the batch's roll."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from campaigns.models import Batch, EvaluatedDepartment
from core.unlinking import ballots_rewrite, vacuum_on_commit

from ..models import CommitteeBallot, CommitteeParticipation, CommitteeScore, CommitteeSession
from ..notify import session_event
from .config import config_get
from .corrections import correction_reason_check, correction_start
from .history import event_record
from .recompute import recompute_soon
from .research import parse_score


def counted_sessions(*, batch: Batch):
    """The sessions whose ballots count (or will, once closed): not voided."""
    return CommitteeSession.objects.filter(batch=batch, voided_at__isnull=True)


@transaction.atomic
def session_reopen_act(batch: Batch) -> str:
    return f"{batch.name}再次开始电子表决测评"


def session_open_check(*, batch: Batch, reason: str) -> None:
    """What session_open would refuse before writing anything (its review page asks first)."""
    correction_reason_check(campaign=batch.campaign, act=session_reopen_act(batch), reason=reason)


def session_void_check(*, reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError("请填写作废理由")


def session_open(*, batch: Batch, actor, reason: str = "", closes_at=None) -> CommitteeSession:
    """Open a round; the roll is the organizer's active members now. After publication this
    starts a correction and needs a reason; earlier rounds' ballots stay in. `closes_at`,
    optional, is the planned closing time shown to members (see scoring.notify)."""
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError("计划截止时间须晚于现在。")
    named = config_get(campaign=batch.campaign).committee_named
    earlier = counted_sessions(batch=batch).exists()
    reason = correction_start(
        campaign=batch.campaign,
        actor=actor,
        act=session_reopen_act(batch),
        reason=reason,
    )
    members = list(
        User.objects.filter(
            role=Role.MEMBER, is_active=True, organizer_id=batch.campaign.organizer_id
        ).values_list("pk", flat=True)
    )
    try:
        with transaction.atomic():
            session = CommitteeSession.objects.create(
                batch=batch,
                opened_by=actor,
                opened_at=timezone.now(),
                named=named,
                roll_size=len(members),
                reason=reason,
                closes_at=closes_at,
            )
    except IntegrityError:
        raise ValidationError("该批次的电子表决测评已在进行中") from None
    session.roll.set(members)
    event_record(
        campaign=batch.campaign,
        actor=actor,
        action="committee.open",
        summary=f"{batch.name} 开始电子表决测评"
        + ("（实名）" if named else "")
        + ("（再次开始：已评分的委员不再评分）" if earlier else "")
        + f"，应到 {len(members)} 人",
        session=session.id,
        roll_size=len(members),
        reason=reason,
    )
    session_event(event="scoring.session_opened", session=session)
    return session


@transaction.atomic
def session_void(*, session: CommitteeSession, reason: str, actor) -> CommitteeSession:
    """Take a closed round's ballots out of the scores, for a written reason (a named act:
    the only way ballots leave the inputs). The ballots themselves are kept."""
    reason = (reason or "").strip()
    session_void_check(reason=reason)
    session = (
        CommitteeSession.objects.select_for_update()
        .select_related("batch__campaign")
        .get(pk=session.pk)
    )
    if session.closed_at is None:
        raise ValidationError("请先结束该电子表决测评，再作废")
    if session.voided_at is not None:
        raise ValidationError("该电子表决测评已经作废")
    campaign = session.batch.campaign
    correction_start(
        campaign=campaign,
        actor=actor,
        act=f"作废{session.batch.name}一轮电子表决测评",
        reason=reason,
    )
    session.voided_at, session.voided_by, session.void_reason = timezone.now(), actor, reason
    session.save(update_fields=["voided_at", "voided_by", "void_reason"])
    event_record(
        campaign=campaign,
        actor=actor,
        action="committee.void",
        summary=f"作废{session.batch.name}电子表决测评（{session.participations.count()} 张票）："
        f"{reason[:100]}",
        session=session.id,
        reason=reason,
    )
    recompute_soon(campaign.id)
    return session


@transaction.atomic
def session_close(*, session: CommitteeSession, actor) -> CommitteeSession:
    session = CommitteeSession.objects.select_for_update().get(pk=session.pk)
    if session.closed_at is not None:
        raise ValidationError("该电子表决测评已经结束")
    session.closed_at = timezone.now()
    session.save(update_fields=["closed_at"])
    # Unlink ballots from participations (xmin, order, ids): core.unlinking.
    ballots_rewrite(
        ballots=CommitteeBallot.objects.filter(session=session),
        children=[(CommitteeScore, "ballot")],
    )
    vacuum_on_commit(CommitteeBallot, CommitteeScore)
    campaign = session.batch.campaign
    submitted = session.participations.count()
    event_record(
        campaign=campaign,
        actor=actor,
        action="committee.close",
        summary=f"{session.batch.name} 结束电子表决测评，共 {submitted} 人提交",
        session=session.id,
    )
    session_event(event="scoring.session_closed", session=session, submitted=submitted)
    recompute_soon(campaign.id)
    return session


def committee_ballot_problems(*, evaluated: list[EvaluatedDepartment], scores: dict) -> dict:
    """What is wrong with each score as entered, keyed by evaluated department id, each
    message naming the department ("市教育局的测评分必须在 0 到 100 之间"), so the ballot
    page can mark every field and list them all at once; empty when all are good."""
    problems = {}
    for ev in evaluated:
        name = ev.department.name
        value = str(scores.get(ev.id, "")).strip()
        if value == "":
            problems[ev.id] = f"请为{name}打分"
            continue
        try:
            parse_score(value, what=f"{name}的测评分")
        except ValidationError as exc:
            problems[ev.id] = exc.messages[0]
    return problems


def committee_ballot_submit(*, session: CommitteeSession, member, scores: dict) -> None:
    """Record one member's ballot: `scores` maps every evaluated department id of the batch
    to a score. The participation row's unique constraint refuses a second ballot, also when
    two arrive at the same moment."""
    if member.role != Role.MEMBER or member.organizer_id != session.batch.campaign.organizer_id:
        raise ValidationError("只有本届常委会组成人员可以参加测评")
    evaluated_ids = set(
        EvaluatedDepartment.objects.filter(batch_id=session.batch_id).values_list("id", flat=True)
    )
    if set(scores) != evaluated_ids:
        raise ValidationError("请为本批次每个被评议部门（单位）打分")
    values = {ev_id: parse_score(value, what="测评分") for ev_id, value in scores.items()}
    try:
        with transaction.atomic():
            locked = CommitteeSession.objects.select_for_update().get(pk=session.pk)
            if locked.closed_at is not None:
                raise ValidationError("电子表决测评已经结束，不能再提交")
            _check_may_score(locked, member)
            CommitteeParticipation.objects.create(
                session=locked, member=member, submitted_at=timezone.now()
            )
            ballot = CommitteeBallot.objects.create(
                session=locked, member=member if locked.named else None
            )
            CommitteeScore.objects.bulk_create(
                CommitteeScore(ballot=ballot, evaluated_id=ev_id, score=value)
                for ev_id, value in values.items()
            )
            event_record(
                campaign=session.batch.campaign,
                actor=member,
                action="committee.submit",
                # The log prints the actor before the summary: name them once, there.
                summary=f"提交了 {session.batch.name} 的测评票",
                session=session.id,
            )
    except IntegrityError:
        raise ValidationError("您已提交过本次测评，测评票提交后不能修改") from None


def _check_may_score(session: CommitteeSession, member) -> None:
    """On the roll, and no ballot in another counted round of the batch (see the module
    docstring: a secret ballot cannot be replaced, so nobody scores twice)."""
    if session.roll_size and not session.roll.filter(pk=member.pk).exists():
        raise ValidationError("您不在本次测评的应到名单中（名单在测评开始时确定）")
    scored_before = (
        CommitteeParticipation.objects.filter(
            member=member, session__batch_id=session.batch_id, session__voided_at__isnull=True
        )
        .exclude(session=session)
        .exists()
    )
    if scored_before:
        raise ValidationError("您已在本批次此前的测评中提交过测评票，不能再次评分")


def session_turnout(*, session: CommitteeSession) -> dict:
    """Roll (fixed at open) and ballots submitted; legacy sessions without a stored roll
    fall back to the current members."""
    members = session.roll_size
    if not members:
        members = User.objects.filter(
            role=Role.MEMBER, is_active=True, organizer_id=session.batch.campaign.organizer_id
        ).count()
    submitted = session.participations.count()
    return {"members": members, "submitted": submitted}
