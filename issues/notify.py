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


# ---------------------------------------------------------------------------- answered
# An answer (办理答复) and each correction of it is announced once per version: the key is
# (suggestion, version), so a retried emission sends nothing and a correction sends anew.
# No robot text: a group chat never reads a citizen's or a deputy's suggestion or answer.
events.register(
    events.EventType(
        code="issues.suggestion_answered",
        label="我的意见建议已答复（含答复更正）",
        roles=(Role.DEPUTY,),
        title="【{headline}】{receipt}",
        body="{lead}\n\n{answer}",
        channels=(Channel.INAPP, Channel.EMAIL),
        group="意见建议",
    )
)

events.register(
    events.EventType(
        code="issues.public_suggestion_answered",
        label="意见建议已答复（群众）",
        roles=(),  # the public: only by their own opt-in, at the contact they gave
        title="【{headline}】{receipt}",
        # The answer itself is read on the receipt page: an SMS carries no 2,000 characters,
        # and the message never echoes the suggestion.
        body="{lead}凭回执编号查看答复：{link}",
        group="意见建议",
    )
)


def answered_announce(*, suggestion, answer) -> None:
    """Tell the deputy behind `suggestion`, and the member of the public who opted in, that
    it was answered (version 1) or that its answer was corrected (version 2 and later)."""
    corrected = answer.version > 1
    headline = "答复已更正" if corrected else "意见建议已答复"
    organizer_id = suggestion.campaign.organizer_id
    receipt = suggestion.receipt
    key = f"{suggestion.pk}:v{answer.version}"
    optin = ContactOptIn.objects.filter(kind=OPT_IN_KIND, object_id=suggestion.pk).first()
    if optin is not None:
        done = "的办理答复已更正。" if corrected else "已有办理答复。"
        notify_contact(
            event="issues.public_suggestion_answered",
            key=key,
            contact=optin,
            context={
                "headline": headline,
                "receipt": receipt,
                "lead": f"您提交的意见建议（回执编号 {receipt}）{done}",
                "link": link(reverse("issues:receipt-detail", args=[receipt])),
            },
            organizer_id=organizer_id,
        )
    if not suggestion.submitted_by_id:
        return
    deputy = User.objects.filter(
        pk=suggestion.submitted_by_id, role=Role.DEPUTY, is_active=True
    ).first()
    if deputy is None:
        return
    if corrected:
        lead = f"您提出的意见建议（回执编号 {receipt}）的办理答复已更正。更正理由：{answer.reason}"
    else:
        lead = f"您提出的意见建议（回执编号 {receipt}）已有办理答复："
    notify(
        event="issues.suggestion_answered",
        key=key,
        users=[deputy],
        context={"headline": headline, "receipt": receipt, "lead": lead, "answer": answer.text},
        url=reverse("accounts:workspace-deputy") + "#answers",
        organizer_id=organizer_id,
    )
