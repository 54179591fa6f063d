"""Fixtures of the notifications tests: the robot webhook stand-in (tests/support/robots.py),
the locmem SMS backend, and fresh per-minute rate counters."""

import pytest
from django.core.cache import cache

from core import sms
from tests.support.robots import RobotServer


@pytest.fixture(scope="session")
def _robot_server():
    server = RobotServer()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def robot_server(_robot_server, settings):
    settings.NOTIFY_ROBOT_HOSTS = ["127.0.0.1"]
    settings.SMS_BACKEND = "core.sms.LocmemSmsBackend"
    sms.outbox.clear()
    cache.clear()  # the robots' per-minute counters
    _robot_server.reset()
    return _robot_server
