"""Exports that stream (issue 21): up to EXPORT_DIRECT_ROWS rows the file comes at once (a
CSV as a streaming response), above it a worker builds it while a page shows the progress,
then offers the download for a day, to the requester and their committee only. The
threshold is lowered to 2 rows here so three suggestions make a "large" export."""

import csv
import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from core.exports import export_jobs_purge
from core.models import ExportJob
from tests.factories import ROLE_FACTORIES, AdminFactory, StaffFactory
from tests.issues.factories import SuggestionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

HOSTILE = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.EXPORT_DIRECT_ROWS = 2


@pytest.fixture
def campaign():
    first = SuggestionFactory(text=HOSTILE, contact="13912345678")
    SuggestionFactory(department=first.department, text="请回电 13812345678，路灯不亮。")
    SuggestionFactory(
        department=first.department, text="公交慢。", submitted_on=dt.date(2021, 3, 9)
    )
    return first.campaign


def large_export(client, campaign, django_capture_on_commit_callbacks, fmt="xlsx", **post):
    """Ask for the export (three rows: over the threshold); the worker runs on commit."""
    name = "issues:export" if fmt == "xlsx" else "issues:export-csv"
    with django_capture_on_commit_callbacks(execute=True):
        if post:
            response = client.post(reverse(name, args=[campaign.slug]), post)
        else:
            response = client.get(reverse(name, args=[campaign.slug]))
    assert response.status_code == 302
    return ExportJob.objects.get(), response


def test_a_large_export_is_built_by_a_worker_with_progress_and_a_download(
    client, campaign, django_capture_on_commit_callbacks
):
    staff = StaffFactory(organizer=campaign.organizer)
    client.force_login(staff)

    job, response = large_export(client, campaign, django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("exports:job", args=[job.pk])
    assert (job.state, job.done, job.total, job.user_id) == ("done", 3, 3, staff.pk)
    assert job.file_name == f"suggestions-{campaign.slug}.xlsx"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "已完成" in html and "100%" in html
    assert reverse("exports:job-download", args=[job.pk]) in html
    poll = client.get(reverse("exports:job-progress", args=[job.pk]))
    assert poll.status_code == 200 and "hx-get" not in poll.content.decode()  # done: no polling
    download = client.get(reverse("exports:job-download", args=[job.pk]))
    assert download.status_code == 200 and download.streaming
    assert job.file_name in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["意见建议"]
    texts = [row[6].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(texts) == sorted([HOSTILE, "请回电 138****5678，路灯不亮。", "公交慢。"])
    hostile = next(row[6] for row in sheet.iter_rows(min_row=2) if row[6].value == HOSTILE)
    assert hostile.data_type == "s" and hostile.quotePrefix
    assert sheet.max_column == 10  # no contact column


def test_a_job_still_running_shows_its_progress_and_polls(client, campaign):
    staff = StaffFactory(organizer=campaign.organizer)
    client.force_login(staff)
    job = ExportJob.objects.create(
        builder="issues.exports.suggestions_export", title="意见建议", file_name="",
        user_id=staff.pk, organizer_id=staff.organizer_id, state=ExportJob.State.RUNNING,
        done=2000, total=8000,
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )  # fmt: skip

    html = client.get(reverse("exports:job-progress", args=[job.pk])).content.decode()

    assert "25%" in html and "2000 / 8000" in html and "hx-get" in html
    assert client.get(reverse("exports:job-download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("requester", 200), ("colleague", 200), ("other committee", 404), ("admin", 404)],
)
def test_only_the_requester_and_their_committee_may_see_and_download_a_job(
    client, campaign, django_capture_on_commit_callbacks, who, status
):
    requester = StaffFactory(organizer=campaign.organizer)
    client.force_login(requester)
    job, _ = large_export(client, campaign, django_capture_on_commit_callbacks)
    user = {
        "requester": requester,
        "colleague": StaffFactory(organizer=campaign.organizer),
        "other committee": StaffFactory(),
        "admin": AdminFactory(),
    }[who]
    client.force_login(user)

    for name in ("exports:job", "exports:job-progress", "exports:job-download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == status, name


@pytest.mark.parametrize("role", [Role.MEMBER, Role.RESEARCHER, Role.LIAISON, Role.DEPUTY])
def test_other_roles_are_refused_even_their_own_job(client, campaign, role):
    user = ROLE_FACTORIES[role](organizer=campaign.organizer) if role != Role.DEPUTY else (
        ROLE_FACTORIES[role]()
    )  # fmt: skip
    job = ExportJob.objects.create(
        builder="issues.exports.suggestions_export", title="意见建议", file_name="x.xlsx",
        user_id=user.pk, state=ExportJob.State.DONE, expires_at=timezone.now() + dt.timedelta(1),
    )  # fmt: skip
    client.force_login(user)

    assert client.get(reverse("exports:job-download", args=[job.pk])).status_code in (403, 404)


def test_an_expired_export_is_gone_and_its_file_deleted(
    client, campaign, django_capture_on_commit_callbacks
):
    client.force_login(StaffFactory(organizer=campaign.organizer))
    job, _ = large_export(client, campaign, django_capture_on_commit_callbacks)
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)

    later = timezone.now() + dt.timedelta(hours=25)
    assert client.get(reverse("exports:job-download", args=[job.pk])).status_code == 200
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert client.get(reverse("exports:job-download", args=[job.pk])).status_code == 404
    assert export_jobs_purge(now=later) == 1

    assert not storage.exists(name) and not ExportJob.objects.exists()


def test_a_contact_export_in_the_background_is_audited_with_its_row_count(
    client, campaign, django_capture_on_commit_callbacks
):
    staff = StaffFactory(organizer=campaign.organizer)
    client.force_login(staff)

    job, _ = large_export(
        client, campaign, django_capture_on_commit_callbacks, include_contact="on", reason="回访"
    )

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == staff and "3" in str(entry.changes) and "回访" in str(entry.changes)
    sheet = load_workbook(job.file.open("rb"))["意见建议"]
    assert "13912345678" in [row[10].value for row in sheet.iter_rows(min_row=2)]


def test_a_small_csv_export_streams_with_bom_escaped_formulas_and_masked_phones(client, campaign):
    client.force_login(StaffFactory(organizer=campaign.organizer))
    campaign.suggestions.filter(text="公交慢。").delete()  # two rows: under the threshold

    response = client.get(reverse("issues:export-csv", args=[campaign.slug]))

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"suggestions-{campaign.slug}.csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff回执编号,日期,")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert len(rows) == 3 and rows[0][-1] == "标签"
    texts = {row[6] for row in rows[1:]}
    assert texts == {"'" + HOSTILE, "请回电 138****5678，路灯不亮。"}
    assert {row[1] for row in rows[1:]} == {"2021-03-05"}
    assert not ExportJob.objects.exists()


def test_a_large_csv_export_is_a_job_too(client, campaign, django_capture_on_commit_callbacks):
    client.force_login(StaffFactory(organizer=campaign.organizer))

    job, _ = large_export(client, campaign, django_capture_on_commit_callbacks, fmt="csv")

    download = client.get(reverse("exports:job-download", args=[job.pk]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(download.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff") and len(body.strip().splitlines()) == 4
