"""The pages: a person's messages and preferences, staff's robots and delivery log, each
checked on the server (another committee's rows are not found, other roles refused)."""

import datetime as dt

import pytest
from django.test import Client

from notifications.models import Channel, Delivery, Message, Preference, QuietHours, Robot
from tests.factories import DepartmentFactory, LiaisonFactory, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def test_liaison_saves_channels_digest_and_quiet_hours():
    liaison = LiaisonFactory(phone="13800001111")
    client = client_for(liaison)

    page = client.get("/workspace/notifications/preferences/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "整改进展被退回" in html and "电子表决测评开始" not in html  # the liaison's events only

    response = client.post(
        "/workspace/notifications/preferences/",
        {
            "ch-rectification.update_returned": ["sms", "inapp"],
            "digest-rectification.update_returned": "0",
            "ch-rectification.update_published": ["email"],
            "digest-rectification.update_published": "1",
            "start": "22:00",
            "end": "07:30",
        },
    )

    assert response.status_code == 302
    returned = Preference.objects.get(user=liaison, event="rectification.update_returned")
    assert returned.channels == ["inapp", "sms"] and not returned.digest  # canonical order
    published = Preference.objects.get(user=liaison, event="rectification.update_published")
    assert published.channels == ["email"] and published.digest
    quiet = QuietHours.objects.get(user=liaison)
    assert (quiet.start, quiet.end) == (dt.time(22, 0), dt.time(7, 30))


def test_half_a_quiet_period_is_refused_with_a_message_and_nothing_saved():
    liaison = LiaisonFactory()
    client = client_for(liaison)

    response = client.post(
        "/workspace/notifications/preferences/",
        {"ch-rectification.update_returned": ["sms"], "start": "22:00", "end": ""},
        follow=True,
    )

    assert "免打扰时段请同时填写开始和结束时间" in response.content.decode()
    assert not Preference.objects.filter(user=liaison).exists()


def test_messages_are_marked_read_one_by_one_or_all_and_only_ones_own():
    liaison, other = LiaisonFactory(), LiaisonFactory()
    mine = [
        Message.objects.create(recipient=liaison, event="x", title=f"消息{i}", body="内容")
        for i in range(3)
    ]
    theirs = Message.objects.create(recipient=other, event="x", title="别人的", body="内容")
    client = client_for(liaison)

    page = client.get("/workspace/notifications/").content.decode()
    assert "3 条未读" in page and "别人的" not in page
    assert client.post(f"/workspace/notifications/{theirs.pk}/read/").status_code == 404
    client.post(f"/workspace/notifications/{mine[0].pk}/read/")
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None
    client.post("/workspace/notifications/read-all/")

    assert not Message.objects.filter(recipient=liaison, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_staff_configure_their_committee_robots_and_bad_addresses_are_refused():
    staff = StaffFactory()
    department = DepartmentFactory()
    client = client_for(staff)

    bad = client.post(
        "/staff/notifications/robots/",
        {
            "platform": "wecom",
            "name": "教育局群",
            "department": department.pk,
            "url": "https://evil.example.com/hook",
            "is_active": "on",
        },
        follow=True,
    )
    assert "推送地址（URL）须为企业微信或钉钉机器人的地址" in bad.content.decode()
    assert not Robot.objects.exists()

    client.post(
        "/staff/notifications/robots/",
        {
            "platform": "dingtalk",
            "name": "教育局钉钉群",
            "department": department.pk,
            "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "secret": "SECabc",
            "is_active": "on",
        },
    )
    robot = Robot.objects.get()
    assert (robot.organizer, robot.department, robot.secret) == (
        staff.organizer,
        department,
        "SECabc",
    )
    page = client.get("/staff/notifications/robots/").content.decode()
    assert "教育局钉钉群" in page and "access_token=abc" not in page  # the key is not listed

    stranger = client_for(StaffFactory())  # another committee's staff
    assert stranger.get(f"/staff/notifications/robots/{robot.pk}/").status_code == 404
    assert stranger.post(f"/staff/notifications/robots/{robot.pk}/delete/").status_code == 404
    assert Robot.objects.filter(pk=robot.pk).exists()


def test_members_and_liaisons_cannot_open_the_staff_pages():
    for user in (MemberFactory(), LiaisonFactory()):
        client = client_for(user)
        assert client.get("/staff/notifications/robots/").status_code == 403
        assert client.get("/staff/notifications/log/").status_code == 403


def test_delivery_log_shows_the_committees_deliveries_with_the_platforms_answer():
    staff = StaffFactory()
    liaison = LiaisonFactory()
    common = {
        "event": "rectification.update_returned",
        "title": "【整改进展被退回】市教育局",
        "body": "…",
    }
    Delivery.objects.create(
        event_key="e:1",
        recipient_key=f"user:{liaison.pk}",
        channel=Channel.WECOM,
        user=liaison,
        organizer=staff.organizer,
        state=Delivery.State.FAILED,
        attempts=4,
        response='{"errcode":310000,"errmsg":"sign not match"}',
        log=[{"at": "2026-05-06T10:00:00+08:00", "ok": False, "response": "sign not match"}],
        **common,
    )
    Delivery.objects.create(
        event_key="e:2",
        recipient_key=f"user:{liaison.pk}",
        channel=Channel.SMS,
        user=liaison,
        organizer=StaffFactory().organizer,  # another committee's
        **{**common, "title": "别的常委会的消息"},
    )

    page = client_for(staff).get("/staff/notifications/log/?state=failed").content.decode()

    assert "sign not match" in page and "失败" in page
    assert "别的常委会的消息" not in page


def test_delivery_log_and_messages_pages_do_not_query_per_row(django_assert_max_num_queries):
    staff = StaffFactory()
    for i in range(30):
        user = LiaisonFactory()
        Delivery.objects.create(
            event="rectification.update_returned",
            event_key=f"e:{i}",
            recipient_key=f"user:{user.pk}",
            channel=Channel.EMAIL,
            user=user,
            organizer=staff.organizer,
            title="【整改进展被退回】市教育局",
            body="…",
        )
        Message.objects.create(recipient=staff, event="x", title=f"消息{i}", body="内容")
    client = client_for(staff)

    with django_assert_max_num_queries(12):
        assert client.get("/staff/notifications/log/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/workspace/notifications/").status_code == 200
