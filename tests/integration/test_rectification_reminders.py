"""The daily reminder task through a real worker (PostgreSQL + Redis runs) or eagerly."""

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.stages import Stage
from rectification import services
from rectification.models import Notice
from rectification.tasks import send_reminders
from tests.factories import LiaisonFactory, StaffFactory
from tests.rectification.factories import MeasureFactory, PlanFactory


def _due_soon_measure():
    plan = PlanFactory(deadline=timezone.localdate() + dt.timedelta(days=30))
    ev = plan.key_issue.department
    ev.batch.stage = Stage.RECTIFICATION
    ev.batch.save()
    MeasureFactory(plan=plan, deadline=timezone.localdate() + dt.timedelta(days=3))
    liaison = LiaisonFactory(department=ev.department, email="l@example.org")
    staff = StaffFactory(organizer=ev.campaign.organizer)
    services.plan_submit(plan=plan, actor=liaison)
    services.plan_publish(plan=plan, actor=staff)


@pytest.mark.integration
def test_real_worker_sends_each_reminder_once(celery_worker_process):
    _due_soon_measure()

    first = send_reminders.delay().get(timeout=30)
    second = send_reminders.delay().get(timeout=30)

    assert (first, second) == (2, 0)
    assert Notice.objects.filter(kind=Notice.Kind.DUE_SOON).count() == 2


@pytest.mark.django_db
def test_task_runs_eagerly_without_a_broker(settings):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a broker is configured: the real-worker test covers it")
    _due_soon_measure()
    assert send_reminders.delay().get() == 2
    assert send_reminders.delay().get() == 0
