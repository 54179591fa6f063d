"""The hotline import page refuses a zip bomb before storing it, as the API does."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from hotline.models import ImportBatch
from tests.conftest import login, screenshot
from tests.factories import CampaignFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_see_a_zip_bomb_refused_on_the_hotline_import_page(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    staff = StaffFactory(username="wangmin", name="王敏")
    CampaignFactory(organizer=staff.organizer, year=2021, slug="2021")
    bomb = tmp_path / "12345工单.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(64 << 20))
    bomb.write_bytes(buffer.getvalue())

    login(page, "wangmin")
    page.goto(f"{page.base_url}/hotline/imports/")
    page.get_by_label("工单文件").set_input_files(str(bomb))
    page.get_by_role("button", name="上传并导入").click()

    # Under the field, and named again in the error summary at the top.
    expect(page.locator(".field-error", has_text="压缩炸弹")).to_be_visible()
    expect(page.locator(".error-summary a", has_text="压缩炸弹")).to_be_visible()
    screenshot(page, "hotline-import-zip-bomb-refused")
    assert ImportBatch.objects.count() == 0
    assert not any((tmp_path / "media").rglob("*.xlsx"))
