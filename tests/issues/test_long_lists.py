"""Long staff lists stay usable: the key-issue page filters and pages (50/100/200), the
triage list pages 50/100/200 with its bulk-action bar above the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from issues.models import KeyIssue
from tests.factories import BatchFactory, CampaignFactory, EvaluatedDepartmentFactory, StaffFactory

from .factories import ConfirmedKeyIssueFactory, KeyIssueFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    staff = StaffFactory()
    campaign = CampaignFactory(organizer=staff.organizer)
    first = BatchFactory(campaign=campaign, number=1, name="第一批", stage="key_issues")
    second = BatchFactory(campaign=campaign, number=2, name="第二批", stage="key_issues")
    police = EvaluatedDepartmentFactory(
        batch=first, department__name="淄博市公安局", department__short_name="市公安局"
    )
    housing = EvaluatedDepartmentFactory(
        batch=second, department__name="淄博市住房和城乡建设局", department__short_name="市住建局"
    )
    ConfirmedKeyIssueFactory(department=police, title="交通拥堵治理", description="早晚高峰")
    ConfirmedKeyIssueFactory(department=police, title="户籍办理提速")
    KeyIssueFactory(department=housing, title="物业服务不规范", description="小区物业收费")
    return staff, campaign, police, housing


def _page(client, campaign, **params):
    response = client.get(reverse("issues:key-issues", args=[campaign.slug]), params)
    assert response.status_code == 200
    return response


def _shown(response) -> dict[str, list[str]]:
    return {
        ev.department.short_name: [k.title for k in ev.key_issues.all()]
        for ev in response.context["page"]
    }


def test_key_issue_page_filters_by_department_batch_status_and_search(client, board):
    staff, campaign, police, housing = board
    client.force_login(staff)

    assert _shown(_page(client, campaign, department=police.pk)) == {
        "市公安局": ["交通拥堵治理", "户籍办理提速"]
    }
    assert _shown(_page(client, campaign, batch=housing.batch_id)) == {
        "市住建局": ["物业服务不规范"]
    }
    assert _shown(_page(client, campaign, status=KeyIssue.Status.PROPOSED)) == {
        "市住建局": ["物业服务不规范"]
    }
    # Search reads titles and descriptions; a card shows only the matching key issues.
    assert _shown(_page(client, campaign, q="高峰")) == {"市公安局": ["交通拥堵治理"]}
    assert _shown(_page(client, campaign, q="物业")) == {"市住建局": ["物业服务不规范"]}
    # Bounds: confirmed count outside 2–3 (housing: 0) / fewer than 2 proposed (housing: 1).
    assert list(_shown(_page(client, campaign, bounds="out"))) == ["市住建局"]
    assert list(_shown(_page(client, campaign, bounds="short"))) == ["市住建局"]
    # The counts on a card stay those of the department, whatever the filter shows.
    filtered = _page(client, campaign, q="高峰")
    assert [ev.n_confirmed for ev in filtered.context["page"]] == [2]
    assert "已确定 2 个" in filtered.content.decode()


def test_key_issue_page_pages_50_100_200_departments(client, board):
    staff, campaign, _, _ = board
    batch = BatchFactory(campaign=campaign, number=3)
    EvaluatedDepartmentFactory.create_batch(58, batch=batch)
    client.force_login(staff)

    default = _page(client, campaign)
    assert default.context["page"].paginator.count == 60
    assert len(default.context["page"].object_list) == 50
    assert "第 1 / 2 页" in default.content.decode()
    assert len(_page(client, campaign, page=2).context["page"].object_list) == 10
    assert len(_page(client, campaign, per_page=100).context["page"].object_list) == 60
    # Anything else than 50/100/200 falls back to 50.
    assert len(_page(client, campaign, per_page=5000).context["page"].object_list) == 50
    # The page links keep the filters.
    assert "page=2" in default.content.decode()


def test_key_issue_page_query_count_does_not_grow_with_departments(client, board):
    staff, campaign, police, _ = board
    client.force_login(staff)
    url = reverse("issues:key-issues", args=[campaign.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    batch = BatchFactory(campaign=campaign, number=3)
    for ev in EvaluatedDepartmentFactory.create_batch(40, batch=batch):
        ConfirmedKeyIssueFactory.create_batch(2, department=ev)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["page"].paginator.count == 42
    assert len(many.captured_queries) == len(few.captured_queries)


def test_triage_pages_50_100_200_with_the_bulk_bar_above_the_rows(client):
    staff = StaffFactory()
    ev = EvaluatedDepartmentFactory(batch__campaign__organizer=staff.organizer)
    SuggestionFactory.create_batch(120, department=ev)
    client.force_login(staff)
    url = reverse("issues:triage", args=[ev.campaign.slug])

    default = client.get(url)
    wide = client.get(url, {"per_page": "100"})

    assert len(default.context["page"].object_list) == 50
    assert len(wide.context["page"].object_list) == 100
    assert len(client.get(url, {"per_page": "200"}).context["page"].object_list) == 120
    body = wide.content.decode()
    assert body.index('id="bulkbar"') < body.index('<table class="table triage">')
    assert '<option value="100" selected>' in body
    assert "per_page=100" in body  # the page links keep the page size
