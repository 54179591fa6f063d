from celery import shared_task


@shared_task(name="rectification.send_reminders", acks_late=True)
def send_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): each condition is announced once, so retries are safe."""
    from .reminders import reminders_send

    return reminders_send()
