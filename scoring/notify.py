"""What scoring tells committee members (issue 20): an electronic scoring session (电子表决
测评) opened or closed. Registered in ScoringConfig.ready(); the session services emit."""

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


def session_event(*, event: str, session, submitted: int = 0) -> None:
    batch = session.batch
    notify(
        event=event,
        key=session.pk,
        users=session.roll.all(),
        context={
            "campaign": batch.campaign.title,
            "batch": batch.name,
            "roll": session.roll_size,
            "submitted": submitted,
        },
        url=reverse("scoring:ballot", args=[session.pk]),
        organizer_id=batch.campaign.organizer_id,
    )
