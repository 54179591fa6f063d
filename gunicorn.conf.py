"""gunicorn reads this file from the working directory, before Django is set up; values
come from the environment through django-environ, as the Django settings read theirs."""

import os

import environ

env = environ.Env()

# The web processes' PostgreSQL statement timeout (DB_STATEMENT_TIMEOUT_WEB, 25 s by default)
# must stay below `timeout`, so that a slow query is cancelled and answered with a 503 before
# gunicorn kills the worker (pingyi/settings/base.py, core/database.py).
os.environ.setdefault("PINGYI_PROCESS", "web")

bind = f"{env('HOST', default='0.0.0.0')}:{env.int('PORT', default=8000)}"  # noqa: S104
workers = env.int("WEB_CONCURRENCY", default=3)
timeout = 60
if env.int("DB_STATEMENT_TIMEOUT_WEB", default=25_000) >= timeout * 1000:
    raise SystemExit("DB_STATEMENT_TIMEOUT_WEB must be below gunicorn's timeout (60 s)")
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "*"
