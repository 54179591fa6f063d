"""Notifications in a real browser (issue 20): a liaison sets channels, the digest and quiet
hours and reads a message; committee staff read the delivery log, where a robot that kept
failing shows the platform's answer and the SMS that took over."""

import pytest
from playwright.sync_api import expect

from notifications import services
from notifications.models import Channel, Preference, Robot
from tests.conftest import login, screenshot
from tests.factories import LiaisonFactory, StaffFactory
from tests.support.robots import RobotServer

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_celery"),
]


@pytest.fixture
def robot_server():
    server = RobotServer()
    yield server
    server.httpd.shutdown()


def test_preferences_page_and_delivery_log(page, robot_server, settings):
    settings.SMS_BACKEND = "core.sms.LocmemSmsBackend"
    settings.NOTIFY_RETRY_SECONDS = 0
    staff = StaffFactory(name="评议办张三")
    liaison = LiaisonFactory(name="联络员李四", phone="13800001111")
    Robot.objects.create(
        platform=Channel.WECOM,
        organizer=staff.organizer,
        department=liaison.department,
        name="教育局整改群",
        url=f"{robot_server.url}/cgi-bin/webhook/send?key=k",
    )
    robot_server.always = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    Preference.objects.create(
        user=liaison,
        event="rectification.update_returned",
        channels=[Channel.INAPP, Channel.WECOM, Channel.SMS],
    )
    services.notify(
        event="rectification.update_returned",
        key=1,
        users=[liaison],
        context={"department": "市教育局", "issue": "课后服务", "reason": "缺少佐证材料"},
        url="/workspace/liaison/rectification/",
        organizer_id=staff.organizer_id,
    )

    login(page, liaison.username)
    page.goto(f"{page.base_url}/workspace/notifications/preferences/")
    expect(page.locator("#preference-table")).to_contain_text("整改进展被退回")
    page.get_by_label("整改进展已发布：短信").check()
    page.get_by_label("整改进展已发布：方式").select_option("1")
    page.get_by_label("免打扰开始").fill("22:00")
    page.get_by_label("免打扰结束").fill("07:30")
    page.get_by_role("button", name="保存设置").click()
    expect(page.get_by_text("通知设置已保存。")).to_be_visible()
    expect(page.get_by_label("整改进展已发布：方式")).to_have_value("1")
    screenshot(page, "notifications-preferences")

    page.goto(f"{page.base_url}/workspace/notifications/")
    expect(page.locator("#message-list")).to_contain_text("退回理由：缺少佐证材料")
    page.get_by_role("button", name="标为已读", exact=True).click()
    expect(page.get_by_text("没有未读消息")).to_be_visible()

    page.context.clear_cookies()
    login(page, staff.username)
    page.goto(f"{page.base_url}/staff/notifications/log/")
    log = page.locator("#delivery-log")
    expect(log).to_contain_text("invalid webhook url")
    expect(log).to_contain_text("替代失败的投递")
    expect(log.locator("tr", has_text="短信")).to_contain_text("已发送")
    screenshot(page, "notifications-delivery-log")
    page.goto(f"{page.base_url}/staff/notifications/robots/")
    expect(page.locator("#robot-list")).to_contain_text("教育局整改群")
    screenshot(page, "notifications-robots")
