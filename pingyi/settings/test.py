"""The test suite: fast password hashing; everything else as the environment says, so the
same suite runs on SQLite + eager Celery and on PostgreSQL + Redis + a real worker."""

import os

from .base import *  # noqa: F401,F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that subprocesses (gunicorn, a worker) could share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
# Serve files from static/ as they change; no collectstatic outside production.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# `make test` runs the suite on several pytest-xdist processes that share one broker: each has
# its own queue, and the Celery workers its tests start (they inherit the environment, so
# they read the same name) take only that process's tasks, never another test database's.
if os.environ.get("PYTEST_XDIST_WORKER"):
    CELERY_TASK_DEFAULT_QUEUE = f"pingyi-test-{os.environ['PYTEST_XDIST_WORKER']}"
