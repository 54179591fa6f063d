"""/api/v1/hotline/records/ (staff only, the caller hash for staff and admins only, never a
number) and /api/v1/hotline/aggregates/ (per department x month, from MonthlyStat)."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.models import ApiClient, Scope
from departments.models import Department
from hotline.models import HotlineRecord, HotlineSource
from hotline.stats import stats_refresh
from tests.factories import AdminFactory, LiaisonFactory, ResearcherFactory
from tests.scoring.factories import campaign_with_batch

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def tickets(department, n, *, day=dt.date(2021, 3, 5), start=0, satisfaction=1):
    source, _ = HotlineSource.objects.get_or_create(name="12345热线")
    records = [
        HotlineRecord(
            source=source,
            ticket_no=f"T{department.pk}-{start + i}",
            received_at=dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI),
            received_day=day,
            department=department,
            department_name=department.name,
            category="噪音扰民",
            satisfaction=satisfaction if i % 2 == 0 else 3,
            content="夜间施工噪音",
            caller_hash=f"h{start + i:031d}",
        )
        for i in range(n)
    ]
    HotlineRecord.objects.bulk_create(records)
    stats_refresh(cells={department.pk: {dt.date(day.year, day.month, 1)}})


@pytest.fixture
def setup():
    staff, campaign, batch, evaluated = campaign_with_batch(2)
    department = evaluated[0].department
    outsider = Department.objects.create(name="未参评单位", short_name="未参评", slug="outsider")
    tickets(department, 4)
    tickets(department, 2, day=dt.date(2021, 4, 2), start=10)
    tickets(outsider, 3)
    return staff, campaign, department, outsider


def session(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def token(user, scopes) -> APIClient:
    name = f"system-{user.pk}-{'-'.join(sorted(scopes))}"
    client = ApiClient(name=name, user=user, scopes=list(scopes))
    key = client.issue_key()
    client.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_staff_read_tickets_of_the_departments_their_committee_evaluates(setup):
    staff, _campaign, department, _outsider = setup

    body = session(staff).get("/api/v1/hotline/records/").json()

    assert len(body["results"]) == 6 and body["next"] is None
    assert {r["department"] for r in body["results"]} == {department.slug}
    assert body["results"][0]["caller_hash"].startswith("h")
    assert "phone" not in body["results"][0] and "caller" not in body["results"][0]


def test_admins_read_every_ticket(setup):
    assert len(session(AdminFactory()).get("/api/v1/hotline/records/").json()["results"]) == 9


@pytest.mark.parametrize("factory", [LiaisonFactory, ResearcherFactory, None])
def test_other_roles_get_no_tickets_and_no_caller_hashes(setup, factory):
    api = session(factory()) if factory else APIClient()
    record = HotlineRecord.objects.first()

    for url in ("/api/v1/hotline/records/", f"/api/v1/hotline/records/{record.pk}/"):
        response = api.get(url)
        assert response.status_code in (401, 403)
        assert "h0000" not in response.content.decode()


def test_tickets_need_their_own_scope(setup):
    staff, *_ = setup
    aggregates_only = token(staff, [Scope.HOTLINE_READ])
    records = token(staff, [Scope.HOTLINE_RECORDS_READ])

    assert aggregates_only.get("/api/v1/hotline/records/").status_code == 403
    assert aggregates_only.get("/api/v1/hotline/aggregates/").status_code == 200
    assert records.get("/api/v1/hotline/records/").status_code == 200
    assert records.get("/api/v1/hotline/aggregates/").status_code == 403


def test_a_ticket_of_another_committees_department_is_404(setup):
    staff, _campaign, _department, outsider = setup
    record = HotlineRecord.objects.filter(department=outsider).first()

    assert session(staff).get(f"/api/v1/hotline/records/{record.pk}/").status_code == 404


def test_tickets_filter_by_department_and_day(setup):
    staff, _campaign, department, _outsider = setup
    url = f"/api/v1/hotline/records/?department={department.slug}&received_after=2021-04-01"

    body = session(staff).get(url).json()

    assert len(body["results"]) == 2


def test_aggregates_per_department_and_month_come_from_the_monthly_table(setup):
    staff, campaign, department, _outsider = setup

    with CaptureQueriesContext(connection) as ctx:
        body = session(staff).get(f"/api/v1/hotline/aggregates/?campaign={campaign.slug}").json()

    assert [(r["department"], r["month"], r["total"]) for r in body["results"]] == [
        (department.slug, "2021-03-01", 4),
        (department.slug, "2021-04-01", 2),
    ]
    march = body["results"][0]
    assert (march["satisfied"], march["dissatisfied"], march["satisfaction_rate"]) == (
        2,
        2,
        "50.00",
    )
    records_table = HotlineRecord._meta.db_table
    assert not any(records_table in q["sql"] for q in ctx.captured_queries)


def _count(api, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/api/v1/hotline/records/", "/api/v1/hotline/aggregates/"])
def test_hotline_lists_read_in_a_fixed_number_of_queries(setup, url, django_assert_num_queries):
    staff, _campaign, department, _outsider = setup
    api = session(staff)
    api.get(url)  # warm caches (content types) before counting
    before = _count(api, url)
    tickets(department, 5, day=dt.date(2021, 5, 9), start=20)

    with django_assert_num_queries(before):
        api.get(url)
