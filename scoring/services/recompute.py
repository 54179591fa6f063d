"""Debounced recompute: input changes ask for a recompute after the transaction commits.

The task is sent by name (scoring.recompute): tasks import services, never the reverse."""

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

PENDING_KEY = "scoring:recompute-pending:{}"


def recompute_soon(campaign_id: int) -> None:
    """Queue one recompute of the campaign's sheet SCORING_RECOMPUTE_DELAY seconds after the
    first change; changes meanwhile ride on it. Off in the embedded (eager) mode, where staff
    press 重新计算 instead: an eager task would recompute inside every vote's request."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.SCORING_AUTO_RECOMPUTE:
        return

    def enqueue() -> None:
        delay = settings.SCORING_RECOMPUTE_DELAY
        if cache.add(PENDING_KEY.format(campaign_id), 1, timeout=delay + 5):
            current_app.send_task("scoring.recompute", args=[campaign_id], countdown=delay)

    transaction.on_commit(enqueue)
