"""Cold renders of the busiest public pages read in a fixed number of queries, whatever the
number of key issues, plans, measures, updates and verdicts (the public cache is off here:
these count the render itself)."""

import pytest
from django.test import Client

from rectification import services as rect
from rectification.models import Verdict
from tests.factories import LiaisonFactory, StaffFactory
from tests.issues.factories import ConfirmedKeyIssueFactory, ThemeFactory
from tests.rectification.factories import MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db

# 15: the phase stepper reads the batch's stage plans and transitions (two); 16 with a
# published score sheet (its row: one more)
DEPARTMENT_PAGE_QUERIES = 15
BOARD_QUERIES = 8


@pytest.fixture(autouse=True)
def _uncached(settings):
    settings.PUBLIC_CACHE_ENABLED = False


def _issue_with_history(evaluated, staff, liaison, *, verdict: bool) -> None:
    issue = ConfirmedKeyIssueFactory(department=evaluated)
    issue.themes.add(ThemeFactory(department=evaluated))
    plan = PlanFactory(key_issue=issue)
    MeasureFactory(plan=plan)
    MeasureFactory(plan=plan)
    rect.plan_submit(plan=plan, actor=liaison)
    rect.plan_publish(plan=plan, actor=staff)
    update = rect.update_create(plan=plan, actor=liaison, text="进展", percent=30)
    rect.update_publish(update=update, actor=staff)
    if verdict:
        rect.verdict_record(key_issue=issue, actor=staff, result=Verdict.Result.SATISFIED)


def _count(url: str, django_assert_num_queries, expected: int) -> None:
    client = Client()
    assert client.get(url).status_code == 200  # templates and content types warmed
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_department_page_and_board_queries_do_not_grow_with_issues(django_assert_num_queries):
    first = ConfirmedKeyIssueFactory()
    evaluated = first.department
    campaign = evaluated.campaign
    staff = StaffFactory(organizer=campaign.organizer)
    liaison = LiaisonFactory(department=evaluated.department)
    department_url = f"/{campaign.slug}/departments/{evaluated.department.slug}/"
    board_url = f"/{campaign.slug}/progress/"
    _issue_with_history(evaluated, staff, liaison, verdict=False)
    _count(department_url, django_assert_num_queries, DEPARTMENT_PAGE_QUERIES)
    _count(board_url, django_assert_num_queries, BOARD_QUERIES)

    for n in range(4):
        _issue_with_history(evaluated, staff, liaison, verdict=n % 2 == 0)

    _count(department_url, django_assert_num_queries, DEPARTMENT_PAGE_QUERIES)
    _count(board_url, django_assert_num_queries, BOARD_QUERIES)
    page = Client().get(board_url).content.decode()
    assert page.count('class="board-item card"') == 6
