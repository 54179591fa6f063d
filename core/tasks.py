"""System tasks. `ping` proves a worker end to end: it came through the broker, it reached
the database, and its result came back."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import connection

from .exports import export_job_run, export_jobs_purge


@shared_task(name="pingyi.ping")
def ping() -> dict:
    users = get_user_model().objects.count()
    return {"pong": True, "database": connection.vendor, "users": users}


@shared_task(name="exports.run", acks_late=True)
def export_job_task(job_id: int) -> None:
    export_job_run(job_id=job_id)


@shared_task(name="exports.purge")
def export_jobs_purge_task() -> int:
    return export_jobs_purge()
