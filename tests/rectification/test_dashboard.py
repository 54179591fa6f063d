import datetime as dt

import pytest

from rectification import selectors, services

pytestmark = pytest.mark.django_db


def _dashboard(plan, today):
    return selectors.staff_dashboard(
        campaign=plan.key_issue.department.campaign, user=plan.staff, today=today, silent_days=14
    )


def test_dashboard_lists_pending_overdue_and_silent(published_plan):
    plan = published_plan
    update = services.update_create(plan=plan, actor=plan.liaison, text="进展", percent=20)
    d = _dashboard(plan, dt.date(2021, 7, 2))
    assert d.pending_updates == [update]
    assert [(m.title, days) for m, days in d.overdue] == [("353所小学开展课后延时服务", 2)]
    assert d.silent == []  # reported today

    later = update.created_at.date() + dt.timedelta(days=20)
    assert [ev for ev, _, _ in _dashboard(plan, later).silent] == [plan.key_issue.department]


def test_department_with_every_measure_done_is_not_silent(published_plan):
    plan = published_plan
    for m in plan.measures.all():
        services.measure_mark_done(measure=m, actor=plan.liaison, evidence="完成")
    d = _dashboard(plan, dt.date(2022, 1, 1))
    assert d.silent == [] and d.overdue == []
