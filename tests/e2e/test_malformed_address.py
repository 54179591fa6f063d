"""A malformed address shows the Chinese 400 page in a real browser (issue #18 point 4)."""

import pytest
from playwright.sync_api import expect

from tests.conftest import screenshot
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_nul_in_the_query_shows_the_400_page_naming_the_parameter(page):
    campaign = CampaignFactory(slug="y2021")

    response = page.goto(f"{page.base_url}/{campaign.slug}/progress/?department=%00")

    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", name="请求有误")).to_be_visible()
    expect(page.get_by_text("查询参数“department”含有不允许的控制字符")).to_be_visible()
    expect(page.get_by_role("link", name="返回首页")).to_be_visible()
    screenshot(page, "malformed-address-400")
