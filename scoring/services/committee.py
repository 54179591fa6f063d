"""Committee electronic scoring (电子表决测评): staff open and close a session per batch;
each member submits one immutable ballot scoring every department of the batch."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from campaigns.models import Batch, EvaluatedDepartment

from ..models import CommitteeBallot, CommitteeParticipation, CommitteeScore, CommitteeSession
from .config import config_get
from .history import event_record
from .recompute import recompute_soon
from .research import parse_score


@transaction.atomic
def session_open(*, batch: Batch, actor) -> CommitteeSession:
    named = config_get(campaign=batch.campaign).committee_named
    try:
        with transaction.atomic():
            session = CommitteeSession.objects.create(
                batch=batch, opened_by=actor, opened_at=timezone.now(), named=named
            )
    except IntegrityError:
        raise ValidationError("该批次的电子表决测评已在进行中") from None
    event_record(
        campaign=batch.campaign,
        actor=actor,
        action="committee.open",
        summary=f"{batch.name} 开始电子表决测评" + ("（实名）" if named else ""),
        session=session.id,
    )
    return session


@transaction.atomic
def session_close(*, session: CommitteeSession, actor) -> CommitteeSession:
    session = CommitteeSession.objects.select_for_update().get(pk=session.pk)
    if session.closed_at is not None:
        raise ValidationError("该电子表决测评已经结束")
    session.closed_at = timezone.now()
    session.save(update_fields=["closed_at"])
    campaign = session.batch.campaign
    submitted = session.participations.count()
    event_record(
        campaign=campaign,
        actor=actor,
        action="committee.close",
        summary=f"{session.batch.name} 结束电子表决测评，共 {submitted} 人提交",
        session=session.id,
    )
    recompute_soon(campaign.id)
    return session


def ballot_submit(*, session: CommitteeSession, member, scores: dict) -> None:
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


def session_turnout(*, session: CommitteeSession) -> dict:
    from accounts.models import User

    members = User.objects.filter(
        role=Role.MEMBER, is_active=True, organizer_id=session.batch.campaign.organizer_id
    ).count()
    submitted = session.participations.count()
    return {"members": members, "submitted": submitted}
