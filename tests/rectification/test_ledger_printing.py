"""The ledger (整改台账) as printed (LibreOffice → PDF, one conversion): landscape, no "###",
the header row and page numbers on every page, the campaign and batch in the page header,
the export time in the footer, deadlines as dates and overdue days as whole numbers."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.support.office import require_office
from tests.support.printing import assert_prints_readably, printed

from .factories import MeasureFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2021, 7, 10, 10, tzinfo=dt.UTC), tick=False)
def test_ledger_prints_readably(client, published_plan, tmp_path):
    require_office()
    plan = published_plan
    MeasureFactory.create_batch(
        40,
        plan=plan,
        title="完善课后服务课程体系，开设科普、体育、艺术、劳动等兴趣课程，满足学生多样化需求",
        responsible_unit="基础教育科、体育卫生与艺术教育科",
        target_value=12345678,
        current_value=1234567.5,
        deadline=dt.date(2021, 5, 1),
    )
    client.force_login(plan.staff)
    campaign = plan.key_issue.department.campaign
    batch = plan.key_issue.department.batch

    response = client.get(
        reverse("rectification:ledger", args=[campaign.slug]) + f"?batch={batch.number}"
    )

    sheet = load_workbook(io.BytesIO(response.content))["整改台账"]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    row = list(sheet[2])
    assert row[6].number_format == "yyyy-mm-dd" and row[13].number_format == "0"
    pages = printed(response.content, tmp_path / "ledger.xlsx")
    assert len(pages) >= 2
    assert_prints_readably(pages, header="整改措施", version="导出于 2021-07-10 18:00")
    assert f"{campaign.title} · {batch.name}" in pages[0]
    text = "\n".join(pages)
    assert "2021-05-01" in text and "12345678" in text and "70" in text  # 70 days overdue
