"""Pages read in a fixed number of queries however many updates there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rectification import services
from tests.factories import EvaluatedDepartmentFactory

from .factories import MeasureFactory, PlanFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


def _add_updates(plan, n):
    measure = plan.measures.first()
    for i in range(n):
        u = services.update_create(
            plan=plan,
            actor=plan.liaison,
            text=f"进展{i}",
            percent=min(10 * i, 100),
            values={measure.pk: i + 1},
            files=[("p.jpg", jpeg_bytes(size=(64, 48)))],
        )
        services.update_publish(update=u, actor=plan.staff)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_public_issue_page_queries_do_not_grow(client, published_plan):
    plan = published_plan
    url = reverse(
        "rectification:issue", args=[plan.key_issue.department.campaign.slug, plan.key_issue_id]
    )
    _add_updates(plan, 1)
    few = _count(client, url)
    _add_updates(plan, 6)
    assert _count(client, url) == few
    assert few <= 10


def test_board_and_department_page_queries_do_not_grow(client, published_plan):
    plan = published_plan
    campaign = plan.key_issue.department.campaign
    board = reverse("rectification:board", args=[campaign.slug])
    _add_updates(plan, 1)
    few = _count(client, board)
    # More departments, issues, measures and updates.
    for _ in range(3):
        ev = EvaluatedDepartmentFactory(batch=plan.key_issue.department.batch)
        other = PlanFactory(key_issue__department=ev)
        MeasureFactory(plan=other, deadline=dt.date(2021, 9, 1))
        services.plan_submit(plan=other, actor=plan.staff)
        services.plan_publish(plan=other, actor=plan.staff)
        other.liaison, other.staff = plan.liaison, plan.staff
        _add_updates(other, 3)
    _add_updates(plan, 4)
    assert _count(client, board) == few
    assert few <= 12
    dept = reverse(
        "campaigns:department",
        args=[campaign.slug, plan.key_issue.department.department.slug],
    )
    assert _count(client, dept) <= 20


def test_staff_dashboard_queries_do_not_grow(client, published_plan):
    plan = published_plan
    slug = plan.key_issue.department.campaign.slug
    client.force_login(plan.staff)
    url = reverse("rectification:dashboard", args=[slug])
    services.update_create(plan=plan, actor=plan.liaison, text="a", percent=1)
    few = _count(client, url)
    for i in range(5):
        services.update_create(plan=plan, actor=plan.liaison, text=f"b{i}", percent=2)
        MeasureFactory(plan=plan, deadline=dt.date(2020, 1, 1))
    services.plan_submit(plan=plan, actor=plan.liaison)
    services.plan_publish(plan=plan, actor=plan.staff)
    assert _count(client, url) == few
