"""Exports that stream: small ones straight into the response, large ones built by a worker.

A view asks `core.exportjobs.export_respond()` for its answer. Up to EXPORT_DIRECT_ROWS
rows (settings, 5,000 by default) the file is written at once (an .xlsx in memory, a .csv
as a streaming response); above, an ExportJob is queued and the user is sent to its
page, which shows the progress and offers the download when the file is ready. The file is
kept in Django's storage for EXPORT_TTL_HOURS (24) and then deleted (`exports.purge`).

The work itself is a *builder*: a module-level function marked @export_builder that takes
the job's parameters (plain JSON) and returns an `Export`. A view calls the same builder to
answer a small export at once, so the two paths write the same file. Builders live in the
domain apps (issues.exports, hotline.exports …); this module knows them only by dotted path."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ExportJob
from .spreadsheets import PrintInfo, Sheet, safe_cell, workbook_write

logger = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


@dataclass
class Export:
    """What a builder hands back: the file's name and how to write it. `sheets` for an .xlsx
    (core.spreadsheets.Sheet, rows as an iterator), or `headers` and `rows` for a .csv.
    `total`: the row count if known cheaply (the progress bar's end). `finished` runs after
    the last row went out (an audit entry naming how many)."""

    file_name: str
    sheets: Sequence[Sheet] = ()
    info: PrintInfo | None = None
    headers: Sequence[str] = ()
    rows: Iterable[Sequence[Any]] = ()
    total: int | None = None
    finished: Callable[[int], None] | None = None
    title: str = ""

    @property
    def is_csv(self) -> bool:
        return self.file_name.endswith(".csv")

    @property
    def content_type(self) -> str:
        return CSV if self.is_csv else XLSX


@dataclass
class _Counter:
    count: int = 0


def export_builder(function: Callable[..., Export]) -> Callable[..., Export]:
    """Mark `function` as a builder a job may run (jobs name builders by dotted path; only
    marked functions run)."""
    function.export_builder = True  # type: ignore[attr-defined]
    return function


def builder_check(path: str) -> Callable[..., Export]:
    function = import_string(path)
    if not getattr(function, "export_builder", False):
        raise ValueError(f"{path} is not an export builder")
    return function


# ------------------------------------------------------------------------------- csv
def csv_value(value: Any) -> Any:
    """A CSV cell: text formula-escaped (core.spreadsheets.safe_cell), datetimes in local
    time without the offset, the rest as str() gives it."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return safe_cell(value)


def csv_chunks(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Callable[[int], None] | None = None,
    chunk: int = 2000,
) -> Iterator[str]:
    """The CSV text in pieces of `chunk` rows: UTF-8 BOM first (so Excel opens Chinese text
    as UTF-8), then the header, then the rows, every text cell formula-escaped."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([csv_value(title) for title in headers])
    count = 0
    for values in rows:
        writer.writerow([csv_value(value) for value in values])
        count += 1
        if count % chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
            if progress:
                progress(count)
    yield out.getvalue()
    if progress:
        progress(count)


def _counted(rows: Iterable[Sequence[Any]], counter: _Counter) -> Iterator[Sequence[Any]]:
    for values in rows:
        counter.count += 1
        yield values


def export_write(export: Export, target: IO[bytes], *, progress=None) -> int:
    """Write the whole file into `target`; returns the rows written."""
    if export.is_csv:
        counter = _Counter()
        for piece in csv_chunks(export.headers, _counted(export.rows, counter), progress=progress):
            target.write(piece.encode())
        written = counter.count
    else:
        written = workbook_write(export.sheets, export.info, target, progress=progress)
    if export.finished:
        export.finished(written)
    return written


# ------------------------------------------------------------------------ responses
def _attachment(response: HttpResponse | StreamingHttpResponse, name: str) -> None:
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, name)


def direct_rows() -> int:
    return settings.EXPORT_DIRECT_ROWS


def export_response(export: Export) -> HttpResponse | StreamingHttpResponse:
    """The file as a response: a CSV streamed chunk by chunk of rows; an .xlsx (at most
    EXPORT_DIRECT_ROWS rows, a few MB: a zip's directory comes last, so it cannot go out
    before it is whole) written into memory, then sent."""
    response: HttpResponse | StreamingHttpResponse
    if export.is_csv:
        counter = _Counter()

        def pieces() -> Iterator[bytes]:
            for piece in csv_chunks(export.headers, _counted(export.rows, counter)):
                yield piece.encode()
            if export.finished:
                export.finished(counter.count)

        response = StreamingHttpResponse(pieces(), content_type=CSV)
    else:
        buffer = io.BytesIO()
        export_write(export, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    _attachment(response, export.file_name)
    return response


# ---------------------------------------------------------------------------- jobs
def export_job_run(*, job_id: int) -> ExportJob:
    """Build the job's file into storage, reporting progress on the job row. Safe to run
    again (a worker lost mid-file): it starts the file over."""
    job = ExportJob.objects.get(pk=job_id)
    if job.state == ExportJob.State.DONE:
        return job
    job.state, job.started_at, job.done = ExportJob.State.RUNNING, timezone.now(), 0
    job.message = "正在生成文件…"
    job.save(update_fields=["state", "started_at", "done", "message"])
    try:
        export = builder_check(job.builder)(**job.params)
        job.file_name = export.file_name
        if export.total is not None:
            job.total = export.total

        def progress(count: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(done=count)

        with tempfile.TemporaryFile() as scratch:
            written = export_write(export, scratch, progress=progress)
            scratch.seek(0)
            job.file.save(export.file_name, File(scratch), save=False)
    except Exception as error:  # noqa: BLE001 (the job row says what went wrong)
        logger.exception("export job %s failed", job.pk)
        job.state, job.finished_at = ExportJob.State.FAILED, timezone.now()
        job.message = f"生成失败：{error}"
        job.save(update_fields=["state", "finished_at", "message", "file_name", "total"])
        return job
    job.state, job.done, job.total = ExportJob.State.DONE, written, written
    job.finished_at = timezone.now()
    job.message = f"已生成，共 {written} 行。"
    job.save(
        update_fields=["state", "done", "total", "finished_at", "message", "file_name", "file"]
    )
    return job


def export_jobs_for_user(*, user: Any):
    """Jobs a user may follow and download: their own and their committee's; expired ones
    are not."""
    from django.db.models import Q

    if user is None or not user.is_authenticated:
        return ExportJob.objects.none()
    mine = Q(user_id=user.pk)
    organizer = getattr(user, "organizer_id", None)
    if organizer:
        mine |= Q(organizer_id=organizer)
    return ExportJob.objects.filter(mine, expires_at__gt=timezone.now())


def export_jobs_purge(*, now: dt.datetime | None = None) -> int:
    """Delete expired jobs and their files; returns how many."""
    expired = list(ExportJob.objects.filter(expires_at__lte=now or timezone.now()))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(expired)
