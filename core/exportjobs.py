"""Answering an export request (core/exports.py has the rest): the file at once when small,
else a queued ExportJob and a redirect to its progress page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from .exports import builder_check, direct_rows, export_response
from .models import ExportJob
from .tasks import export_job_task


def export_respond(
    *, builder: str, params: dict, rows: int, user: Any, title: str
) -> HttpResponse | StreamingHttpResponse:
    """Answer an export request: the file itself when it has at most EXPORT_DIRECT_ROWS
    rows (`rows`, counted by the caller), else a queued job and a redirect to its page."""
    if rows <= direct_rows():
        return export_response(builder_check(builder)(**params))
    job = export_job_start(builder=builder, params=params, user=user, title=title, total=rows)
    return redirect("exports:job", pk=job.pk)


def export_job_start(
    *, builder: str, params: dict, user: Any, title: str, total: int | None = None
) -> ExportJob:
    """Queue a job (the worker starts it once this transaction commits)."""
    builder_check(builder)  # fail here, in the request, on a wrong name
    hours = getattr(settings, "EXPORT_TTL_HOURS", 24)
    job = ExportJob.objects.create(
        builder=builder,
        params=params,
        title=title,
        file_name="",
        total=total,
        user_id=user.pk,
        organizer_id=getattr(user, "organizer_id", None),
        expires_at=timezone.now() + dt.timedelta(hours=hours),
    )
    transaction.on_commit(lambda: export_job_task.delay(job.pk))
    return job
