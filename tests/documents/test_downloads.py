"""Staff of the campaign's committee download its official documents (one .docx or a zip
of all); staff of another committee get 404 (like every staff campaign page: they do not
learn the slug exists), a liaison 403."""

import io
import zipfile
from urllib.parse import unquote

import pytest
from django.urls import reverse
from docx import Document

from tests.factories import (
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    StaffFactory,
)
from tests.issues.factories import ConfirmedKeyIssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    ev = EvaluatedDepartmentFactory(
        department__name="淄博市教育局", department__short_name="市教育局"
    )
    ConfirmedKeyIssueFactory(department=ev, title="课后服务不足")
    staff = StaffFactory(organizer=ev.campaign.organizer)
    return ev, staff


def _urls(ev):
    slug = ev.campaign.slug
    return [
        reverse("campaigns-staff:documents", args=[slug]),
        reverse("campaigns-staff:documents-zip", args=[slug]),
        reverse("campaigns-staff:document", args=[slug, "notice"]),
        reverse("campaigns-staff:document-department", args=[slug, "opinion", ev.department.slug]),
    ]


def test_staff_download_one_opinion_with_its_chinese_file_name(client, world):
    ev, staff = world
    client.force_login(staff)

    args = [ev.campaign.slug, "opinion", ev.department.slug]
    url = reverse("campaigns-staff:document-department", args=args)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = unquote(response["Content-Disposition"])
    assert f"{ev.campaign.year}-评议意见-市教育局.docx" in disposition
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "淄博市教育局" in text and "课后服务不足" in text


def test_staff_download_the_zip_of_all_documents(client, world):
    ev, staff = world
    client.force_login(staff)

    response = client.get(reverse("campaigns-staff:documents-zip", args=[ev.campaign.slug]))

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    year = ev.campaign.year
    names = set(archive.namelist())
    assert {f"{year}-评议意见-市教育局.docx", f"{year}-整改情况报告-市教育局.docx"} <= names
    # no published score sheet: no notice, and the zip says why
    assert f"{year}-评议结果通报.docx" not in names
    assert "尚未公布成绩表" in archive.read("说明.txt").decode()


def test_the_notice_without_a_published_sheet_is_refused_with_a_message(client, world):
    ev, staff = world
    client.force_login(staff)

    response = client.get(
        reverse("campaigns-staff:document", args=[ev.campaign.slug, "notice"]), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse(
        "campaigns-staff:documents", args=[ev.campaign.slug]
    )
    assert "尚未公布成绩表" in response.content.decode()


def test_the_documents_page_links_every_department(client, world, django_assert_max_num_queries):
    ev, staff = world
    EvaluatedDepartmentFactory(batch=ev.batch, department__name="淄博市民政局")
    client.force_login(staff)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("campaigns-staff:documents", args=[ev.campaign.slug]))

    body = page.content.decode()
    assert "淄博市教育局" in body and "淄博市民政局" in body
    assert reverse("campaigns-staff:documents-zip", args=[ev.campaign.slug]) in body


def test_the_documents_page_queries_do_not_grow_with_departments(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ev, staff = world
    client.force_login(staff)
    url = reverse("campaigns-staff:documents", args=[ev.campaign.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        EvaluatedDepartmentFactory(batch=ev.batch)
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four) == len(one)


def test_unknown_document_or_department_is_404(client, world):
    ev, staff = world
    client.force_login(staff)
    slug = ev.campaign.slug
    assert client.get(reverse("campaigns-staff:document", args=[slug, "nope"])).status_code == 404
    missing = reverse("campaigns-staff:document-department", args=[slug, "opinion", "nobody"])
    assert client.get(missing).status_code == 404


def test_staff_of_another_committee_get_404_for_every_document_url(client, world):
    ev, _ = world
    client.force_login(StaffFactory())  # another organizer

    for url in _urls(ev):
        assert client.get(url).status_code == 404, url


def test_liaison_of_the_department_is_forbidden(client, world):
    ev, _ = world
    client.force_login(LiaisonFactory(department=ev.department))

    for url in _urls(ev):
        assert client.get(url).status_code == 403, url


def test_posting_to_a_download_is_not_allowed(client, world):
    ev, staff = world
    client.force_login(staff)

    for url in _urls(ev):
        assert client.post(url).status_code == 405, url
