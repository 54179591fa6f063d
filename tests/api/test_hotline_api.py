"""Systems push hotline ticket files through the API and poll the batch."""

import io
import zipfile

import pytest
from rest_framework.test import APIClient

from api.models import ApiClient, Scope
from hotline.models import ImportBatch
from tests.factories import StaffFactory
from tests.hotline.factories import HEADER, ticket

pytestmark = pytest.mark.django_db


def csv_file(name="tickets.csv"):
    rows = [",".join(HEADER)] + [",".join(ticket(n).values()) for n in (1, 2)]
    data = io.BytesIO("\r\n".join(rows).encode())
    data.name = name
    return data


def token_api(scopes):
    staff = StaffFactory()
    client = ApiClient(name="hotline-centre", user=staff, scopes=scopes)
    key = client.issue_key()
    client.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_a_hotline_centre_pushes_a_file_and_reads_the_batch(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api = token_api([Scope.HOTLINE_WRITE, Scope.HOTLINE_READ])

    response = api.post("/api/v1/hotline/imports/", {"file": csv_file()}, format="multipart")

    assert response.status_code == 202, response.content
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert batch.file_name == "tickets.csv"
    detail = api.get(f"/api/v1/hotline/imports/{batch.pk}/").json()
    assert detail["report"]["file"] == "tickets.csv"


def test_pushing_tickets_needs_the_write_scope(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api = token_api([Scope.HOTLINE_READ])

    response = api.post("/api/v1/hotline/imports/", {"file": csv_file()}, format="multipart")

    assert response.status_code == 403
    assert "hotline:write" in response.json()["error"]["message"]
    assert ImportBatch.objects.count() == 0


def test_a_zip_bomb_pushed_through_the_api_is_refused_with_a_clear_message(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(64 << 20))
    buffer.seek(0)
    buffer.name = "bomb.xlsx"
    api = token_api([Scope.HOTLINE_WRITE])

    response = api.post("/api/v1/hotline/imports/", {"file": buffer}, format="multipart")

    assert response.status_code == 400
    assert "压缩炸弹" in str(response.json()["error"]["fields"]["file"])
    assert ImportBatch.objects.count() == 0


def test_an_oversized_push_is_refused_with_a_clear_message(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.HOTLINE_UPLOAD_MAX_MB = 1
    big = io.BytesIO(b"x" * (2 * 1024 * 1024))
    big.name = "big.csv"
    api = token_api([Scope.HOTLINE_WRITE])

    response = api.post("/api/v1/hotline/imports/", {"file": big}, format="multipart")

    assert response.status_code == 400
    assert "上传上限" in str(response.json()["error"]["fields"]["file"])
