"""Notifications through a real Celery worker (PostgreSQL + Redis runs): a delivery task
that the broker hands out several times, to workers running side by side, sends one
message. The robot webhook is a local HTTP server the worker process posts to."""

import time

import pytest
from django.core.cache import cache

from notifications import services
from notifications.models import Channel, Delivery, Preference, Robot
from notifications.tasks import deliver_task
from tests.factories import LiaisonFactory, StaffFactory
from tests.support.robots import RobotServer

pytestmark = pytest.mark.integration


@pytest.fixture
def robot_server():
    server = RobotServer()
    yield server
    server.httpd.shutdown()


def test_real_worker_sends_a_duplicated_delivery_once(celery_worker_process, robot_server):
    cache.clear()
    liaison = LiaisonFactory()
    Robot.objects.create(
        platform=Channel.WECOM,
        organizer=StaffFactory().organizer,
        department=liaison.department,
        name="教育局整改群",
        url=f"{robot_server.url}/cgi-bin/webhook/send?key=k",
    )
    Preference.objects.create(
        user=liaison, event="rectification.update_returned", channels=[Channel.WECOM]
    )

    # Outside a transaction: on commit is now, so this enqueues the first task itself.
    [delivery_id] = services.notify(
        event="rectification.update_returned",
        key=1,
        users=[liaison],
        context={"department": "市教育局", "issue": "课后服务", "reason": "缺少佐证"},
    )
    duplicates = [deliver_task.delay(delivery_id) for _ in range(3)]
    outcomes = [r.get(timeout=30) for r in duplicates]

    assert set(outcomes) <= {"sent", "skipped"}
    # The task notify enqueued may be the one that sent: wait for its row to settle.
    deadline = time.monotonic() + 30
    while Delivery.objects.get(pk=delivery_id).state != Delivery.State.SENT:
        assert time.monotonic() < deadline, "the delivery was never sent"
        time.sleep(0.2)
    delivery = Delivery.objects.get(pk=delivery_id)
    assert (delivery.state, delivery.attempts) == (Delivery.State.SENT, 1)
    assert len(robot_server.posts) == 1
    assert (
        "pingyi" in celery_worker_process.log()
        or "notifications.deliver" in celery_worker_process.log()
    )
