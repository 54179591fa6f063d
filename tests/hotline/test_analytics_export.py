"""One department's 12345 analytics as a workbook: the page's figures with counts as whole
numbers and rates as percentages, printed readably (LibreOffice → PDF, one conversion);
staff and admins only, like the page."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from hotline.services import import_batch_create, import_batch_run
from tests.factories import ROLE_FACTORIES, EvaluatedDepartmentFactory, StaffFactory
from tests.hotline.factories import ticket, write_csv
from tests.support.office import require_office
from tests.support.printing import PAGE, printed

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(tmp_path):
    evaluated = EvaluatedDepartmentFactory(
        department__name="淄博市公安局",
        department__short_name="市公安局",
        batch__campaign__year=2021,
    )
    rows = [ticket(i, when=f"2021-0{1 + i % 9}-03") for i in range(20)]
    rows += [ticket(f"p{i}", when=f"2020-0{1 + i % 9}-03") for i in range(25)]
    rows.append(ticket("bad", satisfaction="不满意", when="2021-02-03"))
    path = write_csv(tmp_path / "tickets.csv", rows)
    batch = import_batch_create(source_name="12345", path=str(path), file_name="tickets.csv")
    import_batch_run(batch_id=batch.pk)
    return evaluated


def url(evaluated):
    return reverse(
        "hotline:department-export", args=[evaluated.campaign.slug, evaluated.department.slug]
    )


def test_analytics_export_holds_the_figures_and_prints_readably(client, evaluated, tmp_path):
    require_office()
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))

    response = client.get(url(evaluated))

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["概况", "每月", "问题分类", "区县"]
    summary = list(workbook["概况"][2])
    assert summary[2].value == 21 and summary[2].number_format == "0"
    assert summary[4].value == pytest.approx(-0.16) and summary[4].number_format == "0.0%"
    assert summary[5].value == pytest.approx(20 / 21, abs=1e-4)
    pages = printed(response.content, tmp_path / "out" / "analytics.xlsx")
    assert len(pages) == 4  # one page per sheet
    # LibreOffice numbers the pages of a workbook through all its sheets, as Excel does.
    headers = ["评价期工单量", "上年同月", "问题分类", "区县"]
    for number, (page, header) in enumerate(zip(pages, headers, strict=True), start=1):
        assert "###" not in page and header in page and "淄博市公安局" in page
        assert "导出于" in page and "评价期 2021-01-01 至" in page
        assert PAGE.search(page).groups() == (str(number), "4")
    assert "-16.0%" in pages[0] and "95.2%" in pages[0]
    assert "2021-02" in pages[1] and "公共安全>交通管理" in pages[2]


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.STAFF, Role.ADMIN)])
def test_analytics_export_is_for_staff_and_admins_only(client, evaluated, role):
    committee = (Role.STAFF, Role.MEMBER, Role.RESEARCHER)
    kwargs = {"organizer": evaluated.campaign.organizer} if role in committee else {}
    client.force_login(ROLE_FACTORIES[role](**kwargs))

    assert client.get(url(evaluated)).status_code == 403


def test_analytics_page_links_the_export(client, evaluated):
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))

    page = client.get(
        reverse("hotline:department", args=[evaluated.campaign.slug, evaluated.department.slug])
    ).content.decode()

    assert url(evaluated) in page
