"""An alias added in a request-like transaction is re-matched by a real Celery worker (Redis,
the test database): the change's progress reaches done with the right count. Also shows that
the worker starts with its own statement timeout hook (pingyi/celery.py) in place."""

import time

import pytest

from hotline.models import AliasChange, DailyStat, HotlineRecord
from hotline.services import department_alias_add, import_batch_create, import_batch_run
from tests.factories import EvaluatedDepartmentFactory, StaffFactory
from tests.hotline.factories import ticket, write_csv

pytestmark = pytest.mark.integration


def test_a_real_worker_rematches_an_alias_in_the_background(celery_worker_process, tmp_path):
    staff = StaffFactory()
    police = EvaluatedDepartmentFactory(
        batch__campaign__organizer=staff.organizer, department__name="淄博市公安局"
    ).department
    path = write_csv(tmp_path / "a.csv", [ticket(n, dept="张店交警") for n in range(1, 6)])
    batch = import_batch_create(source_name="12345热线", path=str(path), file_name="a.csv",
                                actor=staff)  # fmt: skip
    import_batch_run(batch_id=batch.pk)

    change = department_alias_add(department=police, name="张店交警", actor=staff)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        change.refresh_from_db()
        if change.state == AliasChange.State.DONE:
            break
        time.sleep(0.2)
    assert (change.state, change.records, change.total) == ("done", 5, 5)
    assert HotlineRecord.objects.filter(department=police).count() == 5
    assert sum(DailyStat.objects.filter(department=police).values_list("total", flat=True)) == 5
    assert "hotline.alias_rematch" in celery_worker_process.log()
