"""System tasks. `ping` proves a worker end to end: it came through the broker, it reached
the database, and its result came back."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import connection


@shared_task(name="pingyi.ping")
def ping() -> dict:
    users = get_user_model().objects.count()
    return {"pong": True, "database": connection.vendor, "users": users}
