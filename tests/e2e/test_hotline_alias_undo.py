"""Staff see the alias history on the hotline import page and undo an alias in Chromium."""

import pytest
from playwright.sync_api import expect

from hotline.models import HotlineRecord
from hotline.services import department_alias_add, import_batch_create, import_batch_run
from tests.conftest import login, screenshot
from tests.factories import EvaluatedDepartmentFactory, StaffFactory
from tests.hotline.factories import ticket, write_csv

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_undo_an_alias_from_the_history(page, tmp_path):
    staff = StaffFactory(username="wangmin", name="王敏")
    police = EvaluatedDepartmentFactory(
        batch__campaign__organizer=staff.organizer,
        department__name="淄博市公安局",
        department__short_name="市公安局",
    ).department
    path = write_csv(tmp_path / "a.csv", [ticket(n, dept="张店交警") for n in range(1, 4)])
    batch = import_batch_create(source_name="12345热线", path=str(path), file_name="a.csv",
                                actor=staff)  # fmt: skip
    import_batch_run(batch_id=batch.pk)
    department_alias_add(department=police, name="张店交警", actor=staff)
    assert HotlineRecord.objects.filter(department=police).count() == 3

    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/hotline/imports/")
    history = page.locator("section", has_text="部门别名记录")
    expect(history).to_contain_text("张店交警")
    expect(history).to_contain_text("王敏")
    screenshot(page, "hotline-alias-history")

    history.get_by_role("button", name="撤销").click()

    expect(page.locator(".message-success")).to_contain_text("3 条工单恢复原来的匹配")
    expect(page.locator("section", has_text="部门别名记录")).to_contain_text("已撤销")
    screenshot(page, "hotline-alias-undone")
    assert HotlineRecord.objects.filter(department=police).count() == 0
