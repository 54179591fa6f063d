"""A worker that dies half-way through an import and a re-run give exactly the state of one
clean run: records, counts, row errors and aggregates."""

import pytest

from departments.models import DepartmentAlias
from hotline import importer, services
from hotline.models import (
    DailyStat,
    HotlineRecord,
    ImportBatch,
    ImportRowError,
    MonthlyStat,
    StagedRow,
)
from hotline.tasks import import_batch_task
from tests.factories import DepartmentFactory
from tests.hotline.factories import ticket, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


COUNTS = ("total", "satisfied", "basic", "dissatisfied")


class WorkerDied(Exception):
    pass


def snapshot() -> dict:
    batch = ImportBatch.objects.order_by("-id").first()
    return {
        "records": sorted(
            tuple(r.values())
            for r in HotlineRecord.objects.values(
                "source__name", "ticket_no", "received_at", "received_day", "department__name",
                "department_name", "request_type", "category", "district", "town", "status",
                "closed_at", "satisfaction", "content", "caller_hash",
            )
        ),
        "batch": {
            k: getattr(batch, k)
            for k in ("state", "read", "inserted", "updated", "unchanged", "rejected", "unmatched")
        },
        "errors": sorted(
            ImportRowError.objects.filter(batch=batch).values_list("row_number", "reason")
        ),
        "daily": sorted(DailyStat.objects.values_list("department__name", *COUNTS, "day")),
        "monthly": sorted(
            MonthlyStat.objects.values_list(
                "department__name", *COUNTS, "month", "category", "district"
            )
        ),
        "staged": StagedRow.objects.count(),
    }  # fmt: skip


def scenario(tmp_path, settings, *, crash_after: int | None, monkeypatch) -> dict:
    settings.HOTLINE_CHUNK_ROWS = 7
    police = DepartmentFactory(name="淄博市公安局")
    housing = DepartmentFactory(name="淄博市住房和城乡建设局")
    DepartmentAlias.objects.create(department=police, name="市公安局")
    # An earlier export, so the second file updates some tickets and leaves others alone.
    first = [ticket(i, satisfaction="", when=f"2021-0{1 + i % 3}-10 08:00") for i in range(30)]
    services.import_batch_run(
        batch_id=services.import_batch_create(
            source_name="12345", path=str(write_csv(tmp_path / "a.csv", first)), file_name="a.csv"
        ).pk
    )
    second = (
        first[:10]
        + [
            ticket(
                i,
                satisfaction=("满意", "不满意", "")[i % 3],
                when=f"2021-0{1 + i % 4}-10 08:00",  # some tickets move to another month
                dept=("市公安局", "淄博市住房和城乡建设局", "某某公司")[i % 3]
                if i >= 20
                else "市公安局",
            )
            for i in range(10, 60)
        ]
        + [ticket("", when="")]
    )
    batch = services.import_batch_create(
        source_name="12345", path=str(write_csv(tmp_path / "b.csv", second)), file_name="b.csv"
    )
    if crash_after is not None:

        def die(batch, chunks):
            if chunks == crash_after:
                raise WorkerDied

        monkeypatch.setattr(importer, "after_merge_chunk", die)
        with pytest.raises(WorkerDied):
            import_batch_task.apply(args=[batch.pk], throw=True)
        batch.refresh_from_db()
        assert batch.state == ImportBatch.State.RUNNING and batch.merged_upto > 0
        monkeypatch.setattr(importer, "after_merge_chunk", None)
        import_batch_task.apply(args=[batch.pk], throw=True)  # the redelivered task
    import_batch_task.apply(args=[batch.pk], throw=True)  # delivered once more: a no-op
    assert housing.pk
    return snapshot()


def _reset():
    HotlineRecord.objects.all().delete()
    ImportBatch.objects.all().delete()
    DailyStat.objects.all().delete()
    MonthlyStat.objects.all().delete()
    DepartmentAlias.objects.all().delete()
    from departments.models import Department

    Department.objects.all().delete()


def test_rerun_after_a_crash_half_way_converges_to_a_clean_run(tmp_path, settings, monkeypatch):
    clean = scenario(tmp_path, settings, crash_after=None, monkeypatch=monkeypatch)
    _reset()

    crashed = scenario(tmp_path, settings, crash_after=4, monkeypatch=monkeypatch)

    assert crashed == clean
    assert clean["batch"]["state"] == ImportBatch.State.DONE
    assert clean["batch"]["updated"] > 0 and clean["batch"]["inserted"] > 0
    assert clean["batch"]["unchanged"] > 0 and clean["batch"]["rejected"] == 1
    assert clean["daily"] and clean["monthly"]


def test_a_batch_running_elsewhere_is_left_alone(tmp_path, settings):
    """A second delivery while another worker holds the batch returns without touching it."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are a PostgreSQL feature")
    DepartmentFactory(name="淄博市公安局")
    path = write_csv(tmp_path / "a.csv", [ticket(1)])
    batch = services.import_batch_create(source_name="s", path=str(path), file_name="a.csv")
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [importer._LOCK_SPACE, batch.pk])

        result = services.import_batch_run(batch_id=batch.pk)

        assert result.state == ImportBatch.State.PENDING
        assert not HotlineRecord.objects.exists()
    finally:
        # Unlock before closing: a closed connection's server process drops its locks only
        # when it has finished exiting, which can be after the next statement below runs.
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [importer._LOCK_SPACE, batch.pk])
        other.close()
    assert services.import_batch_run(batch_id=batch.pk).state == ImportBatch.State.DONE
