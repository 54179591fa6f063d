import subprocess

import pytest

from core.tasks import ping
from tests.conftest import ROOT
from tests.factories import UserFactory

pytestmark = pytest.mark.integration


def test_real_worker_runs_a_task_through_redis_against_the_test_database(celery_worker_process):
    UserFactory.create_batch(3)

    result = ping.delay().get(timeout=30)

    assert result["pong"] is True
    assert result["users"] == 3
    assert "pingyi.ping" in celery_worker_process.log()


def test_worker_answers_the_inspect_ping_health_check(celery_worker_process):
    result = subprocess.run(
        ["celery", "-A", "pingyi", "inspect", "ping", "--timeout", "10"],
        cwd=ROOT,
        env=celery_worker_process.env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "pong" in result.stdout


def test_tasks_run_eagerly_in_process_when_no_broker_is_set(settings, db):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a broker is configured: tasks go to real workers in this run")
    UserFactory()

    assert ping.delay().get()["users"] == 1
