"""The append-only history of scoring changes (who, when, what)."""

from campaigns.models import Campaign

from ..models import ScoringEvent


def event_record(*, campaign: Campaign, actor, action: str, summary: str, **data) -> ScoringEvent:
    return ScoringEvent.objects.create(
        campaign=campaign,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        summary=summary[:300],
        data=data,
    )
