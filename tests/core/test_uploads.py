"""The one upload gate: size, type, content signature and zip bombs, for pages and the API."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.uploads import MB, UnsafeUploadError, upload_check
from hotline.models import ImportBatch
from tests.factories import EvaluatedDepartmentFactory, StaffFactory


def zip_bomb() -> bytes:
    # 64 MB of zeros deflate to ~64 KB: a ratio near 1,000.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(64 << 20))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kwargs", "message"),
    [
        ("a.csv", b"x" * (MB + 1), {"max_bytes": MB}, "文件不能超过 1 MB（上传上限）。"),
        ("a.csv", b"", {"max_bytes": MB}, "文件是空的。"),
        ("a.exe", b"MZ", {"max_bytes": MB, "kinds": ("pdf", "docx")}, "只能是 PDF 或 DOCX 格式"),
        ("a.pdf", b"PK\x03\x04", {"max_bytes": MB, "kinds": ("pdf",)}, "不是有效的 PDF 文件"),
        ("bomb.xlsx", zip_bomb(), {"max_bytes": 20 * MB}, "压缩炸弹"),
        # A ZIP inside is checked whatever the name says.
        ("bomb.csv", zip_bomb(), {"max_bytes": 20 * MB}, "压缩炸弹"),
    ],
)
def test_upload_check_refuses_with_a_message_for_the_uploader(name, content, kwargs, message):
    upload = SimpleUploadedFile(name, content)

    with pytest.raises(UnsafeUploadError, match=message):
        upload_check(upload, **kwargs)

    assert upload.tell() == 0


def test_upload_check_accepts_a_good_file_and_leaves_it_readable_from_the_start():
    upload = SimpleUploadedFile("发言.PDF", b"%PDF-1.7 ...")

    assert upload_check(upload, max_bytes=MB, kinds=("pdf", "docx")) == "pdf"
    assert upload.read() == b"%PDF-1.7 ..."


@pytest.mark.django_db
def test_the_hotline_import_page_refuses_a_zip_bomb_as_the_api_does(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evaluated = EvaluatedDepartmentFactory()
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))

    response = client.post(
        reverse("hotline:imports"),
        {"file": SimpleUploadedFile("bomb.xlsx", zip_bomb()), "source": "12345热线", "sheet": ""},
    )

    assert response.status_code == 200 and "压缩炸弹" in response.content.decode()
    assert ImportBatch.objects.count() == 0
    assert not any(tmp_path.rglob("bomb.xlsx"))  # refused before it was stored


def test_the_inflated_size_limit_is_the_callers():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", b"x" * 2048)
        archive.writestr("b.xml", b"y" * 2048)
    upload = SimpleUploadedFile("a.xlsx", buffer.getvalue())

    with pytest.raises(UnsafeUploadError, match="解压后超过"):
        upload_check(upload, max_bytes=MB, max_uncompressed=3000)
    assert upload_check(upload, max_bytes=MB, max_uncompressed=5000) == "xlsx"
