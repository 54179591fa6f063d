import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from rectification import services

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2021, 7, 10, 10, tzinfo=dt.UTC), tick=False)
def test_ledger_export_has_a_row_per_measure(client, published_plan):
    plan = published_plan
    services.measure_save(
        plan=plan,
        actor=plan.liaison,
        title='=HYPERLINK("http://evil")',
        responsible_unit="@unit",
        responsible_person="+p",
        deadline=dt.date(2021, 9, 1),
    )
    client.force_login(plan.staff)
    campaign = plan.key_issue.department.campaign
    batch = plan.key_issue.department.batch.number
    response = client.get(reverse("rectification:ledger", args=[campaign.slug]) + f"?batch={batch}")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["批次", "被评议部门（单位）", "重点整改问题", "整改措施"]
    assert "逾期天数" in header and "责任单位" in header
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    overdue = {r[3]: r[-1] for r in rows}
    assert overdue["353所小学开展课后延时服务"] == 10  # due 2021-06-30
    evil_row = next(r for r in ws.iter_rows(min_row=2) if "HYPERLINK" in r[3].value)
    evil = evil_row[3:6]
    assert evil[0].value.startswith("=") and evil[1].value == "@unit" and evil[2].value == "+p"
    assert all(c.data_type == "s" and c.quotePrefix for c in evil)  # text, never a formula


def test_ledger_export_is_staff_only(client, published_plan):
    client.force_login(published_plan.liaison)
    slug = published_plan.key_issue.department.campaign.slug
    assert client.get(reverse("rectification:ledger", args=[slug])).status_code == 403
