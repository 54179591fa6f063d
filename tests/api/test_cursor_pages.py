"""Cursor pages of the lists that grow past 100,000 rows (hotline records, suggestions): every
row once and in order, stable while rows are inserted, no COUNT(*); and on PostgreSQL each
page is an index range scan, never a read and sort of the whole table."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.encoding import iri_to_uri
from rest_framework.test import APIClient

from accounts.models import Role, User
from departments.models import Department
from hotline.models import HotlineRecord, HotlineSource
from tests.factories import AdminFactory
from tests.issues.factories import SuggestionFactory
from tests.scoring.factories import campaign_with_batch

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
URL = "/api/v1/hotline/records/"


def records(department, times, *, start=0, category="噪音扰民", district="市南区"):
    """One ticket per time in `times` (repeated times make ties)."""
    source, _ = HotlineSource.objects.get_or_create(name="12345热线")
    made = HotlineRecord.objects.bulk_create(
        HotlineRecord(
            source=source,
            ticket_no=f"C{start + i}",
            received_at=at,
            received_day=at.astimezone(SHANGHAI).date(),
            department=department,
            department_name=department.name,
            category=category,
            district=district,
            satisfaction=1 + i % 3,
        )
        for i, at in enumerate(times)
    )
    return made


def hour(h: int) -> dt.datetime:
    return dt.datetime(2024, 3, 1, 8, tzinfo=SHANGHAI) + dt.timedelta(hours=h)


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(AdminFactory())
    return client


@pytest.fixture
def department():
    _staff, _campaign, _batch, evaluated = campaign_with_batch(1)
    return evaluated[0].department


def walk(api, url, key="next"):
    url = iri_to_uri(url)  # as a client sends it: percent-encoded
    ids, pages = [], 0
    while url:
        body = api.get(url).json()
        assert "count" not in body
        ids += [row["id"] for row in body["results"]]
        url, pages = body[key], pages + 1
    return ids, pages


def newest_first(rows):
    return [r.pk for r in sorted(rows, key=lambda r: (r.received_at, r.pk), reverse=True)]


def test_walking_next_links_gives_every_record_once_newest_first_with_ties(api, department):
    # 4 distinct times, each shared by 5 tickets: pages of 3 split every tie group
    rows = records(department, [hour(h % 4) for h in range(20)])

    ids, pages = walk(api, f"{URL}?page_size=3")

    assert ids == newest_first(rows)
    assert pages == 7


def test_previous_links_walk_back_the_same_pages(api, department):
    records(department, [hour(h % 4) for h in range(11)])
    forward = [api.get(f"{URL}?page_size=4").json()]
    while forward[-1]["next"]:
        forward.append(api.get(forward[-1]["next"]).json())

    back = [forward[-1]]
    while back[-1]["previous"]:
        back.append(api.get(back[-1]["previous"]).json())

    assert [p["results"] for p in reversed(back)] == [p["results"] for p in forward]


def test_oldest_first_on_request(api, department):
    rows = records(department, [hour(h % 3) for h in range(7)])

    ids, _ = walk(api, f"{URL}?page_size=2&ordering=received_at")

    assert ids == list(reversed(newest_first(rows)))


def test_rows_inserted_while_walking_neither_repeat_nor_skip_a_row(api, department):
    rows = records(department, [hour(h % 4) for h in range(12)])
    first = api.get(f"{URL}?page_size=5").json()
    # new tickets: newer than all, and tied with the rows around the first page's end
    last_seen = HotlineRecord.objects.get(pk=first["results"][-1]["id"]).received_at
    records(department, [hour(10), last_seen, last_seen], start=100)

    rest, _ = walk(api, first["next"])

    seen = [row["id"] for row in first["results"]] + rest
    assert sorted(seen) == sorted(r.pk for r in rows)  # every old row once, new ones not
    assert len(seen) == len(set(seen))


def test_filters_page_too(api, department):
    records(department, [hour(h) for h in range(6)], category="噪音扰民")
    noisy = records(department, [hour(h) for h in range(5)], start=50, category="道路破损")
    records(department, [hour(h) for h in range(3)], start=90, district="崂山区")

    ids, _ = walk(api, f"{URL}?category=道路破损&page_size=2")
    by_month, _ = walk(api, f"{URL}?month=2024-03&department={department.slug}&page_size=5")
    by_district, _ = walk(api, f"{URL}?district=崂山区&page_size=2")

    assert ids == newest_first(noisy)
    assert len(by_month) == 14 and len(by_district) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=2", "page"), ("cursor=bm9wZQ", "cursor"), ("ordering=category", "ordering")],
)
def test_page_numbers_broken_cursors_and_other_orders_answer_a_clear_400(
    api, department, query, field
):
    records(department, [hour(1)])

    response = api.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert response.json()["error"]["fields"][field][0]  # a Chinese message naming the problem


def test_page_1_of_an_old_client_is_the_first_cursor_page(api, department):
    rows = records(department, [hour(h) for h in range(3)])

    body = api.get(f"{URL}?page=1&page_size=2").json()

    assert [r["id"] for r in body["results"]] == newest_first(rows)[:2]
    assert "page=" not in body["next"]


def test_page_size_is_bounded(api, department):
    records(department, [hour(h % 24) for h in range(510)])

    body = api.get(f"{URL}?page_size=100000").json()

    assert len(body["results"]) == 500


def test_suggestions_page_by_cursor(department):
    staff, campaign, *_ = campaign_with_batch(1)
    made = [
        SuggestionFactory(campaign=campaign, submitted_on=f"2021-03-0{1 + i % 3}") for i in range(7)
    ]
    api = APIClient()
    api.force_authenticate(staff)

    ids, _ = walk(api, "/api/v1/suggestions/?page_size=2")

    expected = sorted(made, key=lambda s: (s.submitted_on, s.pk), reverse=True)
    assert ids == [s.pk for s in expected]


# --- PostgreSQL: the plans ------------------------------------------------------------------
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's"
)
ROWS = 30_000


@pytest.fixture
def big_table(department):
    """30,000 tickets over 60 days, 10 departments (the campaign's one of them), 12 categories,
    6 districts, in one INSERT; analysed so
    the planner knows its size (a small table is read whole, whatever the indexes)."""
    source, _ = HotlineSource.objects.get_or_create(name="12345热线")
    others = [
        Department.objects.create(name=f"其他单位{i}", short_name=f"其他{i}", slug=f"other-{i}").pk
        for i in range(9)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO hotline_hotlinerecord
              (source_id, ticket_no, received_at, received_day, department_id,
               department_name, request_type, category, district, town, status,
               satisfaction, content)
            SELECT %s, 'B' || n, t, (t AT TIME ZONE 'Asia/Shanghai')::date,
                   (%s::bigint[])[1 + n %% 10], '某单位', '', '类别' || (n %% 12),
                   '区' || (n %% 6), '', '', 1 + n %% 3, ''
            FROM generate_series(1, %s) n,
                 LATERAL (SELECT timestamptz '2024-01-01 08:00+08'
                                 + (n / 2) * interval '6 minutes' AS t) at
            """,
            [source.pk, [department.pk, *others], ROWS],
        )
        cursor.execute(f"ANALYZE {HotlineRecord._meta.db_table}")
    return department


