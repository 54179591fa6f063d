"""Every event through every channel to local stand-ins (a robot webhook server thread,
Django's locmem mail, the locmem SMS backend); retries, fallback, idempotency, rate limits,
quiet hours and the daily digest. Tasks run eagerly (no broker), so a retry runs at once."""

import base64
import datetime as dt
import hashlib
import hmac

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core import sms
from notifications import events, services
from notifications.models import Channel, Delivery, Message, Preference, QuietHours, Robot
from notifications.tasks import deliver_task, send_digests
from tests.factories import LiaisonFactory, MemberFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def liaison():
    return LiaisonFactory(phone="13800001111", email="liaison@example.org")


@pytest.fixture
def robots(robot_server, liaison):
    organizer = StaffFactory().organizer
    wecom = Robot.objects.create(
        platform=Channel.WECOM,
        organizer=organizer,
        department=liaison.department,
        name="教育局整改群",
        url=f"{robot_server.url}/cgi-bin/webhook/send?key=wecom-key",
    )
    dingtalk = Robot.objects.create(
        platform=Channel.DINGTALK,
        organizer=organizer,
        department=liaison.department,
        name="教育局钉钉群",
        url=f"{robot_server.url}/robot/send?access_token=ding-token",
        secret="SEC0123456789",
    )
    return {"wecom": wecom, "dingtalk": dingtalk, "organizer": organizer}


def choose(user, event: str, channels: list[str], digest: bool = False) -> None:
    Preference.objects.update_or_create(
        user=user, event=event, defaults={"channels": channels, "digest": digest}
    )


def emit(capture, *, event: str, key, users, **context):
    with capture(execute=True):
        return services.notify(
            event=event, key=key, users=users, context=context, url="/workspace/liaison/"
        )


# Every template's placeholders, as the emitters fill them.
SAMPLE = {
    "department": "市教育局",
    "issue": "课后服务",
    "reason": "缺少佐证材料",
    "version": 2,
    "percent": 60,
    "result": "满意",
    "round": 1,
    "remarks": "",
    "next": "",
    "deadline": "2026年6月30日",
    "days": 3,
    "message": "市教育局：整改措施“建立经费保障机制”将于 2026-06-30 到期。",
    "campaign": "2026年度工作评议",
    "batch": "第一批",
    "slots": 3,
    "eligible": 30,
    "cast": 28,
    "roll": 30,
    "submitted": 27,
    "date": "2026年5月6日",
    "lines": "- 待审核的整改进展：2",
}
CHANNELS = [Channel.INAPP, Channel.WECOM, Channel.DINGTALK, Channel.SMS, Channel.EMAIL]


