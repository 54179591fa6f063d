"""The rejected rows of a hotline import as printed (LibreOffice → PDF, one conversion): no
"###", header row and page numbers on every page, the batch in the page header, row numbers
as whole numbers, and the caller's number masked on paper too."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hotline.services import import_batch_create, import_batch_run
from tests.factories import EvaluatedDepartmentFactory, StaffFactory
from tests.hotline.factories import ticket, write_csv
from tests.support.office import require_office
from tests.support.printing import assert_prints_readably, printed

pytestmark = pytest.mark.django_db


def test_rejected_rows_print_readably_without_phone_numbers(client, tmp_path):
    require_office()
    evaluated = EvaluatedDepartmentFactory(department__name="淄博市公安局")
    content = "市民反映路口信号灯长时间故障，早晚高峰车辆拥堵严重，希望尽快维修并加强巡查。"
    rows = [ticket(n, when="明天", phone="13812345678", content=content) for n in range(1, 81)]
    path = write_csv(tmp_path / "tickets.csv", rows)
    batch = import_batch_create(source_name="12345", path=str(path), file_name="tickets.csv")
    batch = import_batch_run(batch_id=batch.pk)
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))

    response = client.get(reverse("hotline:import-errors", args=[batch.pk, "xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    first = sheet.cell(row=2, column=1)
    assert first.value == 2 and first.number_format == "0"
    pages = printed(response.content, tmp_path / "out" / "rejected.xlsx")
    assert len(pages) >= 2
    assert_prints_readably(pages, header="原因", version="导出于")
    text = "\n".join(pages)
    assert "13812345678" not in text and "138****5678" in text
    assert f"导入批次 {batch.pk}" in pages[0] and "tickets.csv" in pages[0]
