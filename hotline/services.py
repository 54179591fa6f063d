"""Writes for the hotline: creating and running an import, adding and undoing a department
alias. The import itself lives in importer.py, the aggregates in stats.py.

Sources and batches belong to a committee (organizer): the uploader's, or the city committee
for imports without one (command line, the demo). Aliases are written only onto a
department of the actor's committee (selectors.departments_for_user), and every alias change
is kept in AliasChange (and the audit log) with how many tickets it re-matched."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.db import IntegrityError, transaction

from accounts.models import Role
from departments.models import Department, DepartmentAlias, Organizer
from departments.naming import normalize_name

from . import importer
from .models import AliasChange, HotlineRecord, HotlineSource, ImportBatch
from .selectors import departments_for_user
from .stats import stats_refresh

# --- creating and running a batch ----------------------------------------------------------


def organizer_default() -> Organizer | None:
    """The committee of imports made without a user: the city committee (the first
    city-level organizer), or none (then only admins see them)."""
    return Organizer.objects.filter(level=Organizer.Level.CITY).order_by("id").first()


def source_get_or_create(*, name: str, organizer: Organizer | None = None) -> HotlineSource:
    source, _ = HotlineSource.objects.get_or_create(
        name=normalize_name(name) or "12345热线", organizer=organizer
    )
    return source


def import_batch_create(
    *,
    source_name: str,
    path: str,
    file_name: str,
    sheet: str = "",
    actor=None,
    organizer: Organizer | None = None,
) -> ImportBatch:
    """A batch of the given committee's source: `organizer`, else the uploader's committee,
    else organizer_default(). Each committee has its own sources, so one committee's file
    never updates another committee's tickets."""
    if organizer is None and actor is not None and actor.organizer_id:
        organizer = actor.organizer
    if organizer is None:
        organizer = organizer_default()
    return ImportBatch.objects.create(
        source=source_get_or_create(name=source_name, organizer=organizer),
        organizer=organizer,
        path=str(path),
        file_name=file_name,
        sheet=sheet or "",
        created_by=actor,
    )


def import_batch_upload(*, upload, source_name: str, sheet: str = "", actor=None) -> ImportBatch:
    """Store an uploaded file (already checked by ImportUploadForm) under a fresh folder and
    create its batch: what the upload page and the API share. The caller queues the import
    once its transaction commits."""
    from django.core.files.storage import default_storage

    name = Path(upload.name).name[-120:] or "upload"
    stored = default_storage.save(f"hotline/{uuid.uuid4().hex}/{name}", upload)
    return import_batch_create(
        source_name=source_name,
        path=default_storage.path(stored),
        file_name=name,
        sheet=sheet,
        actor=actor,
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


def _check_department(*, department: Department, actor) -> None:
    if actor is None:  # the command line and the demo act for the operator
        return
    if not departments_for_user(user=actor).filter(pk=department.pk).exists():
        raise AliasError(
            f"不能把别名归入{department.name}：只能归入本人大常委会评议或本级的部门（单位）。"
        )


def _months(records) -> set[dt.date]:
    return {
        dt.date(day.year, day.month, 1)
        for day in records.order_by().values_list("received_day", flat=True).distinct()
    }


@transaction.atomic
def department_alias_add(*, department: Department, name: str, actor=None) -> int:
    """Register `name` as an alias of `department` and match the stored records that carry
    it; returns how many records were matched. The aggregates follow in the same
    transaction, so no re-import is needed. Refused (nothing written) for a department
    outside the actor's committee; recorded in AliasChange."""
    _check_department(department=department, actor=actor)
    name = normalize_name(name)
    if not name:
        raise AliasError("别名不能为空")
    try:
        with transaction.atomic():
            DepartmentAlias.objects.create(department=department, name=name)
    except IntegrityError as exc:
        raise AliasError(f"“{name}”已经是其他部门的别名") from exc
    unmatched = HotlineRecord.objects.filter(department__isnull=True, department_name=name)
    if actor is not None and actor.role != Role.ADMIN:
        # Staff re-match their own committee's tickets only, never another committee's.
        own = HotlineSource.objects.filter(organizer_id=actor.organizer_id, organizer__isnull=False)
        unmatched = unmatched.filter(source_id__in=own.values("pk"))
    months = _months(unmatched)
    matched = unmatched.update(department=department)
    stats_refresh(cells={department.pk: months})
    AliasChange.objects.create(
        action=AliasChange.Action.ADD,
        name=name,
        department=department,
        organizer=getattr(actor, "organizer", None),
        records=matched,
        actor=actor,
    )
    return matched


@transaction.atomic
def department_alias_undo(*, change: AliasChange, actor=None) -> int:
    """Undo an alias: remove it and give the tickets carrying that name the matching they
    would have without it (normally none), then recompute the statistics of the months
    they fall in. Returns how many tickets changed; recorded in AliasChange."""
    change = AliasChange.objects.select_for_update().get(pk=change.pk)
    if change.action != AliasChange.Action.ADD:
        raise AliasError("只能撤销添加别名的操作")
    if AliasChange.objects.filter(undoes=change).exists():
        raise AliasError("该别名已经撤销")
    department = change.department
    _check_department(department=department, actor=actor)
    deleted, _ = DepartmentAlias.objects.filter(name=change.name, department=department).delete()
    if not deleted:
        raise AliasError(f"“{change.name}”已不是{department.short_name}的别名，无法撤销")
    target = importer.department_lookup().get(change.name)
    records = HotlineRecord.objects.filter(department=department, department_name=change.name)
    months = _months(records)
    moved = records.update(department_id=target)
    cells = {department.pk: months}
    if target is not None:
        cells[target] = months
    stats_refresh(cells=cells)
    AliasChange.objects.create(
        action=AliasChange.Action.UNDO,
        name=change.name,
        department=department,
        organizer=getattr(actor, "organizer", None),
        records=moved,
        actor=actor,
        undoes=change,
    )
    return moved
