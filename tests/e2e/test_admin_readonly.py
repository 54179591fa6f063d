"""The admin in a real browser (issue 13): a district's staff see no city suggestion, and a
record opens view-only (no save or delete button), a suggestion without its contact."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.conftest import login, screenshot
from tests.factories import DistrictOrganizerFactory, EvaluatedDepartmentFactory, StaffFactory
from tests.issues.factories import SuggestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _staff(organizer):
    staff = StaffFactory(organizer=organizer)
    staff.user_permissions.set(Permission.objects.all())
    return staff


def test_admin_records_are_view_only_and_scoped(page):
    ev = EvaluatedDepartmentFactory()
    city_suggestion = SuggestionFactory(
        department=ev, text="市里的意见：路灯不亮", contact="13900001111"
    )
    city_staff = _staff(ev.campaign.organizer)
    district_staff = _staff(DistrictOrganizerFactory())

    login(page, district_staff.username)
    page.goto(f"{page.base_url}/admin/issues/suggestion/")
    expect(page.locator("#changelist")).to_be_visible()
    expect(page.get_by_text(city_suggestion.receipt)).to_have_count(0)
    screenshot(page, "admin-district-suggestions")

    page.context.clear_cookies()
    login(page, city_staff.username)
    page.goto(f"{page.base_url}/admin/issues/suggestion/{city_suggestion.pk}/change/")
    expect(page.get_by_text("市里的意见：路灯不亮")).to_be_visible()
    expect(page.locator('input[name="_save"]')).to_have_count(0)
    expect(page.locator("a.deletelink")).to_have_count(0)
    expect(page.get_by_text("13900001111")).to_have_count(0)
    screenshot(page, "admin-suggestion-view-only")
