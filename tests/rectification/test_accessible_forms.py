"""The liaison's forms and progress photos for everyone (issue 19): a failed submit shows the
form again with its error summary and what was typed; photos are described by department,
date and the liaison's caption (asked for by the upload form), never by their file name."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rectification import services
from rectification.models import Attachment, ProgressUpdate
from tests.support.a11y import Page

from .factories import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_progress_photo_alt_names_department_date_and_caption_never_the_file(
    client, published_plan
):
    plan = published_plan
    client.force_login(plan.liaison)
    client.post(
        reverse("rectification:liaison-update", args=[plan.key_issue_id]),
        {
            "text": "课后服务已覆盖全市小学",
            "percent": "60",
            "caption": "第一小学课后服务课堂",
            "files": [SimpleUploadedFile("IMG_20210503.jpg", jpeg_bytes(), "image/jpeg")],
        },
    )
    services.update_create(
        plan=plan,
        actor=plan.liaison,
        text="第二次进展",
        percent=70,
        files=[("IMG_20210610.jpg", jpeg_bytes())],
    )
    for update in plan.updates.all():
        services.update_publish(update=update, actor=plan.staff)
    assert (
        Attachment.objects.get(original_name="IMG_20210503.jpg").caption == "第一小学课后服务课堂"
    )
    client.logout()

    slug = plan.key_issue.department.campaign.slug
    body = client.get(reverse("rectification:issue", args=[slug, plan.key_issue_id])).content
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', body.decode())
    name = plan.key_issue.department.department.name
    assert len(alts) == 2
    assert any(
        re.fullmatch(rf"{name} 整改进展照片 \d{{4}}年\d+月\d+日：第一小学课后服务课堂", a)
        for a in alts
    )
    assert any(re.fullmatch(rf"{name} 整改进展照片 \d{{4}}年\d+月\d+日", a) for a in alts)
    assert not any("IMG_" in a or ".jpg" in a for a in alts)


def test_failed_progress_update_is_shown_again_with_its_summary(client, published_plan):
    plan = published_plan
    client.force_login(plan.liaison)

    response = client.post(
        reverse("rectification:liaison-update", args=[plan.key_issue_id]),
        {"text": "课后服务已覆盖全市小学", "percent": "120", "caption": "课堂"},
    )

    assert response.status_code == 400
    page = Page(response.content.decode())
    assert page.summaries == 1
    [(href, text)] = page.summary_links
    assert href == "#id_percent" and text.startswith("整体完成进度（%）：")
    assert "id_percent" in page.invalid and page.dangling() == []
    assert "课后服务已覆盖全市小学</textarea>" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_failed_plan_form_is_shown_again_with_its_summary(client, published_plan):
    client.force_login(published_plan.liaison)

    response = client.post(
        reverse("rectification:liaison-plan", args=[published_plan.key_issue_id]),
        {"goals": "", "deadline": "不是日期"},
    )

    assert response.status_code == 400
    page = Page(response.content.decode())
    assert {href for href, _ in page.summary_links} == {"#id_goals", "#id_deadline"}
    assert page.dangling() == []
