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


def test_bulk_refresh_gives_the_same_aggregates(tmp_path):
    from hotline.models import DailyStat, MonthlyStat
    from hotline.stats import stats_refresh

    department = DepartmentFactory(name="部门B")
    ratings, districts = ("满意", "一般", "不满意", ""), ("张店区", "淄川区")
    rows = [
        ticket(i, when=f"202{i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d} 23:30", dept="部门B",
               satisfaction=ratings[i % 4], district=districts[i % 2])
        for i in range(200)
    ]  # fmt: skip
    _import(write_csv(tmp_path / "a.csv", rows))

    def state():
        daily = DailyStat.objects.values_list("day", "total", "satisfied", "basic", "dissatisfied")
        monthly = MonthlyStat.objects.values_list("month", "category", "district", "total")
        return sorted(daily), sorted(monthly)

    before = state()
    months = {dt.date(y, m, 1) for y in (2020, 2021) for m in range(1, 13)}
    DailyStat.objects.all().delete()
    MonthlyStat.objects.all().delete()

    stats_refresh(cells={department.pk: months}, bulk=True)

    assert state() == before and len(before[0]) > 50
