"""What campaigns tells committee members (issue 20): a selection vote (票决) opened or
closed. Registered with notifications in CampaignsConfig.ready(); the voting services emit
inside their transactions. Robot texts carry the batch and campaign titles and counts."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role
from notifications import events
from notifications.models import Channel
from notifications.services import notify

MEMBER = (Role.MEMBER,)
WORK = (Channel.INAPP, Channel.WECOM, Channel.DINGTALK, Channel.SMS, Channel.EMAIL)

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


def vote_event(*, event: str, session, members) -> None:
    batch = session.batch
    notify(
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
        },
        url=reverse("campaigns-staff:ballot", args=[session.pk]),
        organizer_id=batch.campaign.organizer_id,
    )