def test_every_event_reaches_its_people_through_every_channel(
    robots, robot_server, liaison, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFY_ROBOT_PER_MINUTE = 1000
    member, staff = (
        MemberFactory(phone="13900002222", email="m@example.org"),
        StaffFactory(phone="13700003333", email="s@example.org"),
    )
    people = {"liaison": liaison, "member": member, "staff": staff}
    # The member's and staff's committee robots, for the events they receive.
    for user in (member, staff):
        for platform, path in (
            ("wecom", "/cgi-bin/webhook/send?key=k"),
            ("dingtalk", "/robot/send?access_token=t"),
        ):
            Robot.objects.get_or_create(
                platform=platform,
                organizer=user.organizer,
                department=None,
                defaults={"name": "常委会群", "url": robot_server.url + path},
            )
    checked = 0
    for event in events.all_events():
        for role in event.roles:
            user = people.get(role)
            if user is None:
                continue
            for channel in CHANNELS:
                if channel in (Channel.WECOM, Channel.DINGTALK) and not event.robot:
                    continue
                choose(user, event.code, [channel])
                before = (len(robot_server.posts), len(mail.outbox), len(sms.outbox))
                before_inapp = Message.objects.filter(recipient=user).count()
                ids = emit(
                    django_capture_on_commit_callbacks,
                    event=event.code,
                    key=f"{role}-{channel}",
                    users=[user],
                    **SAMPLE,
                )
                assert ids, (event.code, channel)
                delivery = Delivery.objects.get(pk=ids[0])
                assert delivery.state == Delivery.State.SENT, (
                    event.code,
                    channel,
                    delivery.response,
                )
                after = (len(robot_server.posts), len(mail.outbox), len(sms.outbox))
                grew = {
                    Channel.WECOM: after[0] - before[0],
                    Channel.DINGTALK: after[0] - before[0],
                    Channel.EMAIL: after[1] - before[1],
                    Channel.SMS: after[2] - before[2],
                    Channel.INAPP: Message.objects.filter(recipient=user).count() - before_inapp,
                }[channel]
                assert grew == 1, (event.code, channel)
                checked += 1
    assert checked >= 40  # every registered event, each through each of its channels


def test_update_returned_reaches_the_department_robot_with_the_platform_json(
    robots, robot_server, liaison, django_capture_on_commit_callbacks
):
    choose(liaison, "rectification.update_returned", [Channel.WECOM, Channel.DINGTALK])

    emit(
        django_capture_on_commit_callbacks,
        event="rectification.update_returned",
        key=1,
        users=[liaison],
        department="市教育局",
        issue="课后服务",
        reason="缺少佐证材料",
    )

    [post] = robot_server.posts  # the first channel that works: one message, not two
    assert post["path"] == "/cgi-bin/webhook/send" and post["query"]["key"] == ["wecom-key"]
    assert post["json"]["msgtype"] == "markdown"
    content = post["json"]["markdown"]["content"]
    assert "市教育局“课后服务”报送的整改进展被退回" in content
    assert "/workspace/liaison/" in content


def test_dingtalk_requests_are_signed_with_timestamp_and_hmac_sha256(
    robots, robot_server, liaison, django_capture_on_commit_callbacks
):
    choose(liaison, "rectification.update_published", [Channel.DINGTALK])

    emit(
        django_capture_on_commit_callbacks,
        event="rectification.update_published",
        key=1,
        users=[liaison],
        department="市教育局",
        issue="课后服务",
        percent=60,
    )

    [post] = robot_server.posts
    assert post["query"]["access_token"] == ["ding-token"]
    timestamp = post["query"]["timestamp"][0]
    secret = "SEC0123456789"
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert post["query"]["sign"] == [expected]  # parse_qs undid the URL encoding
    assert post["json"]["markdown"]["title"] == "【整改进展已发布】市教育局"


def test_a_failing_webhook_is_retried_then_falls_back_to_the_next_channel(
    robots, robot_server, liaison, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    robot_server.always = (200, {"errcode": 310000, "errmsg": "sign not match"})
    choose(liaison, "rectification.verdict", [Channel.WECOM, Channel.SMS])

    emit(
        django_capture_on_commit_callbacks,
        event="rectification.verdict",
        key=7,
        users=[liaison],
        department="市教育局",
        issue="课后服务",
        result="不满意",
        round=1,
    )

    robot = Delivery.objects.get(channel=Channel.WECOM)
    assert len(robot_server.posts) == 3
    assert (robot.state, robot.attempts) == (Delivery.State.FAILED, 3)
    assert "sign not match" in robot.response and len(robot.log) == 3
    fallback = Delivery.objects.get(channel=Channel.SMS)
    assert fallback.fallback_of == robot and fallback.state == Delivery.State.SENT
    [text] = sms.outbox
    assert text["phone"] == "13800001111" and "评议意见：不满意" in text["text"]


def test_a_webhook_that_fails_once_is_sent_on_the_retry(
    robots, robot_server, liaison, django_capture_on_commit_callbacks
):
    robot_server.answers = [(502, {"errmsg": "bad gateway"})]
    choose(liaison, "rectification.plan_published", [Channel.WECOM, Channel.EMAIL])

    emit(
        django_capture_on_commit_callbacks,
        event="rectification.plan_published",
        key=3,
        users=[liaison],
        department="市教育局",
        issue="课后服务",
        version=1,
    )

    delivery = Delivery.objects.get(channel=Channel.WECOM)
    assert (delivery.state, delivery.attempts) == (Delivery.State.SENT, 2)
    assert [a["ok"] for a in delivery.log] == [False, True] and "HTTP 502" in delivery.log[0][
        "response"
    ]
    assert not mail.outbox  # no fallback: the robot got it


def test_the_same_event_twice_and_a_duplicated_task_send_one_message(
    robots, robot_server, liaison, django_capture_on_commit_callbacks
):
    choose(liaison, "rectification.plan_published", [Channel.WECOM])
    context = {"department": "市教育局", "issue": "课后服务", "version": 1}
    first = emit(
        django_capture_on_commit_callbacks,
        event="rectification.plan_published",
        key=9,
        users=[liaison],
        **context,
    )
    again = emit(
        django_capture_on_commit_callbacks,
        event="rectification.plan_published",
        key=9,
        users=[liaison],
        **context,
    )

    assert first and again == []
    assert deliver_task.delay(first[0]).get() == "skipped"  # the broker delivered it twice
    assert len(robot_server.posts) == 1


def test_two_liaisons_of_a_department_share_one_robot_message(
    robots, robot_server, liaison, django_capture_on_commit_callbacks
):
    other = LiaisonFactory(department=liaison.department)
    for user in (liaison, other):
        choose(user, "rectification.plan_published", [Channel.WECOM])

    emit(
        django_capture_on_commit_callbacks,
        event="rectification.plan_published",
        key=4,
        users=[liaison, other],
        department="市教育局",
        issue="课后服务",
        version=2,
    )

    assert len(robot_server.posts) == 1
    assert set(Delivery.objects.get().fallback) == {str(liaison.pk), str(other.pk)}


def test_a_robot_over_its_per_minute_allowance_waits_for_the_next_minute(
    robots, robot_server, liaison, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFY_ROBOT_PER_MINUTE = 2
    choose(liaison, "rectification.plan_published", [Channel.WECOM])
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, 0, 5, tzinfo=dt.UTC), tick=False):
        for key in range(3):
            emit(
                django_capture_on_commit_callbacks,
                event="rectification.plan_published",
                key=key,
                users=[liaison],
                department="市教育局",
                issue="课后服务",
                version=1,
            )
        waiting = Delivery.objects.get(state=Delivery.State.PENDING)
    assert len(robot_server.posts) == 2
    assert waiting.not_before == dt.datetime(2026, 5, 6, 10, 1, tzinfo=dt.UTC)

    with time_machine.travel(dt.datetime(2026, 5, 6, 10, 1, 10, tzinfo=dt.UTC), tick=False):
        assert services.sweep() == 1

    assert len(robot_server.posts) == 3
    waiting.refresh_from_db()
    assert waiting.state == Delivery.State.SENT


def test_quiet_hours_hold_sms_until_they_end(
    robot_server, liaison, django_capture_on_commit_callbacks
):
    QuietHours.objects.create(user=liaison, start=dt.time(22, 0), end=dt.time(7, 30))
    choose(liaison, "rectification.measure_overdue", [Channel.INAPP, Channel.SMS])
    night = timezone.make_aware(dt.datetime(2026, 5, 6, 23, 15))  # Asia/Shanghai
    with time_machine.travel(night, tick=False):
        emit(
            django_capture_on_commit_callbacks,
            event="rectification.measure_overdue",
            key=1,
            users=[liaison],
            message="市教育局：整改措施“建立经费保障机制”已逾期 2 天。",
        )
    assert Message.objects.filter(recipient=liaison).count() == 1  # in-app is not held
    held = Delivery.objects.get(channel=Channel.SMS)
    assert not sms.outbox
    assert held.not_before == timezone.make_aware(dt.datetime(2026, 5, 7, 7, 30))

    with time_machine.travel(held.not_before + dt.timedelta(minutes=1), tick=False):
        services.sweep()

    assert [m["text"] for m in sms.outbox] == [
        "【人大评议】市教育局：整改措施“建立经费保障机制”已逾期 2 天。"
    ]


def test_digest_gathers_held_messages_once_a_day(
    robot_server, liaison, django_capture_on_commit_callbacks
):
    choose(liaison, "rectification.update_published", [Channel.EMAIL], digest=True)
    choose(liaison, "notifications.digest", [Channel.EMAIL])
    for key in (1, 2):
        emit(
            django_capture_on_commit_callbacks,
            event="rectification.update_published",
            key=key,
            users=[liaison],
            department="市教育局",
            issue=f"问题{key}",
            percent=50,
        )
    assert not mail.outbox
    assert Delivery.objects.filter(state=Delivery.State.HELD).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        first = send_digests.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_digests.delay().get()

    assert (first, second) == (1, 0)
    [email] = mail.outbox
    assert email.subject.startswith("【每日汇总】")
    assert email.body.count("【整改进展已发布】市教育局") == 2
    assert Delivery.objects.filter(state=Delivery.State.DIGESTED).count() == 2


def test_staff_digest_counts_the_workspace_inbox(robot_server, django_capture_on_commit_callbacks):
    from tests.issues.factories import SuggestionFactory

    suggestion = SuggestionFactory()
    SuggestionFactory(department=suggestion.department)
    campaign = suggestion.campaign
    staff = StaffFactory(organizer=campaign.organizer)
    choose(staff, "notifications.digest", [Channel.INAPP])

    with django_capture_on_commit_callbacks(execute=True):
        services.digests_send()

    message = Message.objects.get(recipient=staff)
    assert message.title.startswith("【每日汇总】")
    assert f"- {campaign.title} · 待归并整理的意见建议：2" in message.body.splitlines()


def test_people_without_a_phone_or_robot_fall_through_to_what_reaches_them(
    robot_server, django_capture_on_commit_callbacks
):
    liaison = LiaisonFactory(phone="", email="only-mail@example.org")

    emit(  # default channels: robot, robot, SMS, email: only email reaches this person
        django_capture_on_commit_callbacks,
        event="rectification.update_returned",
        key=5,
        users=[liaison],
        department="市教育局",
        issue="课后服务",
        reason="请补充数据",
    )

    [email] = mail.outbox
    assert email.to == ["only-mail@example.org"] and "退回理由：请补充数据" in email.body
    assert Message.objects.filter(recipient=liaison).count() == 1


class BrokenSms(sms.BaseSmsBackend):
    def send_text(self, *, phone: str, text: str) -> str:
        raise RuntimeError("gateway down")


def test_a_backend_that_crashes_is_logged_retried_and_falls_back(
    robot_server, liaison, django_capture_on_commit_callbacks, settings
):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.BrokenSms"
    settings.NOTIFY_MAX_ATTEMPTS = 2
    choose(liaison, "rectification.update_returned", [Channel.SMS, Channel.EMAIL])

    emit(
        django_capture_on_commit_callbacks,
        event="rectification.update_returned",
        key=11,
        users=[liaison],
        department="市教育局",
        issue="课后服务",
        reason="请补充",
    )

    failed = Delivery.objects.get(channel=Channel.SMS)
    assert (failed.state, failed.attempts) == (Delivery.State.FAILED, 2)
    assert failed.response == "RuntimeError: gateway down"
    [email] = mail.outbox
    assert email.to == ["liaison@example.org"]
