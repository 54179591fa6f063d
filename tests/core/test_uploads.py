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


# --- limits enforced while the body is read (core/upload_handlers.py) --------------------------
def _post_lazily(client, path, fields, files, **extra):
    """POST a multipart body generated on the fly, tracing the memory it takes to handle."""
    import tracemalloc

    from tests.support.bodies import environ, multipart

    client.get("/")  # the first request of a process imports every view: not measured
    chunks, length = multipart(fields, files)
    env = environ(path, chunks, extra.pop("declared", None) or length)
    tracemalloc.start()
    try:
        # The content type twice: Django's client takes it from the environ, DRF's from the
        # argument.
        response = client.generic("POST", path, content_type=env["CONTENT_TYPE"], **env, **extra)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, peak, env["wsgi.input"]


@pytest.fixture
def hotline_staff(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evaluated = EvaluatedDepartmentFactory()
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))
    return client


@pytest.mark.django_db
def test_a_file_over_the_views_limit_is_dropped_as_it_streams_in(hotline_staff, settings):
    settings.HOTLINE_UPLOAD_MAX_MB = 1
    path = reverse("hotline:imports")

    response, peak, stream = _post_lazily(
        hotline_staff,
        path,
        {"source": "某热线", "sheet": "工作表2"},
        [("file", "工单.csv", 24 * MB, b"id,time\n")],
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "文件“工单.csv”过大：超过每个文件 1 MB 的上传上限，未接收。" in body
    assert 'value="某热线"' in body and 'value="工作表2"' in body  # the valid fields are kept
    assert ImportBatch.objects.count() == 0
    assert stream.served > 24 * MB  # the whole body was read (the browser sees the page) ...
    assert peak < 4 * MB  # ... in bounded memory


@pytest.mark.django_db
def test_a_body_declared_over_the_request_limit_is_refused_unread(hotline_staff, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 5 * MB
    path = reverse("hotline:imports")

    response, _, stream = _post_lazily(
        hotline_staff, path, {"source": "x"}, [("file", "a.csv", 6 * MB, b"")]
    )

    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
    assert "一次上传的文件合计不能超过 5 MB" in response.content.decode()
    assert stream.served == 0
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_the_api_answers_an_oversized_body_in_its_own_json_error(settings, tmp_path):
    from tests.api.test_hotline_api import token_api

    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_REQUEST_BYTES = 5 * MB
    api = token_api(["hotline:write", "hotline:read"])
    chunks_env = {"declared": 600 * MB}

    response, _, stream = _post_lazily(
        api, "/api/v1/hotline/imports/", {}, [("file", "a.csv", MB, b"")], **chunks_env
    )

    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_too_large" and "过大" in error["message"]
    assert stream.served == 0


@pytest.mark.django_db
def test_a_form_body_over_the_data_limit_gets_the_apis_json_error(settings):
    from tests.api.test_hotline_api import token_api

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = token_api(["hotline:write"])

    response = api.post(
        "/api/v1/hotline/imports/",
        "source=" + "x" * 5000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


@pytest.mark.django_db
def test_the_api_refuses_a_file_over_its_limit_by_name(settings, tmp_path):
    from tests.api.test_hotline_api import token_api

    settings.MEDIA_ROOT = tmp_path
    settings.HOTLINE_UPLOAD_MAX_MB = 1
    api = token_api(["hotline:write", "hotline:read"])

    response, peak, _ = _post_lazily(
        api, "/api/v1/hotline/imports/", {}, [("file", "big.csv", 8 * MB, b"id\n")]
    )

    assert response.status_code == 400
    assert "big.csv" in response.json()["error"]["fields"]["file"][0]
    assert peak < 4 * MB
    assert ImportBatch.objects.count() == 0


def test_the_default_limits_and_a_views_own_are_read_when_the_request_arrives(settings):
    from types import SimpleNamespace

    from core.upload_handlers import limits_for, upload_limits

    settings.UPLOAD_MAX_FILE_BYTES, settings.UPLOAD_MAX_REQUEST_BYTES = 3, 100

    @upload_limits(per_file=lambda: 7, per_request=1000)
    def view(request):
        raise AssertionError

    assert limits_for(SimpleNamespace(resolver_match=None)) == (3, 100)
    # A view may lower the request limit, never raise it above the site's.
    assert limits_for(SimpleNamespace(resolver_match=SimpleNamespace(func=view))) == (7, 100)


def test_past_a_views_limit_for_the_whole_request_the_next_files_are_dropped(rf, settings):
    from types import SimpleNamespace

    from core.upload_handlers import RefusedUpload, upload_limits
    from tests.support.bodies import environ, multipart

    @upload_limits(per_file=3 * MB, per_request=4 * MB)
    def view(request):
        raise AssertionError

    chunks, length = multipart({"note": "保留"}, [("f", f"{n}.bin", 2 * MB, b"") for n in range(3)])
    request = rf.generic("POST", "/x/", **environ("/x/", chunks, length))
    request.resolver_match = SimpleNamespace(func=view)

    files = request.FILES.getlist("f")

    assert [type(f) is RefusedUpload for f in files] == [False, False, True]
    assert files[2].refusal == "本次上传的文件合计超过 4 MB，文件“2.bin”未接收。请分批上传。"
    assert files[2].size == 2 * MB and files[2].read() == b""
    assert request.POST["note"] == "保留"
