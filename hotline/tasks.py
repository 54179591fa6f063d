"""Celery tasks of the hotline: take ids, call a service, nothing else."""

from celery import shared_task

from .models import AliasChange, ImportBatch
from .services import alias_change_run, import_batch_run


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_batch_task(batch_id: int) -> str:
    """Run or resume an import. Safe to deliver twice: every phase resumes from the state
    committed on the batch row, and a finished batch is left alone."""
    if not ImportBatch.objects.filter(pk=batch_id).exists():
        return "missing"  # deleted while queued: nothing to do
    return import_batch_run(batch_id=batch_id).state


@shared_task(name="hotline.alias_rematch", acks_late=True, reject_on_worker_lost=True)
def alias_rematch_task(change_id: int) -> str:
    """Re-match the tickets of an alias change (added or undone). Safe to deliver twice:
    moved tickets no longer match, and a finished change is left alone."""
    if not AliasChange.objects.filter(pk=change_id).exists():
        return "missing"
    return alias_change_run(change_id=change_id).state
