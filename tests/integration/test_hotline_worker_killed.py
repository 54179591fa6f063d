"""A real Celery worker is killed (SIGKILL) in the middle of an import; the task is run
again on a new worker and the database ends as after one clean run."""

import os
import signal
import time

import pytest
from django.conf import settings

from hotline.models import HotlineRecord, ImportBatch, StagedRow
from hotline.services import import_batch_create, import_batch_run
from hotline.tasks import import_batch_task
from tests.conftest import subprocess_env
from tests.factories import DepartmentFactory
from tests.hotline.factories import ticket, write_csv
from tests.support.processes import start_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

COUNTS = ("state", "read", "inserted", "updated", "unchanged", "rejected", "unmatched")


def _records(source_name):
    return sorted(
        tuple(row)
        for row in HotlineRecord.objects.filter(source__name=source_name).values_list(
            "ticket_no", "received_at", "received_day", "department_id", "department_name",
            "category", "satisfaction", "content",
        )
    )  # fmt: skip


def test_import_killed_mid_merge_and_run_again_converges(tmp_path):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("no broker configured: set CELERY_BROKER_URL to run real-worker tests")
    DepartmentFactory(name="淄博市公安局")
    ratings, names = ("满意", "不满意", ""), ("淄博市公安局", "某某公司")
    rows = [
        ticket(i, when=f"2021-{1 + i % 12:02d}-{1 + i % 28:02d} 10:00",
               satisfaction=ratings[i % 3], dept=names[i % 7 == 0])
        for i in range(20_000)
    ] + [ticket("", when="")]  # fmt: skip
    path = write_csv(tmp_path / "a.csv", rows)
    env = subprocess_env(DJANGO_SETTINGS_MODULE="pingyi.settings.test", HOTLINE_CHUNK_ROWS="400")
    batch = import_batch_create(source_name="crash", path=str(path), file_name="a.csv")

    with start_worker(env) as worker:
        import_batch_task.delay(batch.pk)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch.phase == ImportBatch.Phase.MERGE and batch.merged_upto > 0:
                break
            time.sleep(0.02)
        os.killpg(worker.popen.pid, signal.SIGKILL)
        worker.popen.wait(timeout=10)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.RUNNING, "the worker finished before it was killed"
    assert batch.merged_upto > 0

    with start_worker(env):
        assert import_batch_task.delay(batch.pk).get(timeout=120) == "done"

    clean = import_batch_create(source_name="clean", path=str(path), file_name="a.csv")
    clean = import_batch_run(batch_id=clean.pk)
    batch.refresh_from_db()
    assert {k: getattr(batch, k) for k in COUNTS} == {k: getattr(clean, k) for k in COUNTS}
    assert batch.read == 20_001 and batch.rejected == 1
    assert _records("crash") == _records("clean")
    assert not StagedRow.objects.exists()
