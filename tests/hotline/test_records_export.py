"""One department's tickets of the evaluation period as .xlsx or .csv (issue 21): only that
department's, only the period's, oldest first, times in local time, mobile numbers typed
into the text masked; at once when small, in the background when large; staff only."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from core.models import ExportJob
from hotline.services import import_batch_create, import_batch_run
from tests.factories import ROLE_FACTORIES, EvaluatedDepartmentFactory, StaffFactory
from tests.hotline.factories import ticket, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def evaluated(tmp_path):
    evaluated = EvaluatedDepartmentFactory(
        department__name="淄博市公安局",
        department__short_name="市公安局",
        batch__campaign__year=2021,
    )
    rows = [
        ticket("A2", when="2021-03-05 14:22:10", content="=1+1 请回电 13912345678"),
        ticket("A1", when="2021-02-01 08:00:00", satisfaction="不满意"),
        ticket("old", when="2020-05-01 08:00:00"),  # before the evaluation period
        ticket("other", when="2021-03-01 08:00:00", dept="淄博市教育局"),
    ]
    path = write_csv(tmp_path / "tickets.csv", rows)
    batch = import_batch_create(source_name="12345", path=str(path), file_name="tickets.csv")
    import_batch_run(batch_id=batch.pk)
    return evaluated


def url(evaluated, fmt):
    campaign, department = evaluated.campaign, evaluated.department
    return reverse("hotline:department-records", args=[campaign.slug, department.slug, fmt])


def test_the_tickets_workbook_holds_the_departments_period_oldest_first(client, evaluated):
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))

    response = client.get(url(evaluated, "xlsx"))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["工单明细"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == ["A1", "A2"]
    assert rows[1][1] == dt.datetime(2021, 3, 5, 14, 22, 10)  # as the file had it: local time
    assert rows[0][8] == "不满意"
    assert rows[1][9] == "=1+1 请回电 139****5678" and sheet["J3"].quotePrefix
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.orientation == "landscape"


def test_the_tickets_csv_streams_with_bom_and_escaped_text(client, evaluated):
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))

    response = client.get(url(evaluated, "csv"))

    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff工单编号,受理时间,")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert [row[0] for row in rows[1:]] == ["A1", "A2"]
    assert rows[2][1] == "2021-03-05 14:22:10" and rows[2][9] == "'=1+1 请回电 139****5678"


def test_many_tickets_are_exported_in_the_background(
    client, evaluated, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_DIRECT_ROWS = 1
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url(evaluated, "csv"))

    job = ExportJob.objects.get()
    assert response.status_code == 302 and (job.state, job.done) == ("done", 2)
    download = client.get(reverse("exports:job-download", args=[job.pk]))
    assert b"".join(download.streaming_content).decode().count("\n") == 3


@pytest.mark.parametrize("role", [Role.MEMBER, Role.RESEARCHER, Role.LIAISON, Role.DEPUTY])
def test_only_staff_export_tickets(client, evaluated, role):
    client.force_login(ROLE_FACTORIES[role]())

    assert client.get(url(evaluated, "csv")).status_code in (403, 404)


def test_another_committees_staff_get_nothing(client, evaluated):
    client.force_login(StaffFactory())

    assert client.get(url(evaluated, "xlsx")).status_code == 404
    assert not ExportJob.objects.exists()
