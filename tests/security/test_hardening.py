"""Hardening every page needs: CSP without inline code, security headers, login lockout,
upload limits and zip-bomb refusal, error pages without stack traces."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.uploads import UnsafeUploadError, check_xlsx_archive
from tests.factories import PASSWORD, EvaluatedDepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


def _template_files():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" in folder.parts:
            continue
        yield from folder.rglob("*.html")


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_scripts_styles_or_handlers():
    found = []
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{path.relative_to(ROOT)}: {what}")
    assert found == []


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/healthz"])
def test_responses_carry_csp_and_security_headers(client, url):
    response = client.get(url)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_http_only_and_same_site(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


# ---------------------------------------------------------------------------- login lockout
def test_login_locks_out_after_repeated_failures_even_with_the_right_password(client, settings):
    user = StaffFactory()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": user.username, "password": "wrong-guess"})
        assert response.status_code == 200  # the form again, with its error
    client.post(url, {"username": user.username, "password": "wrong-guess"})

    response = client.post(url, {"username": user.username, "password": PASSWORD})

    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_so_others_can_still_log_in(client, settings):
    victim, other = StaffFactory(), StaffFactory()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": victim.username, "password": "wrong-guess"})

    response = client.post(url, {"username": other.username, "password": PASSWORD})

    assert response.status_code == 302


def test_a_successful_login_resets_the_failure_count(client, settings):
    user = StaffFactory()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": user.username, "password": "wrong-guess"})
    assert client.post(url, {"username": user.username, "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": user.username, "password": "wrong-guess"})

    assert client.post(url, {"username": user.username, "password": PASSWORD}).status_code == 302


# ------------------------------------------------------------------------------- uploads
def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    # 64 MB of zeros deflate to ~64 KB: a ratio near 1,000.
    return _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(64 << 20)})


def test_check_xlsx_archive_refuses_a_high_ratio_member():
    with pytest.raises(UnsafeUploadError, match="压缩炸弹"):
        check_xlsx_archive(zip_bomb())


def test_check_xlsx_archive_refuses_a_large_total_before_inflating():
    data = _zip({"a.xml": b"x" * 2048, "b.xml": b"y" * 2048})
    with pytest.raises(UnsafeUploadError, match="解压后超过"):
        check_xlsx_archive(data, max_uncompressed=3000)


def test_check_xlsx_archive_accepts_a_real_workbook():
    from tests.issues.test_import import xlsx_bytes

    check_xlsx_archive(xlsx_bytes([["", "2021-03-01", "", "", "", "内容", ""]]))


@pytest.fixture
def staff_on_import(client):
    evaluated = EvaluatedDepartmentFactory()
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))
    return client, reverse("issues:import", args=[evaluated.campaign.slug])


def test_zip_bomb_xlsx_import_is_refused_with_a_clear_message(staff_on_import):
    client, url = staff_on_import

    response = client.post(url, {"file": SimpleUploadedFile("bomb.xlsx", zip_bomb())})

    assert response.status_code == 400
    assert "压缩炸弹" in response.content.decode()


def test_oversized_import_is_refused_with_a_clear_message(staff_on_import):
    client, url = staff_on_import
    big = SimpleUploadedFile("big.csv", b"a" * (20 * 1024 * 1024 + 1))

    response = client.post(url, {"file": big})

    # Refused while it streamed in (core.upload_handlers), named with the limit.
    assert "文件“big.csv”过大：超过每个文件 20 MB 的上传上限" in response.content.decode()


def test_hotline_reader_refuses_a_zip_bomb(tmp_path):
    from hotline.importing.parsing import FileError
    from hotline.importing.readers import open_table

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb())
    with pytest.raises(FileError, match="压缩炸弹"):
        open_table(path)


def test_an_oversized_form_body_is_refused_without_a_stack_trace(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    evaluated = EvaluatedDepartmentFactory(batch__stage="suggestions")

    response = client.post(
        reverse("issues:suggest", args=[evaluated.campaign.slug]),
        {"text": "长" * 4000},
    )

    assert response.status_code == 413  # Content Too Large, with the Chinese page
    body = response.content.decode()
    assert "Traceback" not in body and "RequestDataTooBig" not in body
    assert "提交的内容过大" in body and "表单其他内容不能超过 1 KB" in body
