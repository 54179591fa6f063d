"""Corrections after publication (scoring.md, "Quorum, corrections and zero").

A published sheet never changes. Re-opening a scoring input once a version is public (a new
committee round, a new or re-opened survey, re-opening the public vote, voiding ballots)
starts a correction: the act needs a written reason and is logged as `correction.start`.
The inputs of the published version stay in; a new version goes public only through
`sheets.sheet_publish` with a correction reason."""

from django.core.exceptions import ValidationError

from campaigns.models import Campaign

from .history import event_record


def is_published(*, campaign: Campaign) -> bool:
    return campaign.score_sheets.filter(published_at__isnull=False).exists()


def correction_reason_check(*, campaign: Campaign, act: str, reason: str) -> None:
    """Refuse an act that re-opens an input after publication without a reason (read-only:
    views call it before they show the act's review page)."""
    if not (reason or "").strip() and is_published(campaign=campaign):
        raise ValidationError(f"评议结果已公布，{act}属于更正，请填写更正理由")


def correction_start(*, campaign: Campaign, actor, act: str, reason: str) -> str:
    """The cleaned reason of an act that re-opens an input. Before publication the reason is
    optional and nothing is logged here; after it, an empty reason refuses the act."""
    reason = (reason or "").strip()
    correction_reason_check(campaign=campaign, act=act, reason=reason)
    if not is_published(campaign=campaign):
        return reason
    event_record(
        campaign=campaign,
        actor=actor,
        action="correction.start",
        summary=f"发起更正：{act}。理由：{reason}",
        act=act,
        reason=reason,
    )
    return reason
