import datetime as dt
from decimal import Decimal

import pytest

from hotline.selectors import category_trend, hotline_counts
from hotline.services import import_batch_create, import_batch_run
from scoring.models import ScoringConfig
from scoring.selectors import hotline_component_for
from tests.factories import CampaignFactory, DepartmentFactory
from tests.hotline.factories import ticket, write_csv

pytestmark = pytest.mark.django_db

START, END = dt.date(2021, 1, 1), dt.date(2021, 10, 31)


def _import(path):
    batch = import_batch_create(source_name="12345", path=str(path), file_name=path.name)
    return import_batch_run(batch_id=batch.pk)


def test_worked_example_of_scoring_md_gives_93(tmp_path):
    """Department A: 500 records in the window, 400 rated (300 satisfied, 60 basically
    satisfied, 40 dissatisfied), 625 records in the baseline window -> 93.00."""
    department = DepartmentFactory(name="部门A")
    ratings = ["满意"] * 300 + ["基本满意"] * 60 + ["不满意"] * 40 + [""] * 100
    rows = [
        ticket(
            f"W{i}",
            when=f"2021-{1 + i % 10:02d}-{1 + i % 28:02d} 10:00",
            dept="部门A",
            satisfaction=r,
        )
        for i, r in enumerate(ratings)
    ]
    rows += [
        ticket(
            f"B{i}",
            when=f"2020-{1 + i % 10:02d}-{1 + i % 28:02d} 10:00",
            dept="部门A",
            satisfaction="",
        )
        for i in range(625)
    ]
    # Outside both windows: must not count.
    rows += [
        ticket("X1", when="2021-11-01 00:00", dept="部门A"),
        ticket("X2", when="2020-12-31 23:59", dept="部门A"),
    ]
    batch = _import(write_csv(tmp_path / "a.csv", rows))
    assert batch.inserted == 1127

    campaign = CampaignFactory(year=2021)
    assert (campaign.evaluation_start, campaign.evaluation_end) == (START, END)
    result = hotline_component_for(campaign=campaign, department_id=department.pk)

    assert (result.rate, result.s_score, result.change, result.t_score) == (
        Decimal("0.9"), Decimal(90), Decimal("-0.2"), Decimal(100),
    )  # fmt: skip
    assert result.score == Decimal("93.00")
    assert str(result.score) == "93.00"

    # The campaign's own settings, not the defaults: S alone gives 90.00.
    ScoringConfig.objects.create(campaign=campaign, hotline_s_weight="1", hotline_t_weight="0")
    campaign.refresh_from_db()
    own = hotline_component_for(campaign=campaign, department_id=department.pk)
    assert own.score == Decimal("90.00")


def test_counts_take_a_fixed_number_of_queries(django_assert_num_queries):
    departments = [DepartmentFactory() for _ in range(5)]

    with django_assert_num_queries(1):
        counts = hotline_counts(department_ids=[d.pk for d in departments], start=START, end=END)

    assert all(c.n_window == 0 for c in counts.values())
    campaign = CampaignFactory()
    assert hotline_component_for(
        campaign=campaign, department_id=departments[0].pk, start=START, end=END
    ).missing


def test_category_trend_for_a_key_issue(tmp_path):
    DepartmentFactory(name="住建局")
    rows = [
        ticket(f"a{i}", when="2020-03-01", dept="住建局", category="城乡建设>物业管理")
        for i in range(10)
    ]
    rows += [
        ticket(f"b{i}", when="2021-03-01", dept="住建局", category="城乡建设>物业管理>电梯")
        for i in range(7)
    ]
    rows += [
        ticket(f"c{i}", when="2021-03-01", dept="住建局", category="交通运输") for i in range(5)
    ]
    _import(write_csv(tmp_path / "a.csv", rows))
    from departments.models import Department

    trend = category_trend(
        department_id=Department.objects.get(name="住建局").pk,
        categories=["城乡建设>物业管理"],
        start=START,
        end=END,
    )

    assert (trend["total"], trend["last_year"], trend["change"]) == (7, 10, Decimal("-30.0"))


