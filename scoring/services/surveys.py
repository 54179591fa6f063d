"""Surveys of deputies and society (人大代表及社会各界评价): one-time links per respondent,
one response each, rating every department of the batch."""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import DeputyLevel, Role, User
from campaigns.models import Batch, EvaluatedDepartment
from core.malformed import control_characters
from core.unlinking import ballots_rewrite, vacuum_on_commit
from departments.models import Organizer

from ..formulas import Rating, SurveyGroup
from ..models import Survey, SurveyParticipation, SurveyRating, SurveyRespondent, SurveyResponse
from .corrections import correction_start
from .history import event_record
from .recompute import recompute_soon

DEPUTY_GROUPS = {
    DeputyLevel.CITY: SurveyGroup.CITY_DEPUTY,
    DeputyLevel.DISTRICT: SurveyGroup.DISTRICT_DEPUTY,
    DeputyLevel.TOWN: SurveyGroup.TOWN_DEPUTY,
}
MAX_RESPONDENTS_PER_CALL = 2000


def _token() -> str:
    return secrets.token_urlsafe(24)


TITLE_MAX: int = Survey._meta.get_field("title").max_length or 120


@transaction.atomic
def survey_create(*, batch: Batch, title: str, actor, reason: str = "") -> Survey:
    title = (title or "").strip() or f"{batch.name}被评议部门（单位）整改成效评价"
    if len(title) > TITLE_MAX:
        raise ValidationError(f"调查标题不能超过 {TITLE_MAX} 个字")
    if control_characters(title) or control_characters(reason):
        raise ValidationError("调查标题或理由中含有不允许的控制字符")
    correction_start(campaign=batch.campaign, actor=actor, act=f"新建调查“{title}”", reason=reason)
    survey = Survey.objects.create(batch=batch, title=title)
    event_record(
        campaign=batch.campaign, actor=actor, action="survey.create", summary=f"创建调查：{title}"
    )
    return survey


@transaction.atomic
def respondents_add(*, survey: Survey, group: str, count: int, label: str, actor) -> int:
    """Add `count` respondents with one-time links to a group (e.g. 30 from the public)."""
    if group not in set(SurveyGroup):
        raise ValidationError("未知的调查组别")
    if not 1 <= count <= MAX_RESPONDENTS_PER_CALL:
        raise ValidationError(f"每次可添加 1 到 {MAX_RESPONDENTS_PER_CALL} 份")
    label = (label or "").strip() or SurveyGroup(group).label
    start = survey.respondents.filter(group=group).count()
    SurveyRespondent.objects.bulk_create(
        SurveyRespondent(survey=survey, group=group, label=f"{label} {start + n}", token=_token())
        for n in range(1, count + 1)
    )
    event_record(
        campaign=survey.batch.campaign,
        actor=actor,
        action="survey.respondents",
        summary=f"{survey.title}：{SurveyGroup(group).label} 增加 {count} 份邀请",
    )
    return count


@transaction.atomic
def deputies_invite(*, survey: Survey, actor) -> int:
    """Invite every deputy of the organizer's area; they answer from their workspace."""
    organizer = survey.batch.campaign.organizer
    deputies = User.objects.filter(role=Role.DEPUTY, is_active=True)
    if organizer.level != Organizer.Level.CITY and organizer.district_id:
        deputies = deputies.filter(district_id=organizer.district_id)
    already = set(survey.respondents.exclude(user=None).values_list("user_id", flat=True))
    new = [
        SurveyRespondent(
            survey=survey,
            group=DEPUTY_GROUPS[DeputyLevel(d.deputy_level)],
            label=d.display_name,
            user=d,
            token=_token(),
        )
        for d in deputies
        if d.id not in already and d.deputy_level in DEPUTY_GROUPS
    ]
    SurveyRespondent.objects.bulk_create(new)
    event_record(
        campaign=survey.batch.campaign,
        actor=actor,
        action="survey.deputies",
        summary=f"{survey.title}：邀请 {len(new)} 位人大代表",
    )
    return len(new)


@transaction.atomic
def survey_set_open(*, survey: Survey, is_open: bool, actor, reason: str = "") -> Survey:
    """Open or close. Re-opening after publication starts a correction (a reason). Closing
    waits for responses in flight (they lock the survey row) and rewrites the responses
    unlinkable from their participations (core.unlinking)."""
    Survey.objects.select_for_update().get(pk=survey.pk)
    if is_open and not survey.is_open:
        correction_start(
            campaign=survey.batch.campaign,
            actor=actor,
            act=f"重新开启调查“{survey.title}”",
            reason=reason,
        )
    survey.is_open = is_open
    survey.save(update_fields=["is_open"])
    if not is_open:
        ballots_rewrite(
            ballots=SurveyResponse.objects.filter(survey=survey),
            children=[(SurveyRating, "response")],
        )
        vacuum_on_commit(SurveyResponse, SurveyRating)
    event_record(
        campaign=survey.batch.campaign,
        actor=actor,
        action="survey.open" if is_open else "survey.close",
        summary=f"{'开启' if is_open else '结束'}调查：{survey.title}",
    )
    return survey


def survey_answer_submit(*, respondent: SurveyRespondent, answers: dict) -> None:
    """`answers` maps every evaluated department id of the batch to (rating, comment).
    The participation row (OneToOne on the respondent) refuses a second response."""
    survey = respondent.survey
    if not survey.is_open:
        raise ValidationError("该调查已结束")
    evaluated_ids = set(
        EvaluatedDepartment.objects.filter(batch_id=survey.batch_id).values_list("id", flat=True)
    )
    if set(answers) != evaluated_ids:
        raise ValidationError("请对每个被评议部门（单位）作出评价")
    ratings = set(Rating)
    for rating, _ in answers.values():
        if rating not in ratings:
            raise ValidationError("评价只能是满意、基本满意或不满意")
    try:
        with transaction.atomic():
            # The survey row's lock orders this response before or after a close (which
            # rewrites the responses it sees): never half-way, never missed by it.
            locked = Survey.objects.select_for_update().values_list("is_open", flat=True)
            if not locked.get(pk=survey.pk):
                raise ValidationError("该调查已结束")
            SurveyParticipation.objects.create(respondent=respondent, answered_at=timezone.now())
            response = SurveyResponse.objects.create(survey=survey, group=respondent.group)
            SurveyRating.objects.bulk_create(
                SurveyRating(
                    response=response,
                    evaluated_id=ev_id,
                    rating=rating,
                    comment=(comment or "").strip()[:500],
                )
                for ev_id, (rating, comment) in answers.items()
            )
    except IntegrityError:
        raise ValidationError("您已提交过本次评价，每人只能提交一次") from None
    recompute_soon(survey.batch.campaign_id)
