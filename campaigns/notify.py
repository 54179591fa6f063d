"""What campaigns tells committee members (issue 20): a selection vote (票决) opened or
closed. Registered with notifications in CampaignsConfig.ready(); the voting services emit
inside their transactions. Robot texts carry the batch and campaign titles and counts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from notifications import events
from notifications.models import Channel
from notifications.services import notify

MEMBER = (Role.MEMBER,)
WORK = events.WORK_CHANNELS

events.register(
    events.EventType(
        code="campaigns.vote_opened",
        label="评议对象票决开始",
        roles=MEMBER,
        title="【票决开始】{campaign}",
        body="{campaign}{batch}的评议对象票决（第{round}轮）已开始，应选 {slots} 个，请登录投票。",
        robot="{campaign}{batch}评议对象票决（第{round}轮）已开始，应投票 {eligible} 人。",
        channels=WORK,
        group="评议对象票决",
    )
)
events.register(
    events.EventType(
        code="campaigns.vote_closed",
        label="评议对象票决结束",
        roles=MEMBER,
        title="【票决结束】{campaign}",
        body="{campaign}{batch}的评议对象票决（第{round}轮）已结束，收回选票 {cast} 张。",
        robot="{campaign}{batch}评议对象票决（第{round}轮）已结束，收回选票 {cast} 张。",
        channels=(Channel.INAPP,),
        group="评议对象票决",
    )
)

events.register(
    events.EventType(
        code="campaigns.vote_closing_soon",
        label="评议对象票决即将截止",
        roles=MEMBER,
        title="【票决即将截止】{campaign}",
        body=(
            "{campaign}{batch}的评议对象票决（第{round}轮）计划于 {closes_at} 截止，"
            "您尚未投票，请及时登录投票。"
        ),
        robot=(
            "{campaign}{batch}评议对象票决（第{round}轮）计划于 {closes_at} 截止，"
            "请尚未投票的组成人员及时投票。"
        ),
        channels=WORK,
        group="评议对象票决",
    )
)


def closing_text(value: dt.datetime) -> str:
    """A planned closing time as messages print it (local time)."""
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def closing_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Sessions whose planned closing time lies in (now, now + NOTIFY_CLOSING_SOON_HOURS]
    are closing soon."""
    now = now or timezone.now()
    return now, now + dt.timedelta(hours=settings.NOTIFY_CLOSING_SOON_HOURS)


def vote_closing_soon_send(*, now: dt.datetime | None = None) -> int:
    """Hourly (beat): members on the roll of an open vote closing soon who have not voted
    hear it, once per session and member (the delivery key is the session: a second run
    writes nothing for them). Returns how many deliveries were written."""
    from .models import VoteEligibility, VoteParticipation, VoteSession

    start, end = closing_window(now)
    written = 0
    sessions = VoteSession.objects.filter(
        state=VoteSession.State.OPEN, closes_at__gt=start, closes_at__lte=end
    ).select_related("batch__campaign")
    for session in sessions:
        voted = VoteParticipation.objects.filter(session=session).values("member_id")
        roll = VoteEligibility.objects.filter(session=session).exclude(member_id__in=voted)
        members = User.objects.filter(pk__in=roll.values("member_id"), is_active=True)
        with transaction.atomic():
            written += len(
                vote_event(event="campaigns.vote_closing_soon", session=session, members=members)
            )
    return written


def vote_event(*, event: str, session, members) -> list[int]:
    batch = session.batch
    return notify(
        event=event,
        key=session.pk,
        users=members,
        context={
            "campaign": batch.campaign.title,
            "batch": batch.name,
            "round": session.round,
            "slots": session.slots,
            "eligible": session.eligible_count,
            "cast": session.ballots_cast or 0,
            "closes_at": closing_text(session.closes_at) if session.closes_at else "",
        },
        url=reverse("campaigns-staff:ballot", args=[session.pk]),
        organizer_id=batch.campaign.organizer_id,
    )
