"""Fixtures of the notifications tests: the robot webhook stand-in, the locmem SMS backend
and fresh per-minute rate counters (tests/support/robots.py)."""

from tests.support.robots import _robot_server, robot_server  # noqa: F401 - fixtures
