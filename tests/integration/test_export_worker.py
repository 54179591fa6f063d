"""A large export is built by a real Celery worker (Redis, the test database, the test's
MEDIA_ROOT): the request answers at once with the job's page, the worker streams the rows into
the file and reports its progress, and the requester downloads the finished workbook."""

import io
import time

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from core.models import ExportJob
from tests.factories import StaffFactory
from tests.issues.factories import SuggestionFactory

pytestmark = pytest.mark.integration


def test_a_real_worker_builds_a_large_export_for_download(celery_worker_process, settings):
    settings.EXPORT_DIRECT_ROWS = 2  # three rows make a "large" export
    first = SuggestionFactory(text="路灯不亮。")
    SuggestionFactory(department=first.department, text="公交慢。")
    SuggestionFactory(department=first.department, text="请回电 13812345678。")
    campaign = first.campaign
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(StaffFactory(organizer=campaign.organizer))

    response = client.get(reverse("issues:export", args=[campaign.slug]))

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:job", args=[job.pk])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in ("done", "failed"):
            break
        time.sleep(0.2)
    assert (job.state, job.done, job.total) == ("done", 3, 3), celery_worker_process.log()
    assert "exports.run" in celery_worker_process.log()
    download = client.get(reverse("exports:job-download", args=[job.pk]))
    assert download.status_code == 200 and download.streaming
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["意见建议"]
    texts = sorted(row[6].value for row in sheet.iter_rows(min_row=2))
    assert texts == sorted(["路灯不亮。", "公交慢。", "请回电 138****5678。"])
