"""Staff see the alias history on the hotline import page and undo an alias in Chromium."""

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from departments.models import DepartmentAlias
from hotline.models import AliasChange, HotlineRecord
from hotline.services import (
    alias_change_run,
    department_alias_add,
    import_batch_create,
    import_batch_run,
)
from tests.conftest import login, screenshot
from tests.factories import EvaluatedDepartmentFactory, StaffFactory
from tests.hotline.factories import ticket, write_csv

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(request):
    """A real Celery worker when a broker is configured (PostgreSQL + Redis run), for the
    undo's re-match job; eager Celery runs it right after the request's commit otherwise."""
    if not django_settings.CELERY_TASK_ALWAYS_EAGER:
        return request.getfixturevalue("celery_worker_process")
    return None


def test_staff_undo_an_alias_from_the_history(page, tmp_path, worker):
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
    change = department_alias_add(department=police, name="张店交警", actor=staff)
    alias_change_run(change_id=change.pk)  # done now, whether or not a worker took it too
    assert HotlineRecord.objects.filter(department=police).count() == 3

    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/hotline/imports/")
    history = page.locator("section", has_text="部门别名记录")
    expect(history).to_contain_text("张店交警")
    expect(history).to_contain_text("王敏")
    screenshot(page, "hotline-alias-history")

    history.get_by_role("button", name="撤销").click()

    # The page answers at once and follows the background re-match to its end.
    expect(page.locator(".message-success")).to_contain_text("正在后台恢复工单原来的匹配")
    card = page.get_by_test_id("alias-progress")
    expect(card.get_by_test_id("alias-percent")).to_have_text("100%")
    expect(card.get_by_test_id("alias-done")).to_contain_text("3 条工单恢复原来的匹配")
    expect(card.locator("progress")).to_have_attribute("value", "100")
    expect(page.locator("section", has_text="部门别名记录")).to_contain_text("已撤销")
    screenshot(page, "hotline-alias-undone")
    assert HotlineRecord.objects.filter(department=police).count() == 0


def test_the_alias_page_polls_the_rematch_until_it_is_done(page, tmp_path):
    """A re-match still queued (no worker has run it yet) shows 排队中 at 0%; when the job
    runs, the polled card turns to 100% with the count, without reloading the page."""
    staff = StaffFactory(username="lina", name="李娜")
    police = EvaluatedDepartmentFactory(
        batch__campaign__organizer=staff.organizer,
        department__name="淄博市公安局",
        department__short_name="市公安局",
    ).department
    path = write_csv(tmp_path / "a.csv", [ticket(n, dept="张店交警") for n in range(1, 5)])
    batch = import_batch_create(source_name="12345热线", path=str(path), file_name="a.csv",
                                actor=staff)  # fmt: skip
    import_batch_run(batch_id=batch.pk)
    # What department_alias_add leaves when no worker has taken the job yet.
    DepartmentAlias.objects.create(department=police, name="张店交警")
    change = AliasChange.objects.create(
        action="add", name="张店交警", department=police, organizer=staff.organizer,
        actor=staff, state=AliasChange.State.PENDING,
    )  # fmt: skip

    login(page, "lina")
    page.goto(f"{page.base_url}/staff/hotline/imports/{batch.pk}/?alias={change.pk}")
    card = page.get_by_test_id("alias-progress")
    expect(card).to_contain_text("排队中")
    expect(card.get_by_test_id("alias-percent")).to_have_text("0%")
    screenshot(page, "hotline-alias-queued")

    alias_change_run(change_id=change.pk)  # what the worker does

    expect(card.get_by_test_id("alias-done")).to_contain_text("重新匹配了 4 条工单")
    expect(card.get_by_test_id("alias-percent")).to_have_text("100%")
    screenshot(page, "hotline-alias-rematched")
    assert HotlineRecord.objects.filter(department=police).count() == 4
