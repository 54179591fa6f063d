"""What scoring tells committee members (issue 20): an electronic scoring session (电子表决
测评) opened or closed. Registered in ScoringConfig.ready(); the session services emit."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from campaigns.notify import closing_text, closing_window
from notifications import events
from notifications.models import Channel
from notifications.services import notify

MEMBER = (Role.MEMBER,)
WORK = events.WORK_CHANNELS

events.register(
    events.EventType(
        code="scoring.session_opened",
        label="电子表决测评开始",
        roles=MEMBER,
        title="【测评开始】{campaign}",
        body="{campaign}{batch}的电子表决测评已开始，请登录为被评议部门打分。",
        robot="{campaign}{batch}电子表决测评已开始，应到 {roll} 人。",
        channels=WORK,
        group="成效评价",
    )
)
events.register(
    events.EventType(
        code="scoring.session_closed",
        label="电子表决测评结束",
        roles=MEMBER,
        title="【测评结束】{campaign}",
        body="{campaign}{batch}的电子表决测评已结束，共 {submitted} 人提交。",
        robot="{campaign}{batch}电子表决测评已结束，共 {submitted} 人提交。",
        channels=(Channel.INAPP,),
        group="成效评价",
    )
)

events.register(
    events.EventType(
        code="scoring.session_closing_soon",
        label="电子表决测评即将截止",
        roles=MEMBER,
        title="【测评即将截止】{campaign}",
        body=(
            "{campaign}{batch}的电子表决测评计划于 {closes_at} 截止，"
            "您尚未提交测评票，请及时登录打分。"
        ),
        robot=(
            "{campaign}{batch}电子表决测评计划于 {closes_at} 截止，请尚未评分的组成人员及时提交。"
        ),
        channels=WORK,
        group="成效评价",
    )
)


def session_closing_soon_send(*, now: dt.datetime | None = None) -> int:
    """Hourly (beat): members on the roll of an open scoring session closing soon who have
    not scored it (nor an earlier counted round of the batch: they do not score again) hear
    it, once per session and member (the delivery key is the session). Returns how many
    deliveries were written."""
    from .models import CommitteeParticipation, CommitteeSession

    start, end = closing_window(now)
    written = 0
    sessions = CommitteeSession.objects.filter(
        closed_at__isnull=True, closes_at__gt=start, closes_at__lte=end
    ).select_related("batch__campaign")
    for session in sessions:
        scored = CommitteeParticipation.objects.filter(
            session__batch_id=session.batch_id, session__voided_at__isnull=True
        ).values("member_id")
        members = session.roll.filter(is_active=True).exclude(pk__in=scored)
        with transaction.atomic():
            written += len(
                session_event(event="scoring.session_closing_soon", session=session, users=members)
            )
    return written


def session_event(*, event: str, session, submitted: int = 0, users=None) -> list[int]:
    batch = session.batch
    return notify(
        event=event,
        key=session.pk,
        users=session.roll.all() if users is None else users,
        context={
            "campaign": batch.campaign.title,
            "batch": batch.name,
            "roll": session.roll_size,
            "submitted": submitted,
            "closes_at": closing_text(session.closes_at) if session.closes_at else "",
        },
        url=reverse("scoring:ballot", args=[session.pk]),
        organizer_id=batch.campaign.organizer_id,
    )
