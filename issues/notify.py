"""What issues tells the people behind a suggestion (issue 20): it was merged into a theme.
Deputies hear through their own account's channels; a member of the public only if they
ticked "告诉我办理进展" on the form (notifications.ContactOptIn), at the contact they gave."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role, User
from notifications import events
from notifications.channels import link
from notifications.models import Channel, ContactOptIn
from notifications.services import notify, notify_contact

# The opt-ins of public suggestions: ContactOptIn(kind=OPT_IN_KIND, object_id=suggestion id).
OPT_IN_KIND = "issues.suggestion"

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


events.register(
    events.EventType(
        code="issues.public_suggestion_merged",
        label="意见建议已归并（群众）",
        roles=(),  # the public: no account, no preferences; only by their own opt-in
        title="【意见建议已归并】{receipt}",
        body=(
            "您提交的意见建议（回执编号 {receipt}）已由评议办归并到主题“{theme}”。"
            "凭回执编号查询办理进展：{link}"
        ),
        group="意见建议",
    )
)


def merged_announce(*, suggestions, theme) -> None:
    """Tell the deputies and the opted-in public behind `suggestions` that they joined
    `theme`."""
    ids = [s.pk for s in suggestions]
    receipts = {s.pk: s.receipt for s in suggestions}
    for optin in ContactOptIn.objects.filter(kind=OPT_IN_KIND, object_id__in=ids):
        notify_contact(
            event="issues.public_suggestion_merged",
            key=f"{optin.object_id}:{theme.pk}",
            contact=optin,
            context={
                "receipt": receipts[optin.object_id],
                "theme": theme.title,
                "link": link(reverse("issues:receipt")),
            },
            organizer_id=theme.campaign.organizer_id,
        )
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