def test_touched_only_refresh_equals_a_full_refresh(tmp_path):
    """The refresh of some cells (runs of months with gaps, the year boundary) writes
    exactly the rows a full refresh writes for those cells and leaves every other cell as
    it was; an import's own touched-only aggregates equal a full refresh. Runs on SQLite
    and, with DATABASE_URL set, on PostgreSQL."""
    from hotline.models import DailyStat, MonthlyStat
    from hotline.stats import stats_refresh, stats_refresh_all

    b, c = DepartmentFactory(name="部门B"), DepartmentFactory(name="部门C")
    ratings, districts = ("满意", "一般", "不满意", ""), ("张店区", "淄川区")
    rows = [
        ticket(i, when=f"202{i // 36 % 2}-{1 + i // 3 % 12:02d}-{1 + i % 28:02d} 23:30",
               dept=("部门B", "部门C", "未知单位")[i % 3], satisfaction=ratings[i % 4],
               district=districts[i % 2], category=("教育>招生入学", "劳动保障>欠薪")[i % 5 % 2])
        for i in range(300)
    ]  # fmt: skip
    _import(write_csv(tmp_path / "a.csv", rows))

    def state():
        daily = DailyStat.objects.values_list(
            "department_id", "day", "total", "satisfied", "basic", "dissatisfied"
        )
        monthly = MonthlyStat.objects.values_list(
            "department_id", "month", "category", "district", "total", "satisfied", "basic",
            "dissatisfied",
        )  # fmt: skip
        return sorted(daily), sorted(monthly)

    after_import = state()
    assert stats_refresh_all() == 48
    full = state()
    assert after_import == full and len(full[0]) > 100

    touched = {
        b.pk: {dt.date(2020, 1, 1), dt.date(2020, 2, 1), dt.date(2020, 11, 1),
               dt.date(2020, 12, 1), dt.date(2021, 1, 1), dt.date(2021, 6, 1)},
        c.pk: {dt.date(2021, 12, 1)},
    }  # fmt: skip

    def in_touched(department, day):
        return dt.date(day.year, day.month, 1) in touched.get(department, set())

    DailyStat.objects.all().delete()
    MonthlyStat.objects.all().delete()
    stats_refresh(cells=touched)
    daily, monthly = state()
    assert daily == [row for row in full[0] if in_touched(row[0], row[1])] and daily
    assert monthly == [row for row in full[1] if in_touched(row[0], row[1])] and monthly

    # Stale figures elsewhere stay as they are; the touched cells are replaced.
    stats_refresh_all()
    DailyStat.objects.update(total=999)
    stats_refresh(cells=touched)
    daily, _ = state()
    assert [r[2] == 999 for r in daily] == [not in_touched(r[0], r[1]) for r in daily]


def test_an_import_of_new_tickets_adds_to_the_aggregates_exactly(tmp_path, settings):
    """A later file into the same source: chunks of new tickets only add their counts to
    the aggregates (PostgreSQL), a chunk that also updates a stored ticket is merged and its
    cells recomputed; either way the aggregates are what a full refresh gives, and
    importing the file again changes nothing."""
    from hotline.models import DailyStat, HotlineRecord, MonthlyStat
    from hotline.stats import stats_refresh_all

    settings.HOTLINE_CHUNK_ROWS = 50
    DepartmentFactory(name="部门B"), DepartmentFactory(name="部门C")

    def row(i, **extra):
        return ticket(f"T{i:04d}", when=f"2021-{1 + i // 7 % 3:02d}-{1 + i % 28:02d} 09:00",
                      dept=("部门B", "部门C", "未知单位")[i % 3],
                      satisfaction=("满意", "一般", "不满意", "")[i % 4],
                      district=("张店区", "淄川区")[i % 2], **extra)  # fmt: skip

    def state():
        return (
            sorted(DailyStat.objects.values_list("department_id", "day", "total", "satisfied",
                                                 "basic", "dissatisfied")),
            sorted(MonthlyStat.objects.values_list("department_id", "month", "category",
                                                   "district", "total", "dissatisfied")),
        )  # fmt: skip

    _import(write_csv(tmp_path / "a.csv", [row(i) for i in range(200)]))
    # New tickets in the same months, then (last chunk) a stored ticket moved to another
    # department and month.
    later = [row(i) for i in range(200, 390)] + [row(5, category="教育>招生入学")]
    later[-1]["承办单位"], later[-1]["受理时间"] = "部门C", "2021-06-30 23:59"
    batch = _import(write_csv(tmp_path / "b.csv", later))
    assert (batch.inserted, batch.updated) == (190, 1)

    after_import = state()
    stats_refresh_all()
    assert state() == after_import
    assert (
        sum(r[2] for r in after_import[0])
        == HotlineRecord.objects.filter(department__isnull=False).count()
    )

    again = _import(write_csv(tmp_path / "c.csv", later))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 191)
    assert state() == after_import
