"""A long audit log is exported in the background (issue 21): the worker rebuilds the
admin's filtered list for the admin who asked and writes the same rows."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from core.models import ExportJob
from tests.factories import AdminFactory
from tests.issues.factories import KeyIssueFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def test_a_long_filtered_audit_log_is_built_by_a_worker(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_DIRECT_ROWS = 0
    admin = AdminFactory(is_staff=True, is_superuser=True)
    issue = KeyIssueFactory(title="普通标题")
    with set_actor(admin):
        for title in ('=HYPERLINK("http://evil.example","点我")', "第二次修改"):
            issue.title = title
            issue.save()
    changes = LogEntry.objects.filter(action=LogEntry.Action.UPDATE).count()
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("admin:auditlog_logentry_export") + "?action__exact=1")

    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.state == "done" and job.done == changes >= 2
    sheet = load_workbook(job.file.open("rb")).active
    actions = {row[5].value for row in sheet.iter_rows(min_row=2)}
    assert actions == {"修改"}
    hostile = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value and
               str(c.value).startswith("=HYPERLINK")]  # fmt: skip
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)
    download = client.get(reverse("exports:job-download", args=[job.pk]))
    assert download.status_code == 200


@pytest.mark.django_db
def test_exporting_the_audit_log_with_a_filter_it_cannot_apply_goes_back_to_the_list(client):
    """Found by the malformed-input walk as an admin: ?batch=zz on the export answered 500
    (IncorrectLookupParameters); the list itself answers such a filter with ?e=1."""
    client.force_login(AdminFactory())

    response = client.get(reverse("admin:auditlog_logentry_export") + "?batch=zz")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:auditlog_logentry_changelist") + "?e=1"
    assert not ExportJob.objects.exists()
