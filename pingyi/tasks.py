"""System tasks. `ping` proves a worker end to end: it came through the broker, it reached
the database, and its result came back."""

from celery import shared_task
from django.db import connection


@shared_task(name="pingyi.ping")
def ping() -> dict:
    from pingyi.accounts.models import User

    return {"pong": True, "database": connection.vendor, "users": User.objects.count()}
