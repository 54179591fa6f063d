"""In real Chromium: a liaison posts a progress update with a photo, staff publish it, and
the public key-issue page shows it with the photo's thumbnail and the new progress."""

import datetime as dt
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from rectification import services
from rectification.models import ProgressUpdate
from tests.conftest import login, screenshot
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    StaffFactory,
)
from tests.issues.factories import ConfirmedKeyIssueFactory
from tests.rectification.factories import MeasureFactory, PlanFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = "全市353所小学全部开展课后延时服务，惠及小学生124744人。"


@pytest.fixture
def issue():
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(organizer=staff.organizer, title="2021年专项工作评议", year=2021)
    batch = BatchFactory(campaign=campaign, number=1, name="第一批")
    education = EvaluatedDepartmentFactory(
        batch=batch,
        department__name="淄博市教育局",
        department__short_name="市教育局",
        department__slug="education",
    )
    liaison = LiaisonFactory(username="chenjing", name="陈静", department=education.department)
    key_issue = ConfirmedKeyIssueFactory(department=education, title="学校课后服务不能满足群众需求")
    plan = PlanFactory(key_issue=key_issue, deadline=dt.date(2031, 8, 20))
    MeasureFactory(
        plan=plan,
        title="全市小学全面开展课后延时服务",
        target_value=353,
        target_unit="所",
        deadline=dt.date(2031, 7, 31),
    )
    MeasureFactory(plan=plan, title="丰富课后服务内容", deadline=dt.date(2031, 8, 10))
    services.plan_submit(plan=plan, actor=liaison)
    services.plan_publish(plan=plan, actor=staff)
    return key_issue


def photo(tmp_path):
    img = Image.new("RGB", (1200, 800), (60, 120, 200))
    for x in range(0, 1200, 100):
        img.paste((240, 200, 80), (x, 500, x + 60, 800))
    path = tmp_path / "课后服务现场.jpg"
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"
    img.save(path, format="JPEG", exif=exif.tobytes())
    return path


def test_liaison_posts_staff_publish_public_sees(page, browser, issue, tmp_path):
    slug = issue.department.campaign.slug
    # The liaison posts an update with a photo.
    login(page, "chenjing")
    page.goto(f"{page.base_url}/workspace/liaison/rectification/{issue.pk}/")
    page.get_by_label("进展情况").fill(TEXT)
    page.get_by_label("整体完成进度（%）").fill("80")
    page.get_by_label("全市小学全面开展课后延时服务（目标 353 所）").fill("353")
    page.get_by_label("图片或 PDF 附件").set_input_files(str(photo(tmp_path)))
    page.get_by_role("button", name="报送进展").click()
    expect(page.get_by_text("整改进展已报送，评议办审核后公开。")).to_be_visible()
    expect(page.locator(".update-pending img")).to_be_visible()
    screenshot(page, "rectification-liaison-posted")

    # Not public yet.
    public = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    anon = public.new_page()
    anon.goto(f"{page.base_url}/{slug}/progress/{issue.pk}/")
    expect(anon.get_by_text(TEXT)).to_have_count(0)

    # Staff publish it.
    staff_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    staff = staff_ctx.new_page()
    staff.base_url = page.base_url
    login(staff, "wangmin")
    staff.goto(f"{page.base_url}/staff/{slug}/rectification/")
    staff.get_by_role("link", name="市教育局：学校课后服务不能满足群众需求").click()
    screenshot(staff, "rectification-staff-review")
    staff.get_by_role("button", name="公开", exact=True).click()
    expect(staff.get_by_text("进展已公开。")).to_be_visible()
    assert ProgressUpdate.objects.get().state == ProgressUpdate.State.PUBLISHED

    # The public page shows the update, the thumbnail and the new progress.
    anon.goto(f"{page.base_url}/{slug}/progress/{issue.pk}/")
    expect(anon.get_by_text(TEXT)).to_be_visible()
    thumb = anon.locator("#updates .thumb img")
    expect(thumb).to_be_visible()
    # The image decodes after it becomes visible: wait for it (a broken image never gets a
    # natural width, so this still fails when the thumbnail is not served).
    anon.wait_for_function(
        "() => { const i = document.querySelector('#updates .thumb img');"
        " return i && i.complete && i.naturalWidth > 0; }",
        timeout=10_000,
    )
    expect(anon.locator(".issue-summary")).to_contain_text("80%")
    expect(anon.locator(".indicator-text").first).to_contain_text("353 / 353 所")
    screenshot(anon, "rectification-public-issue")
    # The full photo is served re-encoded, without the camera's metadata.
    href = anon.locator("#updates .thumb").get_attribute("href")
    body = anon.request.get(f"{page.base_url}{href}").body()
    assert not Image.open(io.BytesIO(body)).getexif()
    anon.set_viewport_size({"width": 390, "height": 844})
    screenshot(anon, "rectification-public-issue-phone")
    anon.goto(f"{page.base_url}/{slug}/progress/")
    screenshot(anon, "rectification-board-phone")
    anon.set_viewport_size({"width": 1280, "height": 900})
    screenshot(anon, "rectification-board")
    public.close()
    staff_ctx.close()
