"""Attachments: limits enforced while they stream in, the kind sniffed from the content, and
served by that kind only (never as a page or a script, whatever the name)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rectification import services
from rectification.models import Attachment, ProgressUpdate
from tests.core.test_uploads import _post_lazily

from .factories import jpeg_bytes

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, format="PNG")
    return out.getvalue()


def _submit(client, plan, *files):
    return client.post(
        reverse("rectification:liaison-update", args=[plan.key_issue_id]),
        {"text": "已完成三所学校试点", "percent": "30", "files": list(files)},
        follow=True,
    )


def test_an_attachment_over_the_limit_is_dropped_while_it_streams_and_the_text_is_kept(
    client, published_plan, settings
):
    settings.RECTIFICATION_MAX_UPLOAD_BYTES = MB
    client.force_login(published_plan.liaison)
    path = reverse("rectification:liaison-update", args=[published_plan.key_issue_id])

    response, peak, stream = _post_lazily(
        client,
        path,
        {"text": "已完成三所学校试点", "percent": "30"},
        [("files", "现场.jpg", 20 * MB, b"\xff\xd8\xff")],
    )

    # The form comes back bound, its error summary naming the refused file (status 400).
    assert response.status_code == 400 and stream.served > 20 * MB
    assert peak < 4 * MB
    assert ProgressUpdate.objects.count() == 0
    page = response.content.decode()
    assert "文件“现场.jpg”过大：超过每个文件 1 MB 的上传上限，未接收。" in page
    assert "已完成三所学校试点" in page  # what was typed comes back in the form
    assert 'name="percent" value="30"' in page


def test_more_files_than_allowed_get_the_chinese_400_page(client, published_plan, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client.force_login(published_plan.liaison)
    path = reverse("rectification:liaison-update", args=[published_plan.key_issue_id])

    response, _, _ = _post_lazily(
        client,
        path,
        {"text": "进展", "percent": "30"},
        [("files", f"{n}.jpg", 1000, b"\xff\xd8\xff") for n in range(3)],
    )

    assert response.status_code == 400
    assert "一次最多上传 2 个文件。" in response.content.decode()
    assert ProgressUpdate.objects.count() == 0


def test_a_png_named_html_is_stored_and_served_as_the_png_it_is(client, published_plan):
    client.force_login(published_plan.liaison)
    _submit(client, published_plan, SimpleUploadedFile("photo.html", png_bytes(), "text/html"))

    att = Attachment.objects.get()
    assert att.file.name.endswith(".png") and att.kind == "image"
    response = client.get(reverse("rectification:file", args=[att.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "photo.png" in response["Content-Disposition"]


def test_a_pdf_is_a_download_whatever_it_is_called_and_holds(client, published_plan):
    client.force_login(published_plan.liaison)
    _submit(client, published_plan, SimpleUploadedFile("script.js", PDF, "text/javascript"))

    att = Attachment.objects.get()
    assert att.file.name.endswith(".pdf") and att.kind == "pdf"
    response = client.get(reverse("rectification:file", args=[att.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "script.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF  # stored as uploaded, not re-read


@pytest.mark.parametrize(
    ("stored_name", "content", "content_type", "disposition"),
    [
        # Stored before uploads were sniffed, under the name the uploader chose.
        ("legacy/photo.html", png_bytes(), "image/png", "inline"),
        ("legacy/script.js", jpeg_bytes(size=(20, 20)), "image/jpeg", "inline"),
        # Whatever else got stored goes out as opaque bytes to download, never as a page.
        ("legacy/page.html", b"<html><script>alert(1)</script></html>", None, "attachment"),
    ],
)
def test_attachments_stored_under_a_bad_name_are_served_by_their_content(
    client, published_plan, stored_name, content, content_type, disposition
):
    update = services.update_create(
        plan=published_plan, actor=published_plan.liaison, text="进展", percent=10
    )
    att = Attachment(update=update, kind="image", original_name=stored_name.split("/")[1], size=1)
    att.file.save(stored_name, ContentFile(content), save=True)
    client.force_login(published_plan.liaison)

    response = client.get(reverse("rectification:file", args=[att.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == (content_type or "application/octet-stream")
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "html" not in response["Content-Disposition"]


def test_the_api_refuses_an_attachment_over_the_limit_in_its_json_error(published_plan, settings):
    from rest_framework.test import APIClient

    settings.RECTIFICATION_MAX_UPLOAD_BYTES = MB
    api = APIClient()
    api.force_authenticate(published_plan.liaison)

    response, peak, _ = _post_lazily(
        api,
        "/api/v1/progress-updates/",
        {"plan": str(published_plan.pk), "text": "进展", "percent": "20"},
        [("files", "现场.jpg", 12 * MB, b"\xff\xd8\xff")],
    )

    assert response.status_code == 400
    message = str(response.json()["error"])
    assert "文件“现场.jpg”过大：超过每个文件 1 MB 的上传上限，未接收。" in message
    assert peak < 4 * MB
    assert ProgressUpdate.objects.count() == 0