def plans(api, url) -> list[str]:
    """The response's queries (COUNT(*) must not be one) and the plan of the records query."""
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200
    assert len(response.json()["results"]) > 0
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert not any("COUNT(" in sql.upper() for sql in sqls)
    table = HotlineRecord._meta.db_table
    (query,) = [sql for sql in sqls if f'FROM "{table}"' in sql]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {query}")
        return [row[0] for row in cursor.fetchall()]


PLANS = [
    ("", "hotline_rec_time"),
    ("department={slug}", "hotline_rec_dept_time"),
    ("category=类别5", "hotline_rec_time"),
    ("district=区3", "hotline_rec_time"),
    ("satisfaction=3", "hotline_rec_time"),
    ("month=2024-02", "hotline_rec_time"),
    ("received_after=2024-01-10&received_before=2024-01-12", "hotline_rec_time"),
]


@needs_postgres
def test_every_page_is_an_index_range_scan_without_sort_or_count(api, big_table):
    # One test for every filter: the table is filled once (2 s).
    for query, index in PLANS:
        url = iri_to_uri(f"{URL}?{query.format(slug=big_table.slug)}")
        first = plans(api, url)
        following = plans(api, api.get(url).json()["next"])

        for plan in (first, following):
            text = "\n".join(plan)
            assert "Index Scan" in text and index in text, (query, text)
            assert "Sort" not in text and "Seq Scan" not in text, (query, text)


@needs_postgres
def test_a_staff_members_page_is_an_index_scan_too(big_table):
    staff = User.objects.filter(role=Role.STAFF).first()
    api = APIClient()
    api.force_authenticate(staff)

    for query in ("", f"department={big_table.slug}"):
        text = "\n".join(plans(api, f"{URL}?{query}"))
        assert "Sort" not in text and "Seq Scan" not in text, (query, text)
