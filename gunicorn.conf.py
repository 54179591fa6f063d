"""gunicorn reads this file from the working directory, before Django is set up; values
come from the environment through django-environ, as the Django settings read theirs."""

import environ

env = environ.Env()

bind = f"{env('HOST', default='0.0.0.0')}:{env.int('PORT', default=8000)}"  # noqa: S104
workers = env.int("WEB_CONCURRENCY", default=3)
timeout = 60
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "*"
