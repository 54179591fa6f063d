"""Celery tasks of notifications: take ids, call a service."""

from celery import shared_task

from . import services


@shared_task(name="notifications.deliver", bind=True, acks_late=True, max_retries=None)
def deliver_task(self, delivery_id: int) -> str:
    """Send one delivery. Safe to run twice: only the run that claims the row sends."""
    outcome = services.delivery_attempt(delivery_id=delivery_id)
    # Run in-process (no broker: the embedded shape, the tests) a retry cannot wait for a
    # countdown, and Celery's eager mode raises Retry instead of re-running: retry at once.
    while outcome.retry_in is not None and self.request.is_eager:
        outcome = services.delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="notifications.send_digests", acks_late=True)
def send_digests() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): each person's digest, once a day."""
    return services.digests_send()


@shared_task(name="notifications.inbox_reminders", acks_late=True)
def inbox_reminders() -> int:
    """Daily: researchers hear of key issues to propose and research scores to enter."""
    return services.inbox_reminders_send()


@shared_task(name="notifications.sweep", acks_late=True)
def sweep() -> int:
    """Every 5 minutes: deliveries deferred by quiet hours or a rate limit, or orphaned."""
    return services.sweep()
