from celery import shared_task


@shared_task(name="campaigns.closing_soon", acks_late=True)
def closing_soon() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): "closing soon" to members who have not voted yet in a
    selection vote closing within NOTIFY_CLOSING_SOON_HOURS; once per session and member, so
    retries and overlapping runs are safe."""
    from .notify import vote_closing_soon_send

    return vote_closing_soon_send()
