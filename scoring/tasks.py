"""Celery tasks of the scoring app: take ids, call a service."""

from celery import shared_task
from django.core.cache import cache

from campaigns.models import Campaign

from .services.recompute import PENDING_KEY
from .services.sheets import sheet_recompute

RUNNING_KEY = "scoring:recompute-running:{}"


@shared_task(name="scoring.recompute", bind=True, acks_late=True, max_retries=20)
def recompute_scores_task(self, campaign_id: int) -> int | None:
    """Recompute the campaign's sheet; at most one runs per campaign at a time (a second
    one retries later). Returns the version computed."""
    if not cache.add(RUNNING_KEY.format(campaign_id), 1, timeout=600):
        raise self.retry(countdown=15)
    try:
        # Changes from now on need another run; clear the debounce key before reading inputs.
        cache.delete(PENDING_KEY.format(campaign_id))
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            return None
        return sheet_recompute(campaign=campaign).version
    finally:
        cache.delete(RUNNING_KEY.format(campaign_id))


@shared_task(name="scoring.closing_soon", acks_late=True)
def closing_soon() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): "closing soon" to members who have not scored an open
    committee session closing within NOTIFY_CLOSING_SOON_HOURS; once per session and member."""
    from .notify import session_closing_soon_send

    return session_closing_soon_send()
