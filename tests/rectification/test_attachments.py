import io

import pytest
from django.urls import reverse
from PIL import Image

from rectification.files import RejectedFile, clean_upload
from rectification.models import ProgressUpdate

from .factories import jpeg_bytes

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def test_html_named_jpg_is_refused_with_a_clear_message(client, published_plan):
    plan = published_plan
    client.force_login(plan.liaison)
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("photo.jpg", html, content_type="image/jpeg")
    response = client.post(
        reverse("rectification:liaison-update", args=[plan.key_issue_id]),
        {"text": "进展", "percent": "30", "files": [upload]},
        follow=True,
    )
    body = response.content.decode()
    assert "不是图片或 PDF" in body and "photo.jpg" in body
    assert ProgressUpdate.objects.count() == 0  # nothing half-saved


def test_image_is_reencoded_upright_without_metadata():
    raw = jpeg_bytes(size=(400, 200), exif_orientation=6)  # rotate 90° when shown
    clean = clean_upload(raw, name="a.jpg", max_bytes=10 * MB)
    img = Image.open(io.BytesIO(clean.content))
    assert (img.width, img.height) == (200, 400)
    assert not img.getexif()
    assert "exif" not in img.info
    thumb = Image.open(io.BytesIO(clean.thumbnail))
    assert thumb.width <= 480 and thumb.height <= 360


def test_png_and_webp_and_pdf_are_accepted():
    for fmt in ("PNG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (50, 50), "blue").save(out, format=fmt)
        assert clean_upload(out.getvalue(), name=f"x.{fmt}", max_bytes=MB).kind == "image"
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert clean_upload(pdf, name="report.png", max_bytes=MB).kind == "pdf"


@pytest.mark.parametrize(
    "data,message",
    [
        (b"GIF89a" + b"\0" * 20, "不是图片或 PDF"),
        (b"\xff\xd8\xff\xe0" + b"garbage" * 10, "无法作为图片打开"),
        (b"%PDF-1.4 no end", "不是完整的 PDF"),
        (b"", "空文件"),
    ],
)
def test_bad_files_are_refused(data, message):
    with pytest.raises(RejectedFile, match=message):
        clean_upload(data, name="f", max_bytes=MB)


def test_size_limit_comes_from_settings(published_plan, settings):
    from django.core.exceptions import ValidationError

    from rectification import services

    settings.RECTIFICATION_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="过大"):
        services.update_create(
            plan=published_plan,
            actor=published_plan.liaison,
            text="x",
            percent=1,
            files=[("big.jpg", jpeg_bytes(size=(600, 600)))],
        )
