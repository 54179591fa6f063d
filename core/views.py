"""The page of a large export built in the background (core/exports.py): its progress,
polled by htmx, and the download once the file is ready. Only the requester and their
committee see it (other jobs, and expired ones, are a 404)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header

from .exports import CSV, XLSX, export_jobs_for_user
from .models import ExportJob


def _job_or_404(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(export_jobs_for_user(user=request.user), pk=pk)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "core/export_job.html", {"job": _job_or_404(request, pk)})


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress card alone, polled every second until the file is ready."""
    return render(request, "core/_export_progress.html", {"job": _job_or_404(request, pk)})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_or_404(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        from django.http import Http404

        raise Http404("文件尚未生成")
    content_type = CSV if job.file_name.endswith(".csv") else XLSX
    response = FileResponse(job.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, job.file_name)
    return response
