"""The admin in a real browser (issues 13 and 17): /admin/ is for admins only — committee
staff get the Chinese 403 page — and a record opens view-only for the admin (no save or
delete button), a suggestion without its contact."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from accounts import services
from tests.conftest import login, screenshot
from tests.factories import (
    AdminFactory,
    EvaluatedDepartmentFactory,
    MemberFactory,
    StaffFactory,
)
from tests.issues.factories import SuggestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_are_refused_the_admin_and_records_are_view_only_for_admins(page):
    ev = EvaluatedDepartmentFactory()
    city_suggestion = SuggestionFactory(
        department=ev, text="市里的意见：路灯不亮", contact="13900001111"
    )
    staff = StaffFactory(organizer=ev.campaign.organizer)
    staff.user_permissions.set(Permission.objects.all())

    login(page, staff.username)
    response = page.goto(f"{page.base_url}/admin/issues/suggestion/")
    assert response is not None and response.status == 403
    expect(page.locator("#changelist")).to_have_count(0)
    screenshot(page, "admin-staff-refused")

    page.context.clear_cookies()
    login(page, AdminFactory().username)
    page.goto(f"{page.base_url}/admin/issues/suggestion/{city_suggestion.pk}/change/")
    expect(page.get_by_text("市里的意见：路灯不亮")).to_be_visible()
    expect(page.locator('input[name="_save"]')).to_have_count(0)
    expect(page.locator("a.deletelink")).to_have_count(0)
    expect(page.get_by_text("13900001111")).to_have_count(0)
    screenshot(page, "admin-suggestion-view-only")


def test_the_admin_index_is_in_chinese(page):
    admin = AdminFactory()
    member = MemberFactory()
    services.user_password_reset(user=member, actor=admin)
    LogEntry.objects.log_create(  # an entry without an actor, as a command writes one
        member, action=LogEntry.Action.UPDATE, changes={"name": ["甲", "乙"]}, force_log=True
    )
    login(page, admin.username)
    page.goto(f"{page.base_url}/admin/auditlog/logentry/")
    expect(page.get_by_text("管理员已重置为临时密码")).to_have_count(0)  # the list is short
    expect(page.get_by_role("link", name="关联编号")).to_have_count(0)
    expect(page.get_by_role("cell", name="（系统）").first).to_be_visible()
    expect(page.locator("#changelist-filter").get_by_role("link", name="用户")).to_be_visible()
    expect(page.get_by_text("system", exact=True)).to_have_count(0)
    screenshot(page, "admin-auditlog-chinese")
    page.goto(f"{page.base_url}/admin/")
    expect(page.get_by_role("link", name="审计日志")).to_be_visible()
    expect(page.get_by_role("link", name="登录失败记录")).to_be_visible()
    for english in ("AUDIT LOG", "Access attempts", "Access failures", "Access logs"):
        expect(page.get_by_text(english)).to_have_count(0)
    screenshot(page, "admin-index-chinese")
