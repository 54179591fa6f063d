"""Answering a suggestion tells the people behind it (issue 20): the deputy who made it in
their workspace and by email, a member of the public only when they opted in, at the contact
they gave. Each answer version is announced once; a correction is announced anew."""

import pytest
from django.core import mail
from django.urls import reverse

from core import sms
from issues import services
from issues.models import SourceType
from issues.notify import answered_announce
from notifications import events
from notifications.models import Channel, Delivery, Message, Preference, Robot
from notifications.services import sweep
from tests.confirming import post_confirmed
from tests.factories import DeputyFactory, EvaluatedDepartmentFactory, StaffFactory
from tests.issues.factories import SuggestionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

ANSWER = "已转交市教育局研究，今年秋季学期起延长课后服务至18:00。"


@pytest.fixture
def world(settings):
    settings.SMS_BACKEND = "core.sms.LocmemSmsBackend"
    settings.NOTIFY_PUBLIC_QUIET_HOURS = ("00:00", "00:00")  # not what is tested here
    sms.outbox.clear()
    department = EvaluatedDepartmentFactory()
    staff = StaffFactory(organizer=department.campaign.organizer)
    return department, staff


def public(department, *, contact="", notify_me=False):
    return services.suggestion_submit_public(
        campaign=department.campaign,
        department=department,
        source_type=SourceType.PUBLIC,
        text="希望延长课后服务时间，方便双职工家庭。",
        contact=contact,
        notify_me=notify_me,
    )


def test_the_deputy_hears_in_app_and_by_email_and_again_when_corrected(
    world, django_capture_on_commit_callbacks
):
    department, staff = world
    deputy = DeputyFactory(email="deputy@example.org")
    suggestion = SuggestionFactory(department=department, submitted_by=deputy)

    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_answer(suggestion=suggestion, text=ANSWER, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_answer(
            suggestion=suggestion, text="延长至18:30。", reason="时间写错了", actor=staff
        )

    first, second = Message.objects.filter(recipient=deputy).order_by("pk")
    assert first.title == f"【意见建议已答复】{suggestion.receipt}" and ANSWER in first.body
    assert second.title == f"【答复已更正】{suggestion.receipt}"
    assert "更正理由：时间写错了" in second.body and "延长至18:30。" in second.body
    assert [m.to for m in mail.outbox] == [["deputy@example.org"], ["deputy@example.org"]]
    assert "答复已更正" in mail.outbox[1].subject
    assert staff.display_name not in first.body + second.body


def test_the_public_who_opted_in_get_an_sms_with_the_receipt_link_only(
    world, django_capture_on_commit_callbacks
):
    department, staff = world
    asked = public(department, contact="138 0000 2222", notify_me=True)
    public(department, contact="13900003333")  # left a contact, did not ask

    with django_capture_on_commit_callbacks(execute=True):
        for suggestion in department.campaign.suggestions.all():
            services.suggestion_answer(suggestion=suggestion, text=ANSWER, actor=staff)

    [text] = sms.outbox
    assert text["phone"] == "13800002222"
    assert asked.receipt in text["text"] and "已有办理答复" in text["text"]
    assert reverse("issues:receipt-detail", args=[asked.receipt]) in text["text"]
    assert ANSWER not in text["text"] and "课后服务" not in text["text"]


def test_the_public_opted_in_by_email_hear_of_a_correction(
    world, django_capture_on_commit_callbacks
):
    department, staff = world
    asked = public(department, contact="citizen@example.org", notify_me=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_answer(suggestion=asked, text=ANSWER, actor=staff)
        services.suggestion_answer(suggestion=asked, text="更正后", reason="有误", actor=staff)

    assert [m.to for m in mail.outbox] == [["citizen@example.org"]] * 2
    assert mail.outbox[0].subject == f"【意见建议已答复】{asked.receipt}"
    assert mail.outbox[1].subject == f"【答复已更正】{asked.receipt}"
    assert "办理答复已更正" in mail.outbox[1].body


def test_without_opt_in_nobody_is_written_to(world, django_capture_on_commit_callbacks):
    department, staff = world
    suggestion = public(department, contact="13900003333")

    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_answer(suggestion=suggestion, text=ANSWER, actor=staff)

    assert sms.outbox == [] and mail.outbox == []
    assert not Delivery.objects.filter(event__startswith="issues.").exists()


def test_a_repeated_announcement_or_delivery_sends_once(world, django_capture_on_commit_callbacks):
    department, staff = world
    deputy = DeputyFactory(email="deputy@example.org")
    mine = SuggestionFactory(department=department, submitted_by=deputy)
    asked = public(department, contact="13800002222", notify_me=True)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            services.suggestion_answer(suggestion=s, text=ANSWER, actor=staff)
            for s in (mine, asked)
        ]

    # A retried emission (the same answer version) and a second sweep: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        for suggestion, answer in zip((mine, asked), answers, strict=True):
            answered_announce(suggestion=suggestion, answer=answer)
    sweep()

    assert len(sms.outbox) == 1 and len(mail.outbox) == 1
    assert Message.objects.filter(recipient=deputy).count() == 1


def test_group_robots_never_carry_an_answer(world, django_capture_on_commit_callbacks):
    department, staff = world
    deputy = DeputyFactory(organizer=staff.organizer)
    Robot.objects.create(
        platform=Channel.WECOM, organizer=staff.organizer, name="群", url="http://127.0.0.1:9/x"
    )
    Preference.objects.create(
        user=deputy, event="issues.suggestion_answered", channels=[Channel.WECOM]
    )
    suggestion = SuggestionFactory(department=department, submitted_by=deputy)

    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_answer(suggestion=suggestion, text=ANSWER, actor=staff)

    assert events.get("issues.suggestion_answered").robot == ""
    assert events.get("issues.public_suggestion_answered").robot == ""
    assert not Delivery.objects.filter(robot__isnull=False).exists()
    # Their only chosen channel cannot carry it: the workspace still does.
    assert Message.objects.filter(recipient=deputy).count() == 1


def test_staff_answer_page_names_who_will_be_told(
    client, world, django_capture_on_commit_callbacks
):
    department, staff = world
    deputy = DeputyFactory(first_name="李代表")
    mine = SuggestionFactory(department=department, submitted_by=deputy)
    url = reverse("issues:suggestion-answer", args=[department.campaign.slug, mine.pk])
    client.force_login(staff)

    review = client.post(url, {"text": ANSWER, "version": "1"}).content.decode()
    assert "提出建议的代表" in review and deputy.display_name in review
    with django_capture_on_commit_callbacks(execute=True):
        post_confirmed(client, url, {"text": ANSWER, "version": "1"})

    assert Message.objects.get(recipient=deputy).event == "issues.suggestion_answered"


def test_console_sms_backend_logs_the_public_message_with_the_number_masked(
    world, settings, caplog, django_capture_on_commit_callbacks
):
    department, staff = world
    settings.SMS_BACKEND = "core.sms.ConsoleSmsBackend"
    asked = public(department, contact="13800002222", notify_me=True)

    with caplog.at_level("INFO"), django_capture_on_commit_callbacks(execute=True):
        services.suggestion_answer(suggestion=asked, text=ANSWER, actor=staff)

    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("短信")]
    assert asked.receipt in line and "已有办理答复" in line and "13800002222" not in line
