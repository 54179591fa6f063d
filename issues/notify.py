"""What issues tells deputies (issue 20): their suggestion was merged into a theme. Only
deputies' own accounts are told, through the channels of their own profile; the public's
free-text contact is never written to (the form asks no consent)."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role, User
from notifications import events
from notifications.models import Channel
from notifications.services import notify

events.register(
    events.EventType(
        code="issues.suggestion_merged",
        label="我的意见建议已归并",
        roles=(Role.DEPUTY,),
        title="【意见建议已归并】{receipt}",
        body=(
            "您提出的意见建议（回执编号 {receipt}）已归并到主题“{theme}”，与同类意见建议一并研究。"
        ),
        channels=(Channel.INAPP, Channel.EMAIL),
        group="意见建议",
    )
)


def merged_to_deputies(*, suggestions, theme) -> None:
    """Tell each deputy whose suggestion is among `suggestions` that it joined `theme`."""
    by_author = {s.submitted_by_id: s for s in suggestions if s.submitted_by_id}
    if not by_author:
        return
    deputies = User.objects.filter(pk__in=by_author, role=Role.DEPUTY, is_active=True)
    for deputy in deputies:
        suggestion = by_author[deputy.pk]
        notify(
            event="issues.suggestion_merged",
            key=f"{suggestion.pk}:{theme.pk}",
            users=[deputy],
            context={"receipt": suggestion.receipt, "theme": theme.title},
            url=reverse("accounts:workspace-deputy"),
            organizer_id=theme.campaign.organizer_id,
        )
