import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from campaigns.stages import Stage
from rectification import services
from rectification.models import Notice
from rectification.reminders import reminders_send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def active(published_plan):
    batch = published_plan.key_issue.department.batch
    batch.stage = Stage.RECTIFICATION
    batch.save()
    published_plan.liaison.email = "liaison@example.org"
    published_plan.liaison.save()
    published_plan.staff.email = "staff@example.org"
    published_plan.staff.save()
    return published_plan


def test_due_soon_is_sent_once(active, settings, django_capture_on_commit_callbacks):
    settings.RECTIFICATION_DUE_SOON_DAYS = 7
    today = dt.date(2021, 6, 25)  # the 353所 measure is due 2021-06-30

    # Emails go through notifications after the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(today=today)
        second = reminders_send(today=today)
        third = reminders_send(today=today + dt.timedelta(days=1))

    assert first == 2 and second == 0 and third == 0  # liaison and staff, once
    notices = Notice.objects.filter(kind=Notice.Kind.DUE_SOON)
    assert {n.recipient for n in notices} == {active.liaison, active.staff}
    assert len(mail.outbox) == 2 and "即将到期" in mail.outbox[0].subject


def test_overdue_is_a_new_condition_and_a_new_deadline_another(active):
    reminders_send(today=dt.date(2021, 7, 2))
    assert Notice.objects.filter(kind=Notice.Kind.OVERDUE).count() == 2
    reminders_send(today=dt.date(2021, 7, 9))
    assert Notice.objects.filter(kind=Notice.Kind.OVERDUE).count() == 2

    measure = active.measures.get(target_value__isnull=False)
    services.measure_save(
        plan=active, actor=active.liaison, measure=measure, deadline=dt.date(2021, 7, 5)
    )
    reminders_send(today=dt.date(2021, 7, 9))
    assert Notice.objects.filter(kind=Notice.Kind.OVERDUE).count() == 4


def test_silent_department_is_reminded_once_per_silence(active, settings):
    settings.RECTIFICATION_SILENT_DAYS = 14
    published = active.versions.get().published_at.date()
    later = published + dt.timedelta(days=20)
    reminders_send(today=later)
    reminders_send(today=later + dt.timedelta(days=5))
    assert Notice.objects.filter(kind=Notice.Kind.SILENT).count() == 2


def test_nothing_is_sent_outside_the_rectification_stage(published_plan):
    assert reminders_send(today=dt.date(2021, 7, 2)) == 0


def test_command_runs_the_job(active, capsys):
    call_command("send_rectification_reminders", "--today", "2021-07-02")
    assert "reminder(s) sent" in capsys.readouterr().out


def test_beat_schedules_the_task_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["rectification-reminders"]
    assert entry["task"] == "rectification.send_reminders"
    from pingyi.celery import app

    app.loader.import_default_modules()
    assert "rectification.send_reminders" in app.tasks
