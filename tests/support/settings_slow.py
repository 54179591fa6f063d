"""The test settings with the URLconf that has the pg_sleep routes (tests/support/urls_slow.py),
for a gunicorn started by a test."""

from pingyi.settings.test import *  # noqa: F401,F403

ROOT_URLCONF = "tests.support.urls_slow"
