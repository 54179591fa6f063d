import os

from celery import Celery
from celery.signals import task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.production")

app = Celery("pingyi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _worker_statement_timeout(**kwargs):
    """Workers run long statements on purpose (imports, aggregate refreshes): their limit is
    DB_STATEMENT_TIMEOUT_WORKER, not the web one (core/database.py)."""
    import django

    django.setup()
    from core.database import statement_timeout_apply

    statement_timeout_apply(kind="worker")


@task_prerun.connect
def _audit_context_per_task(task=None, **kwargs):
    """Each task names its own actor in the audit log (core.audit.audit_actor), never the one
    a previous task in this worker thread left behind. Eager tasks run inside the request
    that queued them and keep its actor."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from core.audit import audit_context_clear

    audit_context_clear()
