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

from celery import current_app
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from core.audit import audit_actor
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


# Tickets re-matched per transaction: 5,000 ids keep each UPDATE and its row locks short
# (an import merging the same table waits for one chunk, not for the whole re-match).
REMATCH_CHUNK = 5_000


def _queue_rematch(change: AliasChange) -> None:
    # By name (hotline.alias_rematch): tasks import services, never the reverse. The app's
    # registry honours eager mode (the embedded shape runs the job right after the commit).
    transaction.on_commit(lambda: current_app.tasks["hotline.alias_rematch"].delay(change.pk))


@transaction.atomic
def department_alias_add(*, department: Department, name: str, actor=None) -> AliasChange:
    """Register `name` as an alias of `department` and queue the re-match of the stored
    records that carry it (alias_change_run, a Celery job with progress on the returned
    AliasChange): the request answers at once. Refused (nothing written) for a department
    outside the actor's committee."""
    _check_department(department=department, actor=actor)
    name = normalize_name(name)
    if not name:
        raise AliasError("别名不能为空")
    try:
        with transaction.atomic():
            DepartmentAlias.objects.create(department=department, name=name)
    except IntegrityError as exc:
        raise AliasError(f"“{name}”已经是其他部门的别名") from exc
    change = AliasChange.objects.create(
        action=AliasChange.Action.ADD,
        name=name,
        department=department,
        organizer=getattr(actor, "organizer", None),
        records=0,
        actor=actor,
        state=AliasChange.State.PENDING,
    )
    _queue_rematch(change)
    return change


@transaction.atomic
def department_alias_undo(*, change: AliasChange, actor=None) -> AliasChange:
    """Undo an alias: remove it and queue the job that gives the tickets carrying that name
    the matching they would have without it (normally none) and recomputes the statistics
    of the months they fall in. Returns the undo's AliasChange (its progress)."""
    change = AliasChange.objects.select_for_update().get(pk=change.pk)
    if change.action != AliasChange.Action.ADD:
        raise AliasError("只能撤销添加别名的操作")
    if change.state != AliasChange.State.DONE:
        raise AliasError("该别名的重新匹配尚未完成，请完成后再撤销")
    if AliasChange.objects.filter(undoes=change).exists():
        raise AliasError("该别名已经撤销")
    department = change.department
    _check_department(department=department, actor=actor)
    deleted, _ = DepartmentAlias.objects.filter(name=change.name, department=department).delete()
    if not deleted:
        raise AliasError(f"“{change.name}”已不是{department.short_name}的别名，无法撤销")
    undo = AliasChange.objects.create(
        action=AliasChange.Action.UNDO,
        name=change.name,
        department=department,
        organizer=getattr(actor, "organizer", None),
        records=0,
        actor=actor,
        undoes=change,
        state=AliasChange.State.PENDING,
    )
    _queue_rematch(undo)
    return undo


def _rematch_plan(change: AliasChange):
    """The tickets still to move, and where to: an added alias moves its unmatched tickets
    (a staff member's: their committee's only) to the department; an undo moves the
    department's tickets of that name to the match they have without it."""
    if change.action == AliasChange.Action.ADD:
        pending = HotlineRecord.objects.filter(department__isnull=True, department_name=change.name)
        actor = change.actor
        if actor is not None and actor.role != Role.ADMIN:
            # Staff re-match their own committee's tickets only, never another committee's.
            organizer = actor.organizer_id
            own = (
                HotlineSource.objects.filter(organizer_id=organizer)
                if organizer is not None
                else HotlineSource.objects.none()
            )
            pending = pending.filter(source_id__in=own.values("pk"))
        return pending, change.department_id
    target = importer.department_lookup().get(change.name)
    if target == change.department_id:  # the name is the department's own: nothing moves
        return HotlineRecord.objects.none(), target
    pending = HotlineRecord.objects.filter(
        department_id=change.department_id, department_name=change.name
    )
    return pending, target


def alias_change_run(*, change_id: int, chunk: int = REMATCH_CHUNK) -> AliasChange:
    """Re-match the tickets of an alias change in chunks of `chunk` ids, one transaction
    each, then recompute the statistics of the months they fall in. Idempotent and safe to
    run twice at once: a moved ticket no longer matches the condition, each chunk holds the
    change's row lock while it counts, and a finished change is returned as it is."""
    change = AliasChange.objects.get(pk=change_id)
    if change.finished:
        return change
    pending, target = _rematch_plan(change)
    if change.total is None:
        # For the progress bar; read once (the unmatched tickets of a name are a partial index).
        AliasChange.objects.filter(pk=change.pk).update(
            state=AliasChange.State.RUNNING, total=pending.count()
        )
    while True:
        with transaction.atomic():
            change = AliasChange.objects.select_for_update().get(pk=change_id)
            if change.finished:
                return change
            ids = list(pending.order_by().values_list("pk", flat=True)[:chunk])
            if not ids:
                break
            rows = pending.filter(pk__in=ids)
            seen = {m.isoformat() for m in _months(rows)}
            moved = rows.update(department_id=target)
            touched = set(change.touched.get("months", [])) | seen
            # update(), not save(): progress is not an audited change (the final count is).
            AliasChange.objects.filter(pk=change.pk).update(
                state=AliasChange.State.RUNNING,
                done=change.done + moved,
                touched={"months": sorted(touched)},
            )
    with transaction.atomic():
        change = AliasChange.objects.select_for_update().get(pk=change_id)
        if change.finished:
            return change
        months = {dt.date.fromisoformat(m) for m in change.touched.get("months", [])}
        cells: dict[int, set[dt.date]] = {change.department_id: months}
        if target is not None:
            cells[target] = months
        stats_refresh(cells=cells)
        change.state = AliasChange.State.DONE
        change.records = change.done
        change.finished_at = timezone.now()
        # One audit entry for the outcome (state, count), in the name of who asked for it:
        # audit_actor ignores whatever a finished request or task left in auditlog's context.
        with audit_actor(change.actor):
            change.save(update_fields=["state", "records", "finished_at"])
    return change
