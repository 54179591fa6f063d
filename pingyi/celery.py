import os

from celery import Celery
from celery.signals import worker_init

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
