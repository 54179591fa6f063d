"""Writes for the hotline: creating and running an import, adding a department alias.
The import itself lives in importer.py, the aggregates in stats.py."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from departments.models import Department, DepartmentAlias
from departments.naming import normalize_name

from . import importer
from .models import HotlineRecord, HotlineSource, ImportBatch
from .stats import stats_refresh

# --- creating and running a batch ----------------------------------------------------------


def source_get_or_create(*, name: str) -> HotlineSource:
    source, _ = HotlineSource.objects.get_or_create(name=normalize_name(name) or "12345热线")
    return source


def import_batch_create(
    *, source_name: str, path: str, file_name: str, sheet: str = "", actor=None
) -> ImportBatch:
    return ImportBatch.objects.create(
        source=source_get_or_create(name=source_name),
        path=str(path),
        file_name=file_name,
        sheet=sheet or "",
        created_by=actor,
    )


def import_batch_run(*, batch_id: int) -> ImportBatch:
    """Run (or resume) an import. Idempotent: a finished batch is returned as it is, and a
    batch another worker is running right now is left to it."""
    return importer.run(batch_id=batch_id)


def department_lookup() -> dict[str, int]:
    return importer.department_lookup()


# --- aliases ---------------------------------------------------------------------------------


class AliasError(ValueError):
    pass


@transaction.atomic
def department_alias_add(*, department: Department, name: str, actor=None) -> int:
    """Register `name` as an alias of `department` and match the stored records that carry
    it; returns how many records were matched. The aggregates follow in the same
    transaction, so no re-import is needed."""
    name = normalize_name(name)
    if not name:
        raise AliasError("别名不能为空")
    try:
        with transaction.atomic():
            DepartmentAlias.objects.create(department=department, name=name)
    except IntegrityError as exc:
        raise AliasError(f"“{name}”已经是其他部门的别名") from exc
    unmatched = HotlineRecord.objects.filter(department__isnull=True, department_name=name)
    months = {
        dt.date(day.year, day.month, 1)
        for day in unmatched.order_by().values_list("received_day", flat=True).distinct()
    }
    matched = unmatched.update(department=department)
    stats_refresh(cells={department.pk: months})
    return matched
